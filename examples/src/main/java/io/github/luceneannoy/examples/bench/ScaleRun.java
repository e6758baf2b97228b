/*
 * Copyright lucene-annoy contributors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.github.luceneannoy.examples.bench;

import com.google.gson.Gson;
import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * One format's part of the scale benchmark, run as the main class of a child JVM started with the
 * heap limit under test, so that its memory figures are its own: indexes the base vectors (streamed
 * from their file, never all on the heap), force-merges to one segment with a {@link
 * ConcurrentMergeScheduler} whose intra-merge threads build the forest or graph in parallel,
 * searches, and prints a {@link ScaleResult} as one JSON line after {@link #RESULT_PREFIX}.
 */
public final class ScaleRun {
  /** Marks the line of standard output that carries the result. */
  public static final String RESULT_PREFIX = "SCALE-RESULT ";

  /** What to run; passed on the child's command line as JSON (so paths are strings). */
  public record Config(
      String format,
      String base,
      String queries,
      String truth,
      String indexDir,
      int segmentSize,
      int mergeThreads,
      int searchThreads,
      int k,
      int[] budgets,
      int annoyTrees,
      int annoyLeaf,
      int annoyBranching,
      float annoyTargetRecall,
      int hnswM,
      int hnswBeam) {}

  private ScaleRun() {}

  public static void main(String[] args) throws Exception {
    Config config = new Gson().fromJson(args[0], Config.class);
    ScaleResult result = run(config, System.err);
    System.out.println(RESULT_PREFIX + new Gson().toJson(result));
    System.out.flush();
    // exit explicitly: merge scheduler threads must not hold the JVM up
    System.exit(0);
  }

  private static AnnoyVectorsFormat annoyFormat(Config config) {
    return new AnnoyVectorsFormat(
        config.annoyTrees(),
        config.annoyLeaf(),
        config.annoyBranching(),
        config.annoyTargetRecall(),
        AnnoyVectorsFormat.DEFAULT_SEED);
  }

  static FormatUnderTest format(Config config) {
    return switch (config.format()) {
      case "annoy" -> FormatUnderTest.annoy(annoyFormat(config), config.budgets());
      // plain KnnFloatVectorQuery: each segment's calibrated default, fan-outs as budgets
      case "annoy-default" ->
          FormatUnderTest.annoyDefault("annoy", annoyFormat(config), config.budgets());
      // two merge workers on the merge scheduler's intra-merge threads, as the forest gets
      case "hnsw" ->
          FormatUnderTest.hnsw(
              config.hnswM(), config.hnswBeam(), config.mergeThreads(), config.budgets());
      default ->
          throw new IllegalArgumentException(
              "unknown format " + config.format() + ", expected annoy, annoy-default or hnsw");
    };
  }

  static ScaleResult run(Config config, PrintStream progress) throws Exception {
    FormatUnderTest format = format(config);
    IOUtils.rm(Path.of(config.indexDir()));
    float[][] queries = VectorFiles.readVecs(Path.of(config.queries()), Integer.MAX_VALUE);
    int[][] truth = VectorFiles.readIvecs(Path.of(config.truth()), Integer.MAX_VALUE);
    int dimension = queries[0].length;
    try (Directory dir = FSDirectory.open(Path.of(config.indexDir()))) {
      MemoryWatch watch = new MemoryWatch();
      long start = System.nanoTime();
      int vectors = index(config, format, dir, progress);
      double indexSeconds = IndexBuild.seconds(start);
      MemoryWatch.Figures indexMemory = watch.finish();
      int segments = SegmentInfos.readLatestCommit(dir).size();
      progress.printf(
          Locale.ROOT,
          "[%s] indexed %,d vectors into %d segments in %.1f s%n",
          config.format(),
          vectors,
          segments,
          indexSeconds);

      watch = new MemoryWatch();
      start = System.nanoTime();
      forceMerge(config, format, dir);
      double mergeSeconds = IndexBuild.seconds(start);
      MemoryWatch.Figures mergeMemory = watch.finish();
      progress.printf(Locale.ROOT, "[%s] force-merged in %.1f s%n", config.format(), mergeSeconds);

      watch = new MemoryWatch();
      List<ScaleResult.Point> points = new ArrayList<>();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        Dataset data =
            new Dataset(
                "scale", new float[0][], queries, VectorSimilarityFunction.EUCLIDEAN, truth);
        for (SearchSweep.Point p :
            SearchSweep.run(reader, data, format, config.k(), config.searchThreads(), () -> {})) {
          points.add(
              new ScaleResult.Point(
                  p.budget(), p.recall(), p.qpsSingle(), p.qpsMulti(), p.threads()));
          progress.printf(
              Locale.ROOT,
              "[%s] budget %d: recall %.3f, %.0f queries/s%n",
              config.format(),
              p.budget(),
              p.recall(),
              p.qpsSingle());
        }
      }
      MemoryWatch.Figures searchMemory = watch.finish();
      return new ScaleResult(
          config.format(),
          format.format().toString(),
          vectors,
          dimension,
          Runtime.getRuntime().maxMemory(),
          System.getProperty("java.vm.name") + " " + Runtime.version(),
          indexSeconds,
          mergeSeconds,
          segments,
          indexMemory,
          mergeMemory,
          searchMemory,
          IndexFileSizes.byExtension(dir),
          points);
    }
  }

  /** Adds every base vector, flushing every {@code segmentSize} documents, without merging. */
  private static int index(
      Config config, FormatUnderTest format, Directory dir, PrintStream progress)
      throws IOException {
    IndexWriterConfig iwc = new IndexWriterConfig().setCodec(new AnnoyCodec(format.format()));
    iwc.setMaxBufferedDocs(config.segmentSize());
    iwc.setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    iwc.setMergePolicy(NoMergePolicy.INSTANCE);
    iwc.setUseCompoundFile(false);
    int[] count = {0};
    try (IndexWriter writer = new IndexWriter(dir, iwc)) {
      VectorFiles.forEachFvecs(
          Path.of(config.base()),
          vector -> {
            Document doc = new Document();
            doc.add(new NumericDocValuesField(IndexBuild.ID, count[0]));
            doc.add(
                new KnnFloatVectorField(
                    IndexBuild.FIELD, vector, VectorSimilarityFunction.EUCLIDEAN));
            writer.addDocument(doc);
            if (++count[0] % 100_000 == 0) {
              progress.printf(Locale.ROOT, "[%s] %,d vectors indexed%n", config.format(), count[0]);
            }
          });
      writer.commit();
    }
    return count[0];
  }

  private static void forceMerge(Config config, FormatUnderTest format, Directory dir)
      throws IOException {
    ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
    // The intra-merge executor lends a merge at most maxThreadCount - (running merges) - 1 extra
    // threads, so one merge on T threads needs T + 1 (on 2 cores Lucene's default is 1: none).
    scheduler.setMaxMergesAndThreads(config.mergeThreads() + 6, config.mergeThreads() + 1);
    IndexWriterConfig iwc = IndexBuild.mergeConfig(format).setMergeScheduler(scheduler);
    try (IndexWriter writer = new IndexWriter(dir, iwc)) {
      writer.forceMerge(1);
      writer.commit();
    }
  }
}
