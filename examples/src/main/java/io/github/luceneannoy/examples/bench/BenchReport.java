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

import io.github.luceneannoy.forest.ForestKernels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.util.Version;

/** The benchmark's outputs: a terminal table, a CSV, a Markdown report and a PNG plot. */
public final class BenchReport {
  /** Recall levels at which formats are compared by interpolated queries per second. */
  static final double[] RECALL_TARGETS = {0.90, 0.95, 0.99};

  private BenchReport() {}

  public static void printTable(PrintStream out, List<Benchmark.FormatResult> results, int k) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-8s %-18s %10s %12s %14s%n",
        "format",
        "budget",
        "recall@" + k,
        "QPS 1 thread",
        "QPS N threads");
    for (Benchmark.FormatResult r : results) {
      for (SearchSweep.Point p : r.points()) {
        out.printf(
            Locale.ROOT,
            "%-8s %-18s %10.4f %12.0f %14.0f%n",
            r.format().label(),
            p.budget() + " " + shortName(r.format()),
            p.recall(),
            p.qpsSingle(),
            p.qpsMulti());
      }
    }
    out.println();
    for (Benchmark.FormatResult r : onePerIndex(results)) {
      IndexBuild.Result b = r.build();
      out.printf(
          Locale.ROOT,
          "%-8s index %6.1f s  merge %6.1f s  total %6.1f s  size %s  peak heap %s%n",
          r.format().indexLabel(),
          b.indexSeconds(),
          b.mergeSeconds(),
          b.indexSeconds() + b.mergeSeconds(),
          mib(b.totalBytes()),
          mib(b.peakHeapBytes()));
      out.printf(Locale.ROOT, "%-8s files %s%n", "", filesLine(b));
      if (b.calibrations() > 0) {
        out.printf(Locale.ROOT, "%-8s %s%n", "", calibrationLine(r));
      }
    }
    for (String line : comparisons(results)) {
      out.println(line);
    }
  }

  /**
   * Each Annoy format against each HNSW format of the run ({@code hnsw}, and on Lucene 10 {@code
   * hnsw-sq}, its quantized HNSW), then the forest's size against the raw vectors.
   */
  static List<String> comparisons(List<Benchmark.FormatResult> results) {
    java.util.ArrayList<String> lines = new java.util.ArrayList<>();
    List<Benchmark.FormatResult> graphs =
        results.stream().filter(r -> r.format().label().startsWith("hnsw")).toList();
    for (Benchmark.FormatResult r : results) {
      if (graphs.contains(r) == false) {
        for (Benchmark.FormatResult graph : graphs) {
          lines.add("");
          lines.addAll(ratioLines(r, graph));
        }
      }
    }
    for (Benchmark.FormatResult r : onePerIndex(results)) {
      Long raw = r.build().bytesByExtension().get("vec");
      long forest =
          r.build().bytesByExtension().getOrDefault("afi", 0L)
              + r.build().bytesByExtension().getOrDefault("afm", 0L);
      if (raw != null && forest > 0) {
        lines.add(
            String.format(
                Locale.ROOT,
                "%s forest and codes (.afi, .afm): %s = %.1f%% of the raw vectors (.vec %s)",
                r.format().indexLabel(),
                mib(forest),
                100.0 * forest / raw,
                mib(raw)));
      }
    }
    return lines;
  }

  /**
   * The filtered mode's table: filter, selectivity, then each format's recall and QPS per budget.
   */
  public static void printFiltered(PrintStream out, List<Benchmark.FormatResult> results, int k) {
    if (results.stream().allMatch(r -> r.filteredPoints().isEmpty())) {
      return;
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "%-26s %8s %-8s %-16s %10s %12s%n",
        "filter",
        "accepts",
        "format",
        "budget",
        "recall@" + k,
        "QPS 1 thread");
    for (String line : filteredRows(results, "%-26s %7.1f%% %-8s %-16s %10.4f %12.0f")) {
      out.println(line);
    }
  }

  private static List<String> filteredRows(List<Benchmark.FormatResult> results, String pattern) {
    java.util.ArrayList<String> rows = new java.util.ArrayList<>();
    java.util.LinkedHashMap<String, List<String>> byFilter = new java.util.LinkedHashMap<>();
    for (Benchmark.FormatResult r : results) {
      for (FilteredSweep.Point p : r.filteredPoints()) {
        byFilter
            .computeIfAbsent(p.filter().name(), f -> new java.util.ArrayList<>())
            .add(
                String.format(
                    Locale.ROOT,
                    pattern,
                    p.filter().name(),
                    100 * p.filter().selectivity(),
                    r.format().label(),
                    p.budget() + " " + shortName(r.format()),
                    p.recall(),
                    p.qps()));
      }
    }
    byFilter.values().forEach(rows::addAll);
    return rows;
  }

  public static void writeFilteredCsv(Path file, List<Benchmark.FormatResult> results)
      throws IOException {
    StringBuilder csv =
        new StringBuilder("filter,correlated,selectivity,format,budget,recall,qps_1_thread\n");
    for (Benchmark.FormatResult r : results) {
      for (FilteredSweep.Point p : r.filteredPoints()) {
        csv.append(
            String.format(
                Locale.ROOT,
                "%s,%b,%.5f,%s,%d,%.5f,%.1f%n",
                p.filter().name(),
                p.filter().correlated(),
                p.filter().selectivity(),
                r.format().label(),
                p.budget(),
                p.recall(),
                p.qps()));
      }
    }
    Files.writeString(file, csv, StandardCharsets.UTF_8);
  }

  private static String shortName(FormatUnderTest format) {
    return format.budgetName().startsWith("candidates") ? "cand/hit" : "fan-out";
  }

  /** The index's bytes per file kind, largest first: "vec 179.4 MiB, afi 36.1 MiB, ...". */
  static String filesLine(IndexBuild.Result build) {
    return build.bytesByExtension().entrySet().stream()
        .filter(e -> e.getValue() >= 1024 * 1024 / 10)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .map(e -> e.getKey() + " " + mib(e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * The first result of each index built, in order: formats that search the same index (annoy and
   * annoy-default) share one build, which is reported once under the index's label, whichever of
   * them the run included.
   */
  static List<Benchmark.FormatResult> onePerIndex(List<Benchmark.FormatResult> results) {
    Set<String> seen = new java.util.HashSet<>();
    return results.stream().filter(r -> seen.add(r.format().indexLabel())).toList();
  }

  /**
   * What an Annoy build's trees and calibration took, and calibration's share of index + merge (the
   * format's own report through the writers' info stream, {@link ForestBuildTimes}).
   */
  static String calibrationLine(Benchmark.FormatResult r) {
    IndexBuild.Result b = r.build();
    double total = b.indexSeconds() + b.mergeSeconds();
    return String.format(
        Locale.ROOT,
        "%s: trees built in %.1f s, %d forests calibrated in %.1f s (%.0f%% of index + merge)",
        r.format().indexLabel(),
        b.treeSeconds(),
        b.calibrations(),
        b.calibrationSeconds(),
        100 * b.calibrationSeconds() / total);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /** Ratios of the first format to the second, the way users compare them. */
  static List<String> ratioLines(Benchmark.FormatResult a, Benchmark.FormatResult b) {
    String an = a.format().label();
    String bn = b.format().label();
    IndexBuild.Result ab = a.build();
    IndexBuild.Result bb = b.build();
    java.util.ArrayList<String> lines = new java.util.ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "index+merge time %s/%s: %.3f (%s is %.1fx faster)",
            an,
            bn,
            (ab.indexSeconds() + ab.mergeSeconds()) / (bb.indexSeconds() + bb.mergeSeconds()),
            an,
            (bb.indexSeconds() + bb.mergeSeconds()) / (ab.indexSeconds() + ab.mergeSeconds())));
    lines.add(
        String.format(
            Locale.ROOT,
            "index size %s/%s: %.3f",
            an,
            bn,
            (double) ab.totalBytes() / bb.totalBytes()));
    for (double target : RECALL_TARGETS) {
      double qa = qpsAtRecall(a.points(), target, false);
      double qb = qpsAtRecall(b.points(), target, false);
      lines.add(
          String.format(
              Locale.ROOT,
              "QPS at recall %.2f, 1 thread: %s %s, %s %s, ratio %s",
              target,
              an,
              fmt(qa),
              bn,
              fmt(qb),
              Double.isNaN(qa) || Double.isNaN(qb)
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.2f", qa / qb)));
    }
    return lines;
  }

  private static String fmt(double qps) {
    return Double.isNaN(qps) ? "n/a" : String.format(Locale.ROOT, "%.0f", qps);
  }

  /**
   * Queries per second at a recall level, interpolated (linearly in log QPS) between the two sweep
   * points that bracket it; NaN when no point reaches it.
   */
  static double qpsAtRecall(List<SearchSweep.Point> points, double target, boolean multi) {
    double best = Double.NaN;
    for (int i = 0; i < points.size(); i++) {
      SearchSweep.Point p = points.get(i);
      double qps = multi ? p.qpsMulti() : p.qpsSingle();
      if (p.recall() < target) {
        continue;
      }
      double value = qps;
      for (SearchSweep.Point lower : points) {
        double lq = multi ? lower.qpsMulti() : lower.qpsSingle();
        if (lower.recall() < target && lq > qps && lower.recall() < p.recall()) {
          double f = (target - lower.recall()) / (p.recall() - lower.recall());
          value = Math.max(value, Math.exp(Math.log(lq) + f * (Math.log(qps) - Math.log(lq))));
        }
      }
      best = Double.isNaN(best) ? value : Math.max(best, value);
    }
    return best;
  }

  public static void writeCsv(Path file, List<Benchmark.FormatResult> results) throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "format,budget_kind,budget,recall,qps_1_thread,qps_n_threads,threads,index_s,merge_s,index_bytes,peak_heap_bytes,"
                + "raw_bytes,forest_bytes,trees_s,calibration_s\n");
    for (Benchmark.FormatResult r : results) {
      Map<String, Long> files = r.build().bytesByExtension();
      long raw = files.getOrDefault("vec", 0L);
      long forest = files.getOrDefault("afi", 0L) + files.getOrDefault("afm", 0L);
      for (SearchSweep.Point p : r.points()) {
        csv.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%d,%.5f,%.1f,%.1f,%d,%.3f,%.3f,%d,%d,%d,%d,%.3f,%.3f%n",
                r.format().label(),
                r.format().budgetName(),
                p.budget(),
                p.recall(),
                p.qpsSingle(),
                p.qpsMulti(),
                p.threads(),
                r.build().indexSeconds(),
                r.build().mergeSeconds(),
                r.build().totalBytes(),
                r.build().peakHeapBytes(),
                raw,
                forest,
                r.build().treeSeconds(),
                r.build().calibrationSeconds()));
      }
    }
    Files.writeString(file, csv, StandardCharsets.UTF_8);
  }

  /** The newest Java version whose vector API Lucene 9.12 uses without being told to. */
  private static final int LUCENE9_NEWEST_JAVA = 23;

  /** The same for Lucene 10.6 (the Lucene 10 benchmark compiles this class against it). */
  private static final int LUCENE10_NEWEST_JAVA = 27;

  /**
   * Whether the distance kernels use SIMD: Lucene's (which need the incubating vector module, Java
   * 20 or later, and on Java versions newer than Lucene 9.12 knows the property that lets it use
   * the module anyway) and the forest's ({@link ForestKernels}, the module on Java 17 or later).
   */
  public static String vectorization() {
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    String upper = System.getProperty("org.apache.lucene.vectorization.upperJavaFeatureVersion");
    // Lucene's rule (its provider may not be asked from outside Lucene): on 9.12 Java 20 up to 23,
    // on 10.6 Java 21 up to 27, or up to the property's version
    boolean lucene10 = Version.LATEST.major >= 10;
    int feature = Runtime.version().feature();
    int newest = lucene10 ? LUCENE10_NEWEST_JAVA : LUCENE9_NEWEST_JAVA;
    try {
      newest = upper == null ? newest : Math.max(newest, Integer.parseInt(upper));
    } catch (NumberFormatException e) {
      // a value Lucene cannot read either: it keeps its own bound
    }
    boolean luceneSimd = module && feature >= (lucene10 ? 21 : 20) && feature <= newest;
    return "Module `jdk.incubator.vector` "
        + (module ? "loaded" : "not loaded")
        + (upper == null
            ? ""
            : ", `org.apache.lucene.vectorization.upperJavaFeatureVersion=" + upper + "`")
        + ". Lucene "
        + Version.LATEST
        + "'s distance kernels: "
        + (luceneSimd ? "SIMD" : "scalar")
        + "; the forest's kernels: "
        + ForestKernels.get().description()
        + ".";
  }

  public static void writeMarkdown(
      Path file, Benchmark.Config config, List<Benchmark.FormatResult> results, String plotName)
      throws IOException {
    StringBuilder md = new StringBuilder();
    Dataset data = config.data();
    md.append("# Benchmark: ").append(data.name()).append("\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%,d vectors of %d dimensions (%s), %,d queries, recall@%d against exact search. ",
            data.base().length,
            data.dimension(),
            data.similarity(),
            data.queries().length,
            config.k()));
    md.append(
        String.format(
            Locale.ROOT,
            config.forceMerge()
                ? "Indexed by one thread, flushed every %,d documents, then `forceMerge(1)`. "
                : "Indexed by one thread, flushed every %,d documents, not merged: searched as"
                    + " flushed (several segments). ",
            config.segmentSize()));
    if (config.warmUp()) {
      md.append(
          String.format(
              Locale.ROOT,
              "Each format first indexed and merged %,d vectors, untimed, so that no timed build"
                  + " pays for the JVM's compilation of code every build runs. ",
              Math.min(Benchmark.WARM_UP_VECTORS, data.base().length)));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "Java %s (%s), %d cores, max heap %s; searched by 1 and %d threads.%n%n",
            System.getProperty("java.version"),
            System.getProperty("java.vm.name"),
            Runtime.getRuntime().availableProcessors(),
            mib(Runtime.getRuntime().maxMemory()),
            config.threads()));
    md.append(vectorization()).append("\n\n");
    md.append(
        "| format | parameters | index (s) | merge (s) | total (s) | index size | peak heap |\n|---|---|---|---|---|---|---|\n");
    List<Benchmark.FormatResult> builds = onePerIndex(results);
    for (Benchmark.FormatResult r : builds) {
      IndexBuild.Result b = r.build();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | `%s` | %.1f | %.1f | %.1f | %s | %s |%n",
              r.format().indexLabel(),
              r.format().format(),
              b.indexSeconds(),
              b.mergeSeconds(),
              b.indexSeconds() + b.mergeSeconds(),
              mib(b.totalBytes()),
              mib(b.peakHeapBytes())));
    }
    for (Benchmark.FormatResult r : builds) {
      if (r.build().calibrations() > 0) {
        md.append('\n').append(calibrationLine(r)).append('\n');
      }
    }
    md.append("\nIndex size by file kind:\n\n");
    Set<String> extensions = new TreeSet<>();
    results.forEach(r -> extensions.addAll(r.build().bytesByExtension().keySet()));
    md.append("| file |");
    results.forEach(r -> md.append(' ').append(r.format().label()).append(" |"));
    md.append("\n|---|").append("---|".repeat(results.size())).append('\n');
    for (String ext : extensions) {
      md.append("| ").append(ext).append(" |");
      for (Benchmark.FormatResult r : results) {
        Long bytes = r.build().bytesByExtension().get(ext);
        md.append(' ')
            .append(bytes == null ? "" : String.format(Locale.ROOT, "%,d", bytes))
            .append(" |");
      }
      md.append('\n');
    }
    md.append("\nRecall and queries per second over each format's budget sweep:\n\n");
    md.append("| format | budget | recall@")
        .append(config.k())
        .append(" | QPS, 1 thread | QPS, ")
        .append(config.threads())
        .append(" threads |\n|---|---|---|---|---|\n");
    for (Benchmark.FormatResult r : results) {
      for (SearchSweep.Point p : r.points()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %d %s | %.4f | %.0f | %.0f |%n",
                r.format().label(),
                p.budget(),
                r.format().budgetName(),
                p.recall(),
                p.qpsSingle(),
                p.qpsMulti()));
      }
    }
    List<String> comparisons = comparisons(results);
    if (comparisons.isEmpty() == false) {
      md.append("\nRatios:\n\n");
      for (String line : comparisons) {
        if (line.isEmpty() == false) {
          md.append("- ").append(line).append('\n');
        }
      }
    }
    md.append("\n![recall against queries per second](").append(plotName).append(")\n");
    if (results.stream().anyMatch(r -> r.filteredPoints().isEmpty() == false)) {
      md.append("\n## Filtered search\n\nRecall@")
          .append(config.k())
          .append(" against exact search among the accepted documents, single-threaded:\n\n");
      md.append(
          "| filter | accepts | format | budget | recall | QPS |\n|---|---|---|---|---|---|\n");
      for (String row : filteredRows(results, "| %s | %.1f%% | %s | %s | %.4f | %.0f |")) {
        md.append(row).append('\n');
      }
      md.append("\n![filtered queries per second and recall](filtered-qps.png)\n");
    }
    Files.writeString(file, md, StandardCharsets.UTF_8);
  }
}
