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
package io.github.luceneannoy.examples10;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.examples.bench.BenchReport;
import io.github.luceneannoy.examples.bench.Benchmark;
import io.github.luceneannoy.examples.bench.Dataset;
import io.github.luceneannoy.examples.bench.DatasetLoader;
import io.github.luceneannoy.examples.bench.FormatUnderTest;
import io.github.luceneannoy.examples.bench.RecallQpsPlot;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.util.Version;

/**
 * The side-by-side benchmark on Lucene 10: the examples module's {@code bench} (same data, same
 * {@code IndexWriter} settings, formats searched in alternating rounds, same report), with Lucene
 * 10's default quantized HNSW format beside its HNSW. Options, each {@code --name value}:
 *
 * <ul>
 *   <li>{@code --dataset} fashion-mnist (default) or wordnet-minilm, {@code --fashion-mnist DIR},
 *       {@code --dataset-dir DIR} as for {@code bench}; or {@code --base FILE --queries FILE}
 *       (.fvecs or .bvecs) with {@code --similarity} (default EUCLIDEAN);
 *   <li>{@code --formats} of annoy-default, annoy, hnsw, hnsw-sq (default: all four);
 *   <li>{@code --candidates} and {@code --fanouts}: the per-query budgets (candidates per hit) and
 *       fan-outs, comma-separated;
 *   <li>{@code --out DIR} (default bench-out), {@code --work DIR}, {@code --num-queries N}, {@code
 *       --limit N}, {@code --threads N}, {@code --segment-size N}.
 * </ul>
 */
public final class Bench10 {
  private static final int K = 10;

  private Bench10() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  static int run(String[] args, PrintStream out) throws Exception {
    Map<String, String> options = options(args);
    String dataset = options.getOrDefault("dataset", "fashion-mnist");
    int numQueries = Integer.parseInt(options.getOrDefault("num-queries", "1000"));
    int limit = Integer.parseInt(options.getOrDefault("limit", String.valueOf(Integer.MAX_VALUE)));
    int threads =
        Integer.parseInt(
            options.getOrDefault(
                "threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
    int segmentSize = Integer.parseInt(options.getOrDefault("segment-size", "10000"));
    int[] candidates = ints(options.getOrDefault("candidates", "25,50,100,200,400,800,1600"));
    int[] fanouts =
        ints(options.getOrDefault("fanouts", "10,12,15,20,30,40,60,80,120,160,240,320"));
    List<FormatUnderTest> formats = new ArrayList<>();
    for (String name :
        options.getOrDefault("formats", "annoy-default,annoy,hnsw,hnsw-sq").split(",")) {
      formats.add(format(name.trim(), candidates, fanouts));
    }
    DatasetLoader.Spec spec;
    if (options.containsKey("base")) {
      dataset = "files";
    }
    switch (dataset) {
      case "files" -> {
        if (options.containsKey("queries") == false) {
          throw new IllegalArgumentException("--base needs --queries");
        }
        spec =
            new DatasetLoader.Spec(
                null,
                Path.of(options.get("base")),
                Path.of(options.get("queries")),
                null,
                VectorSimilarityFunction.valueOf(options.getOrDefault("similarity", "EUCLIDEAN")),
                limit,
                numQueries);
      }
      case "fashion-mnist" -> {
        Path dir =
            Path.of(options.getOrDefault("fashion-mnist", "/usr/share/datasets/fashion-mnist"));
        spec =
            new DatasetLoader.Spec(
                dir, null, null, null, VectorSimilarityFunction.EUCLIDEAN, limit, numQueries);
      }
      case "wordnet-minilm" -> {
        Path dir =
            Path.of(
                options.getOrDefault(
                    "dataset-dir",
                    Path.of(System.getProperty("user.home"), ".cache", "lucene-annoy", dataset)
                        .toString()));
        spec =
            new DatasetLoader.Spec(
                null,
                dir.resolve("base.fvecs"),
                dir.resolve("queries.fvecs"),
                dir.resolve("truth.ivecs"),
                VectorSimilarityFunction.COSINE,
                limit,
                numQueries);
      }
      default ->
          throw new IllegalArgumentException(
              "--dataset takes fashion-mnist or wordnet-minilm, got '" + dataset + "'");
    }
    Dataset data = DatasetLoader.load(spec, K, threads, out);
    Path report = Path.of(options.getOrDefault("out", "bench-out"));
    Path work =
        options.containsKey("work")
            ? Path.of(options.get("work"))
            : Files.createTempDirectory("annoy-bench10");
    Files.createDirectories(report);
    Benchmark.Config config =
        new Benchmark.Config(data, K, segmentSize, true, threads, formats, work, false, null, true);
    out.printf(
        Locale.ROOT,
        "benchmark on Lucene %s: %s, %,d vectors of %d dimensions, %,d queries, k=%d%n",
        Version.LATEST,
        data.name(),
        data.base().length,
        data.dimension(),
        data.queries().length,
        K);
    out.println("kernels: " + BenchReport.vectorization().replace("`", ""));
    List<Benchmark.FormatResult> results = Benchmark.run(config, out);
    BenchReport.printTable(out, results, K);
    BenchReport.writeCsv(report.resolve("results.csv"), results);
    RecallQpsPlot.write(
        report.resolve("recall-qps.png"),
        "recall@" + K + " vs QPS on Lucene " + Version.LATEST + ": " + data.name(),
        results,
        K);
    BenchReport.writeMarkdown(report.resolve("report.md"), config, results, "recall-qps.png");
    out.println("\nwrote " + report.resolve("report.md") + ", results.csv and recall-qps.png");
    return 0;
  }

  private static FormatUnderTest format(String name, int[] candidates, int[] fanouts) {
    return switch (name) {
      case "annoy" -> FormatUnderTest.annoy(new AnnoyVectorsFormat(), candidates);
      case "annoy-default" ->
          FormatUnderTest.annoyDefault("annoy", new AnnoyVectorsFormat(), fanouts);
      case "hnsw" -> FormatUnderTest.hnsw(16, 100, fanouts);
      case "hnsw-sq" ->
          new FormatUnderTest.Swept(
              "hnsw-sq",
              "hnsw-sq",
              new Lucene104HnswScalarQuantizedVectorsFormat(16, 100),
              "fan-out k",
              fanouts,
              (field, target, k, fanout, filter) ->
                  new KnnFloatVectorQuery(field, target, Math.max(k, fanout), filter));
      default ->
          throw new IllegalArgumentException(
              "--formats takes annoy-default, annoy, hnsw and hnsw-sq, got '" + name + "'");
    };
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].startsWith("--") == false || i + 1 == args.length) {
        throw new IllegalArgumentException(
            "expected --name value pairs, got " + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static int[] ints(String list) {
    return Arrays.stream(list.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
  }
}
