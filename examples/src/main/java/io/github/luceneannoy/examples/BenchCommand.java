package io.github.luceneannoy.examples;

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
import java.util.List;

/**
 * The {@code bench} command: the Annoy format and Lucene's HNSW side by side on the same data, with
 * a table on the terminal and a CSV, Markdown report and SVG plot in the output directory.
 */
final class BenchCommand implements Command {

  static final String OPTIONS =
      "[--fashion-mnist DIR | --base FILE.fvecs|.bvecs --queries FILE [--truth FILE.ivecs] [--similarity NAME]]"
          + " [--limit N] [--num-queries N] [--k K] [--segment-size N] [--threads N]"
          + " [--trees T] [--leaf L] [--candidates 5,10,..] [--hnsw-m M] [--hnsw-beam B] [--fanouts 10,20,..]"
          + " [--formats annoy,hnsw] [--out DIR] [--work DIR] [--keep-indexes true]";

  private static final String[] NAMES = {
    "fashion-mnist", "base", "queries", "truth", "similarity", "limit", "num-queries", "k",
    "segment-size", "threads", "trees", "leaf", "candidates", "hnsw-m", "hnsw-beam", "fanouts",
    "formats", "out", "work", "keep-indexes"
  };

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    Flags flags = Flags.parse(args, NAMES);
    int k = flags.intValue("k", 10, 1, 1000);
    Dataset data = DatasetLoader.load(options(flags), k, out);
    Path outDir = flags.pathValue("out") == null ? Path.of("bench-out") : flags.pathValue("out");
    Path workDir = flags.pathValue("work") == null ? Files.createTempDirectory("annoy-bench") : flags.pathValue("work");
    Files.createDirectories(outDir);
    Benchmark.Config config =
        new Benchmark.Config(
            data,
            k,
            flags.intValue("segment-size", 10_000, 1, Integer.MAX_VALUE),
            flags.intValue("threads", Runtime.getRuntime().availableProcessors(), 1, 1024),
            formats(flags),
            workDir,
            Boolean.parseBoolean(flags.stringValue("keep-indexes", "false")));
    out.printf("benchmark: %s, %,d vectors of %d dimensions, %,d queries, k=%d%n",
        data.name(), data.base().length, data.dimension(), data.queries().length, k);
    List<Benchmark.FormatResult> results = Benchmark.run(config, out);
    BenchReport.printTable(out, results, k);
    BenchReport.writeCsv(outDir.resolve("results.csv"), results);
    RecallQpsPlot.write(outDir.resolve("recall-qps.svg"), "recall@" + k + " vs QPS: " + data.name(), results, k);
    BenchReport.writeMarkdown(outDir.resolve("report.md"), config, results, "recall-qps.svg");
    out.println("\nwrote " + outDir.resolve("report.md") + ", results.csv and recall-qps.svg");
    return OK;
  }

  private static DatasetLoader.Options options(Flags flags) {
    return new DatasetLoader.Options() {
      public Path path(String name) {
        return flags.pathValue(name);
      }

      public String text(String name, String defaultValue) {
        return flags.stringValue(name, defaultValue);
      }

      public int number(String name, int defaultValue, int min, int max) throws UsageException {
        return flags.intValue(name, defaultValue, min, max);
      }
    };
  }

  private static List<FormatUnderTest> formats(Flags flags) throws UsageException {
    List<FormatUnderTest> formats = new ArrayList<>();
    for (String name : flags.stringValue("formats", "annoy,hnsw").split(",")) {
      switch (name.trim()) {
        case "annoy":
          AnnoyVectorsFormat annoy =
              new AnnoyVectorsFormat(
                  flags.intValue("trees", AnnoyVectorsFormat.DEFAULT_NUM_TREES, 1, AnnoyVectorsFormat.MAXIMUM_NUM_TREES),
                  flags.intValue("leaf", AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE, 1, AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE),
                  AnnoyVectorsFormat.DEFAULT_CANDIDATES_PER_HIT);
          formats.add(FormatUnderTest.annoy(annoy, flags.intList("candidates", "5,10,20,40,80,160,320")));
          break;
        case "hnsw":
          formats.add(
              FormatUnderTest.hnsw(
                  flags.intValue("hnsw-m", 16, 2, 512),
                  flags.intValue("hnsw-beam", 100, 1, 3200),
                  flags.intList("fanouts", "10,20,40,80,160,320,640")));
          break;
        default:
          throw new UsageException("--formats takes annoy and/or hnsw, got '" + name + "'");
      }
    }
    return formats;
  }
}
