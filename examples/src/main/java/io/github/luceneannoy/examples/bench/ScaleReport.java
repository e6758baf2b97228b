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

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** The scale benchmark's results as Markdown: one column per format, then recall and speed. */
public final class ScaleReport {
  /** Files of the vector formats: flat vectors, HNSW's graph, the Annoy forest. */
  private static final java.util.Set<String> VECTOR_EXTENSIONS =
      java.util.Set.of("vec", "vemf", "vex", "vem", "afi", "afm");

  private ScaleReport() {}

  /**
   * One format's outcome: a result with the heap limit it ran with and the smaller limits that
   * failed before, or why there is none (such as running out of heap).
   */
  public record Outcome(
      String format, String heap, List<String> failedHeaps, ScaleResult result, String failure) {}

  public static String markdown(
      String title, List<Outcome> outcomes, int mergeThreads, int segmentSize, int k) {
    StringBuilder md = new StringBuilder();
    md.append(title).append("\n\n");
    md.append("| |");
    outcomes.forEach(o -> md.append(' ').append(o.format()).append(" |"));
    md.append("\n|---|");
    outcomes.forEach(o -> md.append("---|"));
    md.append('\n');
    row(
        md,
        outcomes,
        "heap limit (-Xmx)",
        o ->
            o.result() == null || o.failedHeaps().isEmpty()
                ? o.heap()
                : o.heap() + " (failed with " + String.join(", ", o.failedHeaps()) + ")");
    for (Outcome o : outcomes) {
      if (o.result() == null) {
        row(
            md,
            outcomes,
            "result",
            x -> x.result() == null ? "failed: " + firstLine(x.failure()) : "ok");
        break;
      }
    }
    row(
        md,
        outcomes,
        "index time (segments of " + String.format(Locale.ROOT, "%,d", segmentSize) + " docs)",
        o ->
            String.format(
                Locale.ROOT,
                "%.1f s (%d segments)",
                o.result().indexSeconds(),
                o.result().segmentsBeforeMerge()));
    row(
        md,
        outcomes,
        "forceMerge(1) time, " + mergeThreads + " merge thread" + (mergeThreads == 1 ? "" : "s"),
        o -> String.format(Locale.ROOT, "%.1f s", o.result().mergeSeconds()));
    row(
        md,
        outcomes,
        "CPU time: index / merge (cores busy in the merge: this JVM, whole machine)",
        o ->
            String.format(
                Locale.ROOT,
                "%.1f s / %.1f s (%.2f, %.2f)",
                o.result().index().cpuSeconds(),
                o.result().merge().cpuSeconds(),
                o.result().merge().cpuSeconds() / o.result().mergeSeconds(),
                o.result().merge().machineBusyCores()));
    row(
        md,
        outcomes,
        "heap after GC, max: index / merge / search",
        o -> mibPerPhase(o, MemoryWatch.Figures::maxLiveHeapAfterGc));
    row(
        md,
        outcomes,
        "heap used, peak (incl. garbage)",
        o -> mib(o.result().max(MemoryWatch.Figures::peakHeapPools)));
    row(
        md,
        outcomes,
        "resident memory, peak (VmHWM): index / merge / search",
        o -> mibPerPhase(o, MemoryWatch.Figures::rssHighWaterMark));
    row(
        md,
        outcomes,
        "anonymous resident memory, peak (no mapped files)",
        o -> mib(o.result().max(MemoryWatch.Figures::peakRssAnon)));
    row(md, outcomes, "disk, total", o -> mib(o.result().totalBytes()));
    // the vector files one by one, Lucene's other files (ids, stored fields, segment info) together
    TreeSet<String> extensions = new TreeSet<>();
    for (Outcome o : outcomes) {
      if (o.result() != null) {
        o.result().bytesByExtension().keySet().stream()
            .filter(VECTOR_EXTENSIONS::contains)
            .forEach(extensions::add);
      }
    }
    for (String ext : extensions) {
      row(
          md,
          outcomes,
          "disk, ." + ext,
          o -> {
            Long bytes = o.result().bytesByExtension().get(ext);
            return bytes == null ? "" : mib(bytes);
          });
    }
    row(
        md,
        outcomes,
        "disk, other files",
        o ->
            mib(
                o.result().bytesByExtension().entrySet().stream()
                    .filter(e -> VECTOR_EXTENSIONS.contains(e.getKey()) == false)
                    .mapToLong(e -> e.getValue())
                    .sum()));
    md.append("\n| format | budget | recall@")
        .append(k)
        .append(" | queries/s, 1 thread | queries/s, all threads |\n");
    md.append("|---|---|---|---|---|\n");
    for (Outcome o : outcomes) {
      if (o.result() == null) {
        continue;
      }
      for (ScaleResult.Point p : o.result().points()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.3f | %,.0f | %,.0f (%d) |%n",
                o.format(),
                p.budget(),
                p.recall(),
                p.qpsSingle(),
                p.qpsMulti(),
                p.threads()));
      }
    }
    md.append('\n');
    for (Outcome o : outcomes) {
      if (o.result() != null) {
        md.append("- ")
            .append(o.format())
            .append(": `")
            .append(o.result().description())
            .append("`, ")
            .append(o.result().jvm())
            .append('\n');
      } else {
        md.append("- ")
            .append(o.format())
            .append(": ")
            .append(o.failure().replace('\n', ' '))
            .append('\n');
      }
    }
    return md.toString();
  }

  private static void row(
      StringBuilder md, List<Outcome> outcomes, String name, Function<Outcome, String> cell) {
    md.append("| ").append(name).append(" |");
    for (Outcome o : outcomes) {
      String value =
          o.result() == null
                  && name.startsWith("heap limit") == false
                  && name.equals("result") == false
              ? "—"
              : cell.apply(o);
      md.append(' ').append(value).append(" |");
    }
    md.append('\n');
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A figure of the index, merge and search phases, in that order. */
  private static String mibPerPhase(Outcome o, ToLongFunction<MemoryWatch.Figures> figure) {
    return mib(figure.applyAsLong(o.result().index()))
        + " / "
        + mib(figure.applyAsLong(o.result().merge()))
        + " / "
        + mib(figure.applyAsLong(o.result().search()));
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%,.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
