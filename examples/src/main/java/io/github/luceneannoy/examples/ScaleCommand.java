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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.examples.bench.ScaleBenchmark;
import io.github.luceneannoy.examples.bench.ScaleReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code scale} command: the Annoy format and Lucene's HNSW on many generated vectors, each in
 * a child JVM with a given heap limit, measuring build, merge, memory, disk, recall and speed.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = {
      "Index, force-merge and search many generated clustered vectors with the Annoy format and with"
          + " Lucene's HNSW, each format in a child JVM with the heap limit given, and print a Markdown"
          + " table: index and merge time, heap, resident memory, disk per file kind, recall@k and"
          + " queries per second.",
      "Data and exact neighbours are cached in --work and reused by later runs with the same parameters."
    })
final class ScaleCommand implements Callable<Integer> {
  // options kept apart from BenchCommand's: alike in form, most differ in default or help text

  @Option(
      names = "--vectors",
      paramLabel = "N",
      description = "vectors to index (default: ${DEFAULT-VALUE})")
  int vectors = 1_000_000;

  @Option(
      names = "--dimension",
      paramLabel = "D",
      description = "dimensions (default: ${DEFAULT-VALUE})")
  int dimension = 128;

  @Option(
      names = "--clusters",
      paramLabel = "C",
      description = "clusters the vectors are drawn around (default: ${DEFAULT-VALUE})")
  int clusters = 1000;

  @Option(
      names = "--spread",
      paramLabel = "S",
      description =
          "standard deviation around a cluster's centre, per coordinate (default: ${DEFAULT-VALUE})")
  float spread = 0.3f;

  @Option(names = "--seed", description = "seed of the generated data (default: ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(
      names = "--queries",
      paramLabel = "Q",
      description = "queries (default: ${DEFAULT-VALUE})")
  int queries = 1000;

  @Option(
      names = "-k",
      paramLabel = "K",
      description = "hits per query, recall@K (default: ${DEFAULT-VALUE})")
  int k = 10;

  @Option(
      names = "--heap",
      split = ",",
      paramLabel = "SIZE",
      description =
          "-Xmx of each child JVM; with several, each is tried in turn until one works (default: 512m)")
  List<String> heap = List.of("512m");

  @Option(
      names = "--hnsw-heap",
      split = ",",
      paramLabel = "SIZE",
      description = "-Xmx of HNSW's child JVM, as --heap (default: --heap)")
  List<String> hnswHeap;

  @Option(
      names = "--formats",
      split = ",",
      description =
          "formats to run: annoy (per-query budgets), annoy-default (plain queries at the"
              + " calibrated default, --fanouts), hnsw (default: annoy,hnsw)")
  List<String> formats = List.of("annoy", "hnsw");

  @Option(
      names = "--segment-size",
      paramLabel = "N",
      description = "documents per flushed segment (default: ${DEFAULT-VALUE})")
  int segmentSize = 50_000;

  @Option(
      names = "--merge-threads",
      paramLabel = "T",
      description = "threads building one merge's forest or graph (default: cores)")
  int mergeThreads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--search-threads",
      paramLabel = "T",
      description = "threads for the multi-threaded measurement (default: cores)")
  int searchThreads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--candidates",
      split = ",",
      paramLabel = "C",
      description = "Annoy budgets, candidates per hit (default: 10,20,40,80,160,320)")
  int[] candidates = {10, 20, 40, 80, 160, 320};

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "data, ground truth and indexes (default: ${DEFAULT-VALUE})")
  Path work = Path.of(System.getProperty("java.io.tmpdir"), "lucene-annoy-scale");

  @Option(names = "--out", paramLabel = "FILE", description = "also write the Markdown report here")
  Path out;

  @Option(names = "--keep-indexes", description = "keep the indexes in --work")
  boolean keepIndexes;

  @Option(
      names = "--prepare-only",
      description = "generate the data and exact neighbours in --work, run no format")
  boolean prepareOnly;

  @Spec CommandSpec spec;

  @Mixin ForestAndGraphOptions formatOptions = new ForestAndGraphOptions();

  private final PrintStream printer;

  ScaleCommand(PrintStream out) {
    this.printer = out;
  }

  @Override
  public Integer call() throws Exception {
    check(vectors >= 1, "--vectors must be at least 1");
    check(
        dimension >= 1 && dimension <= AnnoyVectorsFormat.MAXIMUM_DIMENSIONS,
        "--dimension must be in [1, 4096]");
    check(queries >= 1 && k >= 1, "--queries and -k must be at least 1");
    check(
        mergeThreads >= 1 && searchThreads >= 1,
        "--merge-threads and --search-threads must be at least 1");
    for (String format : formats) {
      check(
          format.equals("annoy") || format.equals("annoy-default") || format.equals("hnsw"),
          "unknown format '" + format + "', expected annoy, annoy-default or hnsw");
    }
    try {
      formatOptions.forest
          .annoyFormat(); // the children build it again; a bad value is a usage error here
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ScaleBenchmark.Settings settings =
        new ScaleBenchmark.Settings(
            vectors,
            dimension,
            clusters,
            spread,
            seed,
            queries,
            k,
            formats,
            heap,
            hnswHeap == null ? heap : hnswHeap,
            segmentSize,
            mergeThreads,
            searchThreads,
            formatOptions.forest.trees,
            formatOptions.forest.leaf,
            formatOptions.forest.branching,
            formatOptions.forest.targetRecall,
            candidates,
            formatOptions.hnswM,
            formatOptions.hnswBeam,
            formatOptions.fanouts,
            work,
            keepIndexes);
    if (prepareOnly) {
      ScaleBenchmark.prepare(settings, printer);
      return Main.OK;
    }
    List<ScaleReport.Outcome> outcomes = ScaleBenchmark.run(settings, printer);
    String report =
        ScaleReport.markdown(
            ScaleBenchmark.title(settings), outcomes, mergeThreads, segmentSize, k);
    printer.println();
    printer.print(report);
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, report);
    }
    return outcomes.stream().allMatch(o -> o.result() != null) ? Main.OK : Main.FAILED;
  }

  private void check(boolean condition, String message) {
    if (condition == false) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
