package io.github.luceneannoy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import io.github.luceneannoy.examples.Progress;
import org.apache.lucene.util.IOUtils;

/**
 * Runs the side-by-side benchmark: every format indexes the same data with the same writer
 * settings, is merged to one segment, and is searched over its sweep of budgets.
 */
public final class Benchmark {

  /**
   * @param data vectors, queries and ground truth (computed by the caller when missing)
   * @param k hits per query (recall@k)
   * @param segmentSize documents per flushed segment before the force-merge
   * @param threads searching threads for the multi-threaded measurement
   * @param formats the formats to compare, each with its budget sweep
   * @param workDir where the indexes are built (deleted afterwards unless {@code keepIndexes})
   */
  public record Config(
      Dataset data,
      int k,
      int segmentSize,
      int threads,
      List<FormatUnderTest> formats,
      Path workDir,
      boolean keepIndexes,
      Filtered filtered) {}

  /**
   * The filtered mode, or null to skip it.
   *
   * @param filters the filters
   * @param numQueries queries per filter
   * @param budgetsByFormat budgets per format label
   */
  public record Filtered(List<BenchFilter> filters, int numQueries, java.util.Map<String, int[]> budgetsByFormat) {}

  /** One format's measurements. */
  public record FormatResult(
      FormatUnderTest format,
      IndexBuild.Result build,
      List<SearchSweep.Point> points,
      List<FilteredSweep.Point> filteredPoints) {}

  private Benchmark() {}

  public static List<FormatResult> run(Config config, PrintStream progress) throws Exception {
    List<int[][]> filteredTruths = new ArrayList<>();
    if (config.filtered() != null) {
      Dataset few = config.data().limitQueries(config.filtered().numQueries());
      for (BenchFilter filter : config.filtered().filters()) {
        Progress truth = new Progress(progress, "ground truth for filter " + filter.name(), "queries", few.queries().length);
        filteredTruths.add(GroundTruth.compute(few, config.k(), filter.accepts(), truth::update));
        truth.finish();
      }
    }
    List<FormatResult> results = new ArrayList<>();
    for (FormatUnderTest format : config.formats()) {
      Path path = config.workDir().resolve(format.label());
      IOUtils.rm(path);
      Files.createDirectories(path);
      int total = config.data().base().length;
      Progress indexing = new Progress(progress, "[" + format.label() + "] indexing", "vectors", total);
      IndexBuild.Result build = IndexBuild.build(config.data(), format, path, config.segmentSize(), indexing::update);
      indexing.finish();
      progress.printf(
          "[%s] indexed %,d vectors into %d segments in %.1f s, force-merged in %.1f s%n",
          format.label(), total, build.segmentsBeforeMerge(), build.indexSeconds(), build.mergeSeconds());
      Progress sweep = new Progress(progress, "[" + format.label() + "] searching", "budgets", format.budgets().length);
      int[] done = {0};
      List<SearchSweep.Point> points;
      List<FilteredSweep.Point> filteredPoints = List.of();
      try (FSDirectory dir = FSDirectory.open(path);
          DirectoryReader reader = DirectoryReader.open(dir)) {
        points = SearchSweep.run(reader, config.data(), format, config.k(), config.threads(), () -> sweep.update(++done[0]));
        sweep.finish();
        if (config.filtered() != null) {
          progress.printf("[%s] filtered searches%n", format.label());
          filteredPoints = FilteredSweep.run(reader, config.data(), format, config.k(), config.filtered().filters(),
              filteredTruths, config.filtered().budgetsByFormat().get(format.label()));
        }
      }
      results.add(new FormatResult(format, build, points, filteredPoints));
      if (config.keepIndexes() == false) {
        IOUtils.rm(path);
      }
    }
    return results;
  }
}
