package io.github.luceneannoy.examples;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import picocli.CommandLine.Option;

/** The format parameters both benchmarks take: the Annoy forest's shape and HNSW's graph and budgets. */
final class ForestAndGraphOptions {
  @Option(names = "--trees", description = "Annoy trees (default: ${DEFAULT-VALUE})")
  int trees = AnnoyVectorsFormat.DEFAULT_NUM_TREES;

  @Option(names = "--leaf", description = "Annoy maximum leaf size (default: ${DEFAULT-VALUE})")
  int leaf = AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE;

  @Option(names = "--hnsw-m", description = "HNSW max connections (default: ${DEFAULT-VALUE})")
  int hnswM = 16;

  @Option(names = "--hnsw-beam", description = "HNSW beam width (default: ${DEFAULT-VALUE})")
  int hnswBeam = 100;

  @Option(names = "--fanouts", split = ",", paramLabel = "F", description = "fan-outs of plain k-NN queries (HNSW, annoy-default):"
      + " the k asked of the index, the top k kept (default: 10,12,15,20,30,40,60,80,120,160,240,320)")
  int[] fanouts = {10, 12, 15, 20, 30, 40, 60, 80, 120, 160, 240, 320};
}
