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

import io.github.luceneannoy.codec.AnnoyScalarQuantizedVectorsFormat;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.examples.bench.BenchFilter;
import io.github.luceneannoy.examples.bench.BenchReport;
import io.github.luceneannoy.examples.bench.Benchmark;
import io.github.luceneannoy.examples.bench.Dataset;
import io.github.luceneannoy.examples.bench.DatasetLoader;
import io.github.luceneannoy.examples.bench.FilteredPlot;
import io.github.luceneannoy.examples.bench.FormatUnderTest;
import io.github.luceneannoy.examples.bench.RecallQpsPlot;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.lucene.index.VectorSimilarityFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code bench} command: the Annoy format and Lucene's HNSW side by side on the same data, with
 * a table on the terminal and a CSV, Markdown report and PNG plot in the output directory.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the Annoy format beside Lucene's HNSW on the same data and IndexWriter settings:"
          + " indexing and force-merge time, index size per file kind, peak heap, and recall@k and"
          + " queries per second over a sweep of search budgets, single-threaded and on all cores.",
      "Data: Fashion-MNIST (Debian's dataset-fashion-mnist, the default) or TEXMEX .fvecs/.bvecs"
          + " files. Exact ground truth is computed on all cores when missing and cached.",
      "Writes results.csv, report.md and recall-qps.png to --out."
    })
final class BenchCommand implements Callable<Integer> {
  // options kept apart from ScaleCommand's: alike in form, most differ in default or help text

