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
package io.github.luceneannoy.examples;

import static java.util.stream.Collectors.joining;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.examples.QuickstartResult.Hit;
import io.github.luceneannoy.examples.QuickstartResult.QueryStats;
import io.github.luceneannoy.examples.QuickstartResult.SampleQuery;
import io.github.luceneannoy.examples.bench.IndexFileSizes;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Prints a {@link QuickstartResult} as a few headed sections for someone new to the project. */
final class QuickstartReport {

  private static final int HITS_PER_LINE = 5;

  /** A file of the vector format, listed on its own; all other files are plain Lucene. */
  private record VectorFile(String extension, String description) {}

  private static final List<VectorFile> VECTOR_FILES =
      List.of(
          new VectorFile("afi", "Annoy forests: k-means tree nodes, leaves and one-bit codes"),
          new VectorFile("afm", "Annoy forest metadata and calibrated budgets"),
          new VectorFile("vec", "raw vectors (Lucene99 flat format)"),
          new VectorFile("vemf", "raw vector metadata"));

  private final PrintStream out;

  QuickstartReport(PrintStream out) {
    this.out = out;
  }

  void print(QuickstartResult result) {
    printSetup(result);
    printIndexing(result);
    printSizes(result);
    printSamples(result.samples(), result.options().docs());
    printRecall(result);
    line("");
    line("Done in %.1f s", result.totalNanos() / 1e9);
  }

  private void printSetup(QuickstartResult result) {
    Quickstart.Options options = result.options();
    line("lucene-annoy quickstart");
    line(
        "  %,d docs of %d dims around %d clusters (seed %d), written with new AnnoyCodec():",
        options.docs(), options.dimension(), Quickstart.NUM_CLUSTERS, options.seed());
    line(
        "  %d trees per segment, leaves of at most %d vectors, default budgets calibrated for recall %.2f",
        AnnoyVectorsFormat.DEFAULT_NUM_TREES,
        AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE,
        AnnoyVectorsFormat.DEFAULT_TARGET_RECALL);
    line(
        "  index in %s%s",
        result.indexDirectory(), result.indexDeleted() ? " (temporary, now deleted)" : "");
  }

  private void printIndexing(QuickstartResult result) {
    line("");
    line("Indexing");
    line(
        "  %,d docs into %d segments in %.2f s (adding docs, building forests, commit)",
        result.options().docs(), result.segments(), result.indexingNanos() / 1e9);
  }

  private void printSizes(QuickstartResult result) {
    line("");
    line("Index size (compound files off, so each format's files show)");
    Map<String, Long> others = new TreeMap<>(result.bytesByExtension());
    for (VectorFile file : VECTOR_FILES) {
      Long bytes = others.remove(file.extension());
      if (bytes != null) {
        line("  %-7s %10s  %s", dotted(file.extension()), bytes(bytes), file.description());
      }
    }
    long otherBytes = others.values().stream().mapToLong(Long::longValue).sum();
    line(
        "  %-7s %10s  ids and clusters (stored, and as terms), segment info:",
        "other", bytes(otherBytes));
    line(
        "  %-7s %10s  %s",
        "", "", others.keySet().stream().map(QuickstartReport::dotted).collect(joining(" ")));
    line("  %-7s %10s", "total", bytes(result.totalBytes()));
    long forestBytes =
        result.bytesByExtension().getOrDefault("afi", 0L)
            + result.bytesByExtension().getOrDefault("afm", 0L);
    line(
        "  the forests take %.0f bytes per vector; a raw vector takes %d",
        (double) forestBytes / result.options().docs(), result.options().dimension() * Float.BYTES);
  }

  private static String dotted(String extension) {
    return extension.equals(IndexFileSizes.COMMIT_POINT) ? extension : "." + extension;
  }

  private void printSamples(List<SampleQuery> samples, int docs) {
    // wide enough for the largest id, so that columns line up without wasting the line
    String hitFormat = "%" + (Integer.toString(docs - 1).length() + 3) + "s %.3f";
    line("");
    line(
        "Sample queries (k=%d; hit = id/cluster score, score = 1/(1 + squared distance))",
        Quickstart.K);
    for (SampleQuery sample : samples) {
      String filter =
          sample.filterCluster() == null ? "" : ", filter cluster:" + sample.filterCluster();
      line(
          "  query %d, drawn near %s%s: %d of %d hits among the exact top %d",
          sample.query(),
          sample.queryCluster(),
          filter,
          sample.exactMatches(),
          sample.hits().size(),
          Quickstart.K);
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < sample.hits().size(); i++) {
        Hit hit = sample.hits().get(i);
        row.append("  ")
            .append(
                String.format(Locale.ROOT, hitFormat, hit.id() + "/" + hit.cluster(), hit.score()));
        if ((i + 1) % HITS_PER_LINE == 0 || i + 1 == sample.hits().size()) {
          line("  %s", row);
          row.setLength(0);
        }
      }
    }
  }

  private void printRecall(QuickstartResult result) {
    line("");
    line("Recall@%d against exact search, %d queries", Quickstart.K, result.unfiltered().queries());
    line("  %-36s %7s %9s %9s", "", "recall", "mean", "median");
    printStats("without filter", result.unfiltered());
    printStats("filtered to the next cluster", result.filtered());
    line(
        "  filtered-out docs returned: %d%s",
        result.filterViolations(),
        result.filterViolations() == 0 ? " (good)" : " -- FILTER BROKEN");
  }

  private void printStats(String label, QueryStats stats) {
    line(
        "  %-36s %7.3f %6.2f ms %6.2f ms",
        label, stats.recall(), stats.meanMillis(), stats.medianMillis());
  }

  private static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  private void line(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
  }
}
