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
      List<String> annoyHeaps,
      List<String> hnswHeaps,
      int segmentSize,
      int mergeThreads,
      int searchThreads,
      int annoyTrees,
      int annoyLeaf,
      int annoyBranching,
      float annoyTargetRecall,
      int[] candidates,
      int hnswM,
      int hnswBeam,
      int[] fanouts,
      Path workDir,
      boolean keepIndexes) {}

  private ScaleBenchmark() {}

  /** Generates the data and its exact neighbours, or finds them from an earlier run. */
  public static void prepare(Settings s, PrintStream progress) throws Exception {
    ScaleData.prepare(spec(s), s.workDir(), s.searchThreads(), progress);
  }

  private static ScaleData.Spec spec(Settings s) {
    return new ScaleData.Spec(
        s.vectors(), s.dimension(), s.clusters(), s.spread(), s.seed(), s.queries(), s.k());
  }

  /** Runs every format; a format that fails (out of memory, say) is reported, not fatal. */
  public static List<ScaleReport.Outcome> run(Settings s, PrintStream progress) throws Exception {
    ScaleData.Spec spec = spec(s);
    ScaleData.Files3 data = ScaleData.prepare(spec, s.workDir(), s.searchThreads(), progress);
    List<ScaleReport.Outcome> outcomes = new ArrayList<>();
    for (String format : s.formats()) {
      List<String> heaps = format.equals("hnsw") ? s.hnswHeaps() : s.annoyHeaps();
      Path indexDir = s.workDir().resolve("index-" + format + "-" + spec.stem());
      ScaleRun.Config config =
          new ScaleRun.Config(
              format,
              data.base().toString(),
              data.queries().toString(),
              data.truth().toString(),
              indexDir.toString(),
              s.segmentSize(),
              s.mergeThreads(),
              s.searchThreads(),
              s.k(),
              format.equals("annoy") ? s.candidates() : s.fanouts(),
              s.annoyTrees(),
              s.annoyLeaf(),
              s.annoyBranching(),
              s.annoyTargetRecall(),
              s.hnswM(),
              s.hnswBeam());
      outcomes.add(runWithSmallestHeap(format, heaps, config, indexDir, s.keepIndexes(), progress));
    }
    return outcomes;
  }

  /**
   * Runs one format with each heap limit in turn until one works (out of memory ends a child at
   * once), so that the report gives the smallest of those tried that works and the ones that did
   * not.
   */
  private static ScaleReport.Outcome runWithSmallestHeap(
      String format,
      List<String> heaps,
      ScaleRun.Config config,
      Path indexDir,
      boolean keepIndexes,
      PrintStream progress)
      throws Exception {
    List<String> failed = new ArrayList<>();
    String failure = null;
    for (String heap : heaps) {
      try {
        ScaleResult result = ChildJvm.run(heap, config, progress);
        return new ScaleReport.Outcome(format, heap, failed, result, null);
      } catch (ChildJvm.ChildFailedException e) {
        progress.println(e.getMessage());
        failed.add(heap);
        failure = e.getMessage();
      } finally {
        if (keepIndexes == false) {
          IOUtils.rm(indexDir);
        }
      }
    }
    return new ScaleReport.Outcome(format, String.join(", ", heaps), failed, null, failure);
  }

  /** The report's heading: what was indexed, how, and on what. */
  public static String title(Settings s) {
    return String.format(
        Locale.ROOT,
        "Scale benchmark: %,d clustered vectors of %d dimensions (%,d clusters, spread %s, seed %d), Euclidean;"
            + " %,d queries from the same clusters, recall@%d against exact neighbours; indexed with one thread"
            + " (a segment per %,d docs), then forceMerge(1); %d cores, %s %s.",
        s.vectors(),
        s.dimension(),
        s.clusters(),
        s.spread(),
        s.seed(),
        s.queries(),
        s.k(),
        s.segmentSize(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        Runtime.version());
  }
}