  @Option(
      names = "--fashion-mnist",
      paramLabel = "DIR",
      description = "Fashion-MNIST directory (default: ${DEFAULT-VALUE})")
  Path fashionMnist = FashionMnist.DEFAULT_DIRECTORY;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description =
          "fashion-mnist (the default: Debian's dataset-fashion-mnist)"
              + " or wordnet-minilm (WordNet glosses embedded with all-MiniLM-L6-v2, cosine; made by the lucene-annoy-datasets"
              + " jar, see docs/datasets.md), read from --dataset-dir")
  String dataset = "fashion-mnist";

  @Option(
      names = "--dataset-dir",
      paramLabel = "DIR",
      description = "directory of --dataset wordnet-minilm (default: ${DEFAULT-VALUE})")
  Path datasetDir =
      Path.of(System.getProperty("user.home"), ".cache", "lucene-annoy", "wordnet-minilm");

  @Option(
      names = "--base",
      paramLabel = "FILE",
      description = "base vectors, .fvecs or .bvecs (instead of Fashion-MNIST)")
  Path base;

  @Option(
      names = "--queries",
      paramLabel = "FILE",
      description = "query vectors, .fvecs or .bvecs (with --base)")
  Path queries;

  @Option(
      names = "--truth",
      paramLabel = "FILE",
      description = "ground truth .ivecs (with --base; computed when absent)")
  Path truth;

  @Option(
      names = "--similarity",
      description =
          "similarity of --base data: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  VectorSimilarityFunction similarity = VectorSimilarityFunction.EUCLIDEAN;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "index at most N base vectors (default: all)")
  int limit = Integer.MAX_VALUE;

  @Option(
      names = "--num-queries",
      paramLabel = "N",
      description = "queries to run (default: ${DEFAULT-VALUE})")
  int numQueries = 1000;

  @Option(
      names = "-k",
      paramLabel = "K",
      description = "hits per query, recall@K (default: ${DEFAULT-VALUE})")
  int k = 10;

  @Option(
      names = "--segment-size",
      paramLabel = "N",
      description =
          "documents per flushed segment before forceMerge(1) (default: ${DEFAULT-VALUE})")
  int segmentSize = 10_000;

  @Option(
      names = "--no-merge",
      description =
          "search the flushed segments as indexed, without forceMerge(1): a live index's shape")
  boolean noMerge;

  @Option(
      names = "--no-warm-up",
      description =
          "time each format's build in a JVM that has not indexed before (by default each format"
              + " first indexes and merges a few thousand vectors, untimed)")
  boolean noWarmUp;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "threads for the exact ground truth and the multi-threaded measurement (default: cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--candidates",
      split = ",",
      paramLabel = "C",
      description =
          "Annoy's per-query budgets, candidates"
              + " gathered per hit (default: 25,50,100,200,400,800,1600)")
  int[] candidates = {25, 50, 100, 200, 400, 800, 1600};

  @Option(
      names = "--formats",
      split = ",",
      description =
          "formats to run, of annoy-default (the Annoy format searched"
              + " with plain KnnFloatVectorQuery over the --fanouts, each segment's calibrated budget), annoy (the same index"
              + " searched with AnnoyKnnFloatVectorQuery over the --candidates), annoy-q7 and annoy-q4 (Annoy over 7-bit and"
              + " packed 4-bit scalar-quantized vectors, re-scored at full precision) and hnsw (default: annoy-default,annoy,hnsw)")
  List<String> formats = List.of("annoy-default", "annoy", "hnsw");

  @Option(
      names = "--rescore",
      paramLabel = "R",
      description =
          "annoy-q7/annoy-q4: candidates per hit re-scored at full precision (default: ${DEFAULT-VALUE})")
  int rescore = AnnoyScalarQuantizedVectorsFormat.DEFAULT_RESCORE_FACTOR;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "where the report goes (default: ${DEFAULT-VALUE})")
  Path out = Path.of("bench-out");

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "where indexes are built (default: a temporary directory)")
  Path work;

  @Option(names = "--keep-indexes", description = "keep the indexes built in --work")
  boolean keepIndexes;

  @Option(
      names = "--filtered",
      description =
          "also run filtered searches: random subsets of 50%%, 10%%, 2%% and 0.5%%,"
              + " and with Fashion-MNIST class-based filters of about the same sizes")
  boolean filtered;

  @Option(
      names = "--filter-queries",
      paramLabel = "N",
      description = "queries per filter (default: ${DEFAULT-VALUE})")
  int filterQueries = 200;

  @Option(
      names = "--filter-candidates",
      split = ",",
      paramLabel = "C",
      description = "Annoy budgets for filtered searches (default: 40,160)")
  int[] filterCandidates = {40, 160};

  @Option(
      names = "--filter-fanouts",
      split = ",",
      paramLabel = "F",
      description = "HNSW budgets for filtered searches (default: 10,40,160)")
  int[] filterFanouts = {10, 40, 160};

  @Spec CommandSpec spec;

  @Mixin ForestAndGraphOptions formatOptions = new ForestAndGraphOptions();

  private final PrintStream printer;

  BenchCommand(PrintStream printer) {
    this.printer = printer;
  }

  @Override
  public Integer call() throws Exception {
    if (k < 1 || numQueries < 1 || limit < 1 || segmentSize < 1 || threads < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "-k, --num-queries, --limit, --segment-size and --threads must be >= 1");
    }
    // the format options are checked before any data is read
    List<FormatUnderTest> formatsUnderTest = formatsUnderTest();
    DatasetLoader.Spec what;
    switch (dataset) {
      case "fashion-mnist":
        what =
            new DatasetLoader.Spec(
                fashionMnist, base, queries, truth, similarity, limit, numQueries);
        break;
      case "wordnet-minilm":
        if (base != null) {
          throw new ParameterException(
              spec.commandLine(), "--dataset wordnet-minilm and --base exclude each other");
        }
        what =
            new DatasetLoader.Spec(
                null,
                datasetDir.resolve("base.fvecs"),
                datasetDir.resolve("queries.fvecs"),
                datasetDir.resolve("truth.ivecs"),
                VectorSimilarityFunction.COSINE,
                limit,
                numQueries);
        break;
      default:
        throw new ParameterException(
            spec.commandLine(),
            "--dataset takes fashion-mnist or wordnet-minilm, got '" + dataset + "'");
    }
    Dataset data = DatasetLoader.load(what, k, threads, printer);
    Path workDir = work == null ? Files.createTempDirectory("annoy-bench") : work;
    Files.createDirectories(out);
    Benchmark.Filtered filteredMode =
        filtered
            ? new Benchmark.Filtered(
                BenchFilter.standard(data),
                Math.min(filterQueries, data.queries().length),
                filteredBudgets())
            : null;
    Benchmark.Config config =
        new Benchmark.Config(
            data,
            k,
            segmentSize,
            noMerge == false,
            threads,
            formatsUnderTest,
            workDir,
            keepIndexes,
            filteredMode,
            noWarmUp == false);
    printer.printf(
        Locale.ROOT,
        "benchmark: %s, %,d vectors of %d dimensions, %,d queries, k=%d%n",
        data.name(),
        data.base().length,
        data.dimension(),
        data.queries().length,
        k);
    printer.println("kernels: " + BenchReport.vectorization().replace("`", ""));
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      printer.println(
          "(start the JVM with --add-modules jdk.incubator.vector for the vector kernels: see the README)");
    }
    List<Benchmark.FormatResult> results = Benchmark.run(config, printer);
    BenchReport.printTable(printer, results, k);
    BenchReport.printFiltered(printer, results, k);
    BenchReport.writeCsv(out.resolve("results.csv"), results);
    if (filteredMode != null) {
      BenchReport.writeFilteredCsv(out.resolve("filtered.csv"), results);
      FilteredPlot.write(out.resolve("filtered-qps.png"), "filtered k-NN: " + data.name(), results);
    }
    RecallQpsPlot.write(
        out.resolve("recall-qps.png"), "recall@" + k + " vs QPS: " + data.name(), results, k);
    BenchReport.writeMarkdown(out.resolve("report.md"), config, results, "recall-qps.png");
    printer.println("\nwrote " + out.resolve("report.md") + ", results.csv and recall-qps.png");
    return Main.OK;
  }

  /** Filtered budgets by format label: every Annoy variant sweeps the candidates per hit. */
  private java.util.Map<String, int[]> filteredBudgets() {
    java.util.Map<String, int[]> budgets = new java.util.HashMap<>();
    for (String name : formats) {
      String label = name.trim();
      budgets.put(
          label,
          label.equals("hnsw") || label.endsWith("-default") ? filterFanouts : filterCandidates);
    }
    return budgets;
  }

  private List<FormatUnderTest> formatsUnderTest() {
    List<FormatUnderTest> list = new ArrayList<>();
    for (String name : formats) {
      String label = name.trim();
      try {
        switch (label) {
          case "annoy":
            list.add(FormatUnderTest.annoy(annoyFormat(), candidates));
            break;
          case "annoy-default":
            list.add(FormatUnderTest.annoyDefault("annoy", annoyFormat(), formatOptions.fanouts));
            break;
          case "annoy-q7":
            list.add(FormatUnderTest.annoy(label, quantized(7, false), candidates));
            break;
          case "annoy-q4":
            list.add(FormatUnderTest.annoy(label, quantized(4, true), candidates));
            break;
          case "hnsw":
            list.add(
                FormatUnderTest.hnsw(
                    formatOptions.hnswM, formatOptions.hnswBeam, formatOptions.fanouts));
            break;
          default:
            throw new ParameterException(
                spec.commandLine(),
                "--formats takes annoy-default, annoy, annoy-q7, annoy-q4 and hnsw, got '"
                    + name
                    + "'");
        }
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    return list;
  }

  private AnnoyVectorsFormat annoyFormat() {
    return formatOptions.forest.annoyFormat();
  }

  /** The Annoy forest of the format options over quantized vectors. */
  private AnnoyScalarQuantizedVectorsFormat quantized(int bits, boolean compress) {
    return formatOptions.forest.quantizedFormat(bits, compress, rescore);
  }
}
