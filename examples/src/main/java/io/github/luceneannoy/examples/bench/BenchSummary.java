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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gathers the runs of the benchmark matrix (one {@code results.csv} per data set and JVM, in {@code
 * <root>/<data set>/<jvm>/}) into one table: per run, each Annoy variant's queries per second at
 * recall 0.95 and 0.99 against HNSW's in the same run, build time and size, worst case first.
 */
public final class BenchSummary {
  /** The recall levels compared. */
  static final double[] LEVELS = {0.95, 0.99};

  /** One run's figures. */
  public record Row(
      String dataset,
      String jvm,
      double defaultRecall,
      double[] defaultRatios,
      double[] knobRatios,
      double[] hnswQps,
      double[] defaultQps,
      double[] knobQps,
      double buildRatio,
      double annoyBuildSeconds,
      double hnswBuildSeconds,
      double forestShare,
      double calibrationShare) {

    /** The worst of this run's QPS ratios (NaN counts as worst). */
    double worstRatio() {
      double worst = Double.POSITIVE_INFINITY;
      for (double[] ratios : new double[][] {defaultRatios, knobRatios}) {
        for (double r : ratios) {
          worst = Double.isNaN(r) ? Double.NEGATIVE_INFINITY : Math.min(worst, r);
        }
      }
      return worst;
    }
  }

  private BenchSummary() {}

  /** Reads every {@code results.csv} two levels below {@code root}. */
  public static List<Row> read(Path root) throws IOException {
    List<Row> rows = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root, 3)) {
      for (Path csv :
          files.filter(p -> p.getFileName().toString().equals("results.csv")).sorted().toList()) {
        Path jvmDir = csv.getParent();
        Path dataDir = jvmDir.getParent();
        if (dataDir == null || dataDir.equals(root.getParent())) {
          continue;
        }
        rows.add(row(dataDir.getFileName().toString(), jvmDir.getFileName().toString(), csv));
      }
    }
    rows.sort(Comparator.comparingDouble(Row::worstRatio));
    return rows;
  }

  private static Row row(String dataset, String jvm, Path csv) throws IOException {
    Map<String, List<SearchSweep.Point>> points = new LinkedHashMap<>();
    Map<String, double[]> build = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      points
          .computeIfAbsent(f[0], x -> new ArrayList<>())
          .add(
              new SearchSweep.Point(
                  Integer.parseInt(f[2]),
                  Double.parseDouble(f[3]),
                  Double.parseDouble(f[4]),
                  Double.parseDouble(f[5]),
                  Integer.parseInt(f[6])));
      double raw = f.length > 12 ? Double.parseDouble(f[11]) : Double.NaN;
      double forest = f.length > 12 ? Double.parseDouble(f[12]) : Double.NaN;
      // runs before calibration was reported have no such column
      double calibration = f.length > 14 ? Double.parseDouble(f[14]) : Double.NaN;
      build.put(
          f[0],
          new double[] {
            Double.parseDouble(f[7]) + Double.parseDouble(f[8]), raw, forest, calibration
          });
    }
    List<SearchSweep.Point> hnsw = points.getOrDefault("hnsw", List.of());
    List<SearchSweep.Point> dflt = points.getOrDefault("annoy-default", List.of());
    List<SearchSweep.Point> knob = points.getOrDefault("annoy", List.of());
    double[] hq = qps(hnsw);
    double[] dq = qps(dflt);
    double[] kq = qps(knob);
    double defaultRecall =
        dflt.stream()
            .filter(p -> p.budget() == 10)
            .mapToDouble(SearchSweep.Point::recall)
            .findFirst()
            .orElse(Double.NaN);
    double[] annoyBuild =
        build.getOrDefault(
            "annoy",
            build.getOrDefault("annoy-default", new double[] {Double.NaN, 0, 0, Double.NaN}));
    double[] hnswBuild = build.getOrDefault("hnsw", new double[] {Double.NaN, 0, 0, Double.NaN});
    return new Row(
        dataset,
        jvm,
        defaultRecall,
        ratios(dq, hq),
        ratios(kq, hq),
        hq,
        dq,
        kq,
        hnswBuild[0] / annoyBuild[0],
        annoyBuild[0],
        hnswBuild[0],
        annoyBuild[2] / annoyBuild[1],
        annoyBuild[3] / annoyBuild[0]);
  }

  private static double[] qps(List<SearchSweep.Point> points) {
    double[] qps = new double[LEVELS.length];
    for (int i = 0; i < LEVELS.length; i++) {
      qps[i] = points.isEmpty() ? Double.NaN : BenchReport.qpsAtRecall(points, LEVELS[i], false);
    }
    return qps;
  }

  private static double[] ratios(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  /** The summary as Markdown: one row per run, the worst run first. */
  public static String markdown(List<Row> rows) {
    StringBuilder md = new StringBuilder();
    md.append(
        "| data set | JVM | default recall@10 | QPS ratio at 0.95: default / per-query | at 0.99: default / per-query"
            + " | HNSW QPS at 0.95 / 0.99 | build+merge (Annoy / HNSW) | calibration's share of it"
            + " | forest + codes |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.3f | %s / %s | %s / %s | %s / %s | %.1f s / %.1f s = %.1fx | %s | %.1f%% |%n",
              r.dataset(),
              r.jvm(),
              r.defaultRecall(),
              ratio(r.defaultRatios()[0]),
              ratio(r.knobRatios()[0]),
              ratio(r.defaultRatios()[1]),
              ratio(r.knobRatios()[1]),
              whole(r.hnswQps()[0]),
              whole(r.hnswQps()[1]),
              r.annoyBuildSeconds(),
              r.hnswBuildSeconds(),
              r.buildRatio(),
              Double.isNaN(r.calibrationShare())
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.0f%%", 100 * r.calibrationShare()),
              100 * r.forestShare()));
    }
    return md.toString();
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
  }

  private static String whole(double qps) {
    return Double.isNaN(qps) ? "n/a" : String.format(Locale.ROOT, "%,.0f", qps);
  }
}
