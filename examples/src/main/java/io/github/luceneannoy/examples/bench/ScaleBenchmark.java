package io.github.luceneannoy.examples.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.util.IOUtils;

/**
 * The scale benchmark: generates (or reuses) the data and its exact neighbours in this JVM, then
 * runs each format in a child JVM of its own heap limit and reports them side by side.
 */
public final class ScaleBenchmark {

  /** Everything the benchmark needs to know. */
  public record Settings(
      int vectors,
      int dimension,
      int clusters,
      float spread,
      long seed,
      int queries,
      int k,
      List<String> formats,
      String annoyHeap,
      String hnswHeap,
      int segmentSize,
      int mergeThreads,
      int searchThreads,
      int annoyTrees,
      int annoyLeaf,
      int[] candidates,
      int hnswM,
      int hnswBeam,
      int[] fanouts,
      Path workDir,
      boolean keepIndexes) {}

  private ScaleBenchmark() {}

  /** Generates the data and its exact neighbours, or finds them from an earlier run. */
  public static void prepare(Settings s, PrintStream progress) throws Exception {
    ScaleData.prepare(spec(s), s.workDir(), progress);
  }

  private static ScaleData.Spec spec(Settings s) {
    return new ScaleData.Spec(s.vectors(), s.dimension(), s.clusters(), s.spread(), s.seed(), s.queries(), s.k());
  }

  /** Runs every format; a format that fails (out of memory, say) is reported, not fatal. */
  public static List<ScaleReport.Outcome> run(Settings s, PrintStream progress) throws Exception {
    ScaleData.Spec spec = spec(s);
    ScaleData.Files3 data = ScaleData.prepare(spec, s.workDir(), progress);
    List<ScaleReport.Outcome> outcomes = new ArrayList<>();
    for (String format : s.formats()) {
      String heap = format.equals("hnsw") ? s.hnswHeap() : s.annoyHeap();
      Path indexDir = s.workDir().resolve("index-" + format + "-" + spec.stem());
      ScaleRun.Config config =
          new ScaleRun.Config(format, data.base().toString(), data.queries().toString(), data.truth().toString(),
              indexDir.toString(), s.segmentSize(), s.mergeThreads(), s.searchThreads(), s.k(),
              format.equals("hnsw") ? s.fanouts() : s.candidates(), s.annoyTrees(), s.annoyLeaf(), s.hnswM(), s.hnswBeam());
      try {
        outcomes.add(new ScaleReport.Outcome(format, heap, ChildJvm.run(heap, config, progress), null));
      } catch (ChildJvm.ChildFailedException e) {
        progress.println(e.getMessage());
        outcomes.add(new ScaleReport.Outcome(format, heap, null, e.getMessage()));
      } finally {
        if (s.keepIndexes() == false) {
          IOUtils.rm(indexDir);
        }
      }
    }
    return outcomes;
  }

  /** The report's heading: what was indexed, how, and on what. */
  public static String title(Settings s) {
    return String.format(
        Locale.ROOT,
        "Scale benchmark: %,d clustered vectors of %d dimensions (%,d clusters, spread %s, seed %d), Euclidean;"
            + " %,d queries from the same clusters, recall@%d against exact neighbours; indexed with one thread"
            + " (a segment per %,d docs), then forceMerge(1); %d cores, %s %s.",
        s.vectors(), s.dimension(), s.clusters(), s.spread(), s.seed(), s.queries(), s.k(), s.segmentSize(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), Runtime.version());
  }
}
