package io.github.luceneannoy.codec;

import java.io.IOException;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.SegmentWriteState;

/**
 * The forest's parameters, checked once, shared by every Annoy format whatever it stores its flat
 * vectors with: the forest files do not depend on that choice.
 */
final class ForestParameters {
  final int numTrees;
  final int maxLeafSize;
  final int candidatesPerHit;
  final int projectionDimension;
  final int sketchDimension;
  final long seed;

  ForestParameters(
      int numTrees,
      int maxLeafSize,
      int candidatesPerHit,
      int projectionDimension,
      int sketchDimension,
      long seed) {
    this.projectionDimension =
        checkRange(
            "projectionDimension",
            projectionDimension,
            0,
            AnnoyVectorsFormat.MAXIMUM_PROJECTION_DIMENSION);
    if (sketchDimension != 0) {
      checkRange(
          "sketchDimension", sketchDimension, projectionDimension, AnnoyVectorsFormat.MAXIMUM_PROJECTION_DIMENSION);
    }
    this.sketchDimension = sketchDimension;
    this.numTrees = checkRange("numTrees", numTrees, 1, AnnoyVectorsFormat.MAXIMUM_NUM_TREES);
    this.maxLeafSize =
        checkRange("maxLeafSize", maxLeafSize, 1, AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE);
    this.candidatesPerHit =
        checkRange(
            "candidatesPerHit", candidatesPerHit, 1, AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT);
    this.seed = seed;
  }

  /** Returns {@code value}, or throws naming the parameter, its bounds and the value given. */
  static int checkRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /** A writer that stores flat vectors through {@code flatWriter} and builds forests over them. */
  AnnoyVectorsWriter writer(SegmentWriteState state, FlatVectorsWriter flatWriter)
      throws IOException {
    return new AnnoyVectorsWriter(
        state,
        flatWriter,
        numTrees,
        maxLeafSize,
        candidatesPerHit,
        projectionDimension,
        sketchDimension,
        seed);
  }

  /** The parameters as {@code toString} shows them, for the formats' own {@code toString}. */
  @Override
  public String toString() {
    return "numTrees="
        + numTrees
        + ", maxLeafSize="
        + maxLeafSize
        + ", candidatesPerHit="
        + candidatesPerHit
        + ", projectionDimension="
        + projectionDimension
        + ", sketchDimension="
        + sketchDimension
        + ", seed="
        + seed;
  }
}
