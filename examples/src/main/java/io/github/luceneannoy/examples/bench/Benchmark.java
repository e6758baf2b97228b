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

import io.github.luceneannoy.examples.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * Runs the side-by-side benchmark: every format indexes the same data with the same writer settings
 * and is merged to one segment (or left as flushed); then all are searched over their sweeps of
 * budgets, the formats' single-threaded passes in alternation ({@link SearchSweep#runSideBySide}).
 */
public final class Benchmark {

  /**
   * @param data vectors, queries and ground truth (computed by the caller when missing)
   * @param k hits per query (recall@k)
   * @param segmentSize documents per flushed segment before the force-merge
   * @param forceMerge whether the flushed segments are merged to one before the searches
   * @param threads searching threads for the multi-threaded measurement
   * @param formats the formats to compare, each with its budget sweep
   * @param workDir where the indexes are built (deleted afterwards unless {@code keepIndexes})
   * @param warmUp whether each format first builds a small index, untimed ({@link
   *     Benchmark#WARM_UP_VECTORS})
   */
  public record Config(
      Dataset data,
      int k,
      int segmentSize,
      boolean forceMerge,
      int threads,
      List<FormatUnderTest> formats,
      Path workDir,
      boolean keepIndexes,
      Filtered filtered,
      boolean warmUp) {}

  /**
   * Vectors each format indexes (in two flushed segments, then merged) before the timed builds,
   * when {@link Config#warmUp}: the JVM compiles the indexing code, Lucene's and the format's, on
   * its first use, which in a fresh JVM cost the first format's build some 3 s on Fashion-MNIST
   * (Java 25: index + merge 8.0 s in a fresh JVM, 4.4 - 5.2 s in the builds after), and whichever
   * format ran second found Lucene's own code compiled.
   */
  static final int WARM_UP_VECTORS = 4_000;

  /**
   * The filtered mode, or null to skip it.
   *
   * @param filters the filters
   * @param numQueries queries per filter
   * @param budgetsByFormat budgets per format label
   */
  public record Filtered(
      List<BenchFilter> filters, int numQueries, java.util.Map<String, int[]> budgetsByFormat) {}

  /** One format's measurements. */
  public record FormatResult(
      FormatUnderTest format,
      IndexBuild.Result build,
      List<SearchSweep.Point> points,
      List<FilteredSweep.Point> filteredPoints) {}

  private Benchmark() {}

  /**
   * Builds and merges a small index of each format, untimed and then deleted, so that no timed
   * build pays for the JVM's compilation of code that every build runs.
   */
  static void warmUp(Config config, PrintStream progress) throws IOException {
    Dataset few = config.data().limitBase(WARM_UP_VECTORS);
    int segmentSize = Math.max(1, few.base().length / 2);
    java.util.Set<String> done = new java.util.HashSet<>();
    for (FormatUnderTest format : config.formats()) {
      if (done.add(format.indexLabel()) == false) {
        continue;
      }
      Path path = config.workDir().resolve(format.indexLabel() + "-warm-up");
      IOUtils.rm(path);
      Files.createDirectories(path);
      long start = System.nanoTime();
      IndexBuild.build(few, format, path, segmentSize, true, indexed -> {});
      IOUtils.rm(path);
      progress.printf(
          Locale.ROOT,
          "[%s] warm-up, not timed: %,d vectors indexed and merged in %.1f s%n",
          format.indexLabel(),
          few.base().length,
          (System.nanoTime() - start) / 1e9);
    }
  }

  public static List<FormatResult> run(Config config, PrintStream progress) throws Exception {
    List<int[][]> filteredTruths = new ArrayList<>();
    if (config.filtered() != null) {
      Dataset few = config.data().limitQueries(config.filtered().numQueries());
      for (BenchFilter filter : config.filtered().filters()) {
        Progress truth =
            new Progress(
                progress,
                "ground truth for filter " + filter.name(),
                "queries",
                few.queries().length);
        filteredTruths.add(
            GroundTruth.compute(
                few, config.k(), config.threads(), filter.accepts(), truth::update));
        truth.finish();
      }
    }
    List<FormatUnderTest> formats = config.formats();
    if (config.warmUp()) {
      warmUp(config, progress);
    }
    // one index per index label, in order of first use
    java.util.Map<String, Integer> indexOf = new java.util.LinkedHashMap<>();
    List<Path> paths = new ArrayList<>();
    List<IndexBuild.Result> builds = new ArrayList<>();
    for (FormatUnderTest format : formats) {
      if (indexOf.containsKey(format.indexLabel())) {
        continue;
      }
      indexOf.put(format.indexLabel(), paths.size());
      Path path = config.workDir().resolve(format.indexLabel());
      IOUtils.rm(path);
      Files.createDirectories(path);
      int total = config.data().base().length;
      Progress indexing =
          new Progress(progress, "[" + format.indexLabel() + "] indexing", "vectors", total);
      IndexBuild.Result build =
          IndexBuild.build(
              config.data(),
              format,
              path,
              config.segmentSize(),
              config.forceMerge(),
              indexing::update);
      indexing.finish();
      progress.printf(
          Locale.ROOT,
          "[%s] indexed %,d vectors into %d segments in %.1f s, %s%n",
          format.indexLabel(),
          total,
          build.segmentsBeforeMerge(),
          build.indexSeconds(),
          config.forceMerge()
              ? String.format(Locale.ROOT, "force-merged in %.1f s", build.mergeSeconds())
              : "not merged");
      paths.add(path);
      builds.add(build);
    }
    // every index open at once, so that the formats' single-threaded passes can alternate
    List<FSDirectory> dirs = new ArrayList<>();
    List<DirectoryReader> readers = new ArrayList<>();
    List<FormatResult> results = new ArrayList<>();
    try {
      List<DirectoryReader> byIndex = new ArrayList<>();
      for (Path path : paths) {
        FSDirectory dir = FSDirectory.open(path);
        dirs.add(dir);
        byIndex.add(DirectoryReader.open(dir));
      }
      for (FormatUnderTest format : formats) {
        readers.add(byIndex.get(indexOf.get(format.indexLabel())));
      }
      int points = formats.stream().mapToInt(f -> f.budgets().length).sum();
      Progress sweep =
          new Progress(progress, "searching, formats in alternation", "budgets", points);
      int[] done = {0};
      List<List<SearchSweep.Point>> sweeps =
          SearchSweep.runSideBySide(
              readers,
              formats,
              config.data(),
              config.k(),
              config.threads(),
              () -> sweep.update(++done[0]));
      sweep.finish();
      for (int f = 0; f < formats.size(); f++) {
        FormatUnderTest format = formats.get(f);
        List<FilteredSweep.Point> filteredPoints = List.of();
        if (config.filtered() != null) {
          progress.printf(Locale.ROOT, "[%s] filtered searches%n", format.label());
          filteredPoints =
              FilteredSweep.run(
                  readers.get(f),
                  config.data(),
                  format,
                  config.k(),
                  config.filtered().filters(),
                  filteredTruths,
                  config.filtered().budgetsByFormat().get(format.label()));
        }
        results.add(
            new FormatResult(
                format,
                builds.get(indexOf.get(format.indexLabel())),
                sweeps.get(f),
                filteredPoints));
      }
    } finally {
      IOUtils.close(new java.util.LinkedHashSet<>(readers));
      IOUtils.close(dirs);
    }
    if (config.keepIndexes() == false) {
      for (Path path : paths) {
        IOUtils.rm(path);
      }
    }
    return results;
  }
}
