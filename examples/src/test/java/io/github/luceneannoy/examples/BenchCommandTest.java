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

import io.github.luceneannoy.examples.bench.BenchSummary;
import io.github.luceneannoy.examples.bench.VectorFiles;
import io.github.luceneannoy.forest.ForestKernels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;
import org.junit.Test;

/** Runs the benchmark command at a tiny size so that it cannot rot; the full run is for people. */
// ExtrasFS plants files in new directories: a VectorDb rightly refuses a non-empty directory that
// holds no index, and the benchmarks list their work directories.
@SuppressFileSystems("ExtrasFS")
public class BenchCommandTest extends LuceneTestCase {
  @Test
  public void texmexFilesGiveAReportForBothFormats() throws Exception {
    Path dir = writeData(7);
    Path out = createTempDir("out");

    String printed =
        bench(
            dir,
            "--segment-size",
            "500",
            "--candidates",
            "2,50",
            "--fanouts",
            "10,100",
            "--out",
            out.toString(),
            "--work",
            createTempDir("work").toString());

    assertTrue(printed, printed.contains("indexed 1,500 vectors into 3 segments"));
    // each index warms up once before the timed builds, the shared annoy index once
    assertEquals(printed, 1, count(printed, "[annoy] warm-up, not timed: 1,500 vectors"));
    assertEquals(printed, 1, count(printed, "[hnsw] warm-up, not timed: 1,500 vectors"));
    assertTrue(
        printed, printed.indexOf("[hnsw] warm-up") < printed.indexOf("[annoy] indexed 1,500"));
    assertTrue(printed, printed.contains("ground truth: cached in"));
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("header plus 2 points for each of annoy-default, annoy and hnsw", 7, csv.size());
    // with 50 candidates per hit for k=10, each 500-vector segment is scored whole: exact
    assertEquals(1.0, recallOf(csv, "annoy", 50), 1e-9);
    // 2 per hit gathers 20 candidates of each 500: some neighbours are missed
    double small = recallOf(csv, "annoy", 2);
    assertTrue(csv.toString(), small > 0 && small < 1.0);
    // plain k-NN queries get each segment's calibrated budget, for recall@10 0.95 on its own
    // vectors: the queries here are drawn like them
    double plain = recallOf(csv, "annoy-default", 10);
    assertTrue(csv.toString(), plain >= 0.85);
    // a fan-out of 100 gathers ten times as many candidates
    assertTrue(csv.toString(), recallOf(csv, "annoy-default", 100) >= Math.max(plain, 0.98));
    assertTrue(recallOf(csv, "hnsw", 100) >= 0.9);
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report, report.contains("| afi |") && report.contains("| vex |"));
    assertTrue(report, report.contains("index+merge time annoy/hnsw"));
    // the format reports its builds through the writers' info stream: three flushed segments and
    // the merged one, each calibrated; HNSW reports none
    assertTrue(report, report.contains("annoy: trees built in "));
    assertTrue(report, report.contains(", 4 forests calibrated in "));
    assertFalse(report, report.contains("hnsw: trees built"));
    for (String line : csv.subList(1, csv.size())) {
      String[] fields = line.split(",");
      assertEquals(line, 15, fields.length);
      if (fields[0].equals("hnsw")) {
        assertEquals(line, 0.0, Double.parseDouble(fields[14]), 0.0);
      }
    }
    Path runs = createTempDir("runs");
    Files.createDirectories(runs.resolve("clustered/this-jvm"));
    Files.copy(out.resolve("results.csv"), runs.resolve("clustered/this-jvm/results.csv"));
    String summary = BenchSummary.markdown(BenchSummary.read(runs));
    assertTrue(summary, summary.contains("calibration's share"));
    String row =
        summary
            .lines()
            .filter(l -> l.startsWith("| clustered | this-jvm |"))
            .findFirst()
            .orElseThrow();
    // data set, JVM, recall, two ratio pairs, HNSW's QPS, build, then calibration's share
    assertTrue(row, row.split("\\|")[8].trim().matches("\\d+%"));
    // tests run with the vector module (the pom's argLine) on Java 17, which Lucene 9.12 does not
    // vectorize: the report says which kernels each side used
    assertTrue(report, report.contains("Module `jdk.incubator.vector` loaded"));
    assertTrue(printed, printed.contains("kernels: Module jdk.incubator.vector loaded"));
    assertTrue(
        report, report.contains("the forest's kernels: " + ForestKernels.get().description()));
    if (Runtime.version().feature() < 20) {
      assertTrue(report, report.contains("Lucene 9.12.3's distance kernels: scalar"));
    }
    assertNotNull(
        "recall-qps.png is an image", ImageIO.read(out.resolve("recall-qps.png").toFile()));
    assertTrue(report, report.contains("](recall-qps.png)"));

    // the filtered mode: random filters only, as TEXMEX files carry no labels
    Path filteredOut = createTempDir("filtered");
    String filtered =
        bench(
            dir,
            "--candidates",
            "50",
            "--fanouts",
            "100",
            "--filtered",
            "--filter-queries",
            "10",
            "--filter-candidates",
            "40",
            "--filter-fanouts",
            "40",
            "--out",
            filteredOut.toString());
    assertTrue(filtered, filtered.contains("random 0.5%"));
    List<String> filteredCsv = Files.readAllLines(filteredOut.resolve("filtered.csv"));
    assertEquals("header plus 4 filters for 3 formats", 13, filteredCsv.size());
    for (String line : filteredCsv.subList(1, filteredCsv.size())) {
      assertTrue(line, Double.parseDouble(line.split(",")[5]) >= 0.8);
    }
    assertNotNull(
        "filtered-qps.png is an image",
        ImageIO.read(filteredOut.resolve("filtered-qps.png").toFile()));

    // the second run reads the cached ground truth instead of recomputing it
    String again = bench(dir, "--formats", "annoy", "--candidates", "50", "--out", out.toString());
    assertTrue(again, again.contains("ground truth: read"));
  }

  @Test
  public void oneFormatAloneReportsItsBuildWithoutWarmUp() throws Exception {
    Path dir = writeData(11);
    Path out = createTempDir("out");

    String printed =
        bench(
            dir,
            "--formats",
            "annoy-default",
            "--fanouts",
            "10",
            "--segment-size",
            "500",
            "--no-warm-up",
            "--out",
            out.toString());

    assertFalse(printed, printed.contains("warm-up"));
    String report = Files.readString(out.resolve("report.md"));
    assertFalse(report, report.contains("untimed"));
    // the index annoy-default searches is reported under its own label, though the run has no
    // format called annoy
    String row =
        report
            .lines()
            .filter(line -> line.startsWith("| annoy | `"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(report));
    assertTrue(row, Double.parseDouble(row.split("\\|")[5].trim()) > 0);
    assertTrue(report, report.contains("annoy: trees built in "));
    assertTrue(report, report.contains("annoy forest and codes (.afi, .afm): "));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  @Test
  public void quantizedVariantsBesideFloat32() throws Exception {
    Path dir = writeData(11);
    Path out = createTempDir("out");

    String printed =
        bench(
            dir,
            "--formats",
            "annoy,annoy-q7,annoy-q4",
            "--segment-size",
            "500",
            "--candidates",
            "2,50",
            "--out",
            out.toString(),
            "--work",
            createTempDir("work").toString());

    assertTrue(printed, printed.contains("[annoy-q4] indexed 1,500 vectors into 3 segments"));
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("header plus 2 points per format", 7, csv.size());
    // 50 candidates per hit gather 500 of the 3,000 entries of the merged segment's two
    // trees: nearly every true neighbour; the quantized variants then re-score their best exactly
    assertTrue(csv.toString(), recallOf(csv, "annoy", 50) >= 0.99);
    assertTrue(csv.toString(), recallOf(csv, "annoy-q7", 50) >= 0.99);
    assertTrue(csv.toString(), recallOf(csv, "annoy-q4", 50) >= 0.95);
    String report = Files.readString(out.resolve("report.md"));
    // the quantized copies sit beside the raw vectors, a quarter and an eighth of their size
    long vec = bytesOf(report, "vec", 2);
    long veq7 = bytesOf(report, "veq", 2);
    long veq4 = bytesOf(report, "veq", 3);
    // the same raw vectors; the headers name different formats
    assertEquals(report, vec, bytesOf(report, "vec", 1), 100);
    assertTrue(report, veq7 < vec / 3 && veq4 < veq7 * 2 / 3);
    assertTrue(
        report,
        report.contains("AnnoyScalarQuantizedVectorsFormat(")
            && report.contains("bits=4, compress=true"));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertEquals(2, Main.run(new String[] {"bench", "--formats", "annoy-q3"}, stream, stream));
    String refused = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(refused, refused.contains("annoy-q7, annoy-q4") && refused.contains("'annoy-q3'"));
  }

  /**
   * The bytes in the report's file-kind table for {@code extension}, in format column {@code
   * column} (from 1).
   */
  private static long bytesOf(String report, String extension, int column) {
    for (String line : report.split("\n")) {
      if (line.startsWith("| " + extension + " |")) {
        return Long.parseLong(line.split("\\|")[column + 1].trim().replace(",", ""));
      }
    }
    throw new AssertionError("no " + extension + " row in " + report);
  }

  /**
   * {@code --no-merge} searches the segments as flushed, as a live index has them: three of 500
   * vectors, each calibrated at its flush and none merged.
   */
  @Test
  public void noMergeSearchesTheFlushedSegments() throws Exception {
    Path dir = writeData(13);
    Path out = createTempDir("out");
    Path work = createTempDir("work");
    String printed =
        bench(
            dir,
            "--segment-size",
            "500",
            "--no-merge",
            "--candidates",
            "50",
            "--fanouts",
            "10,100",
            "--out",
            out.toString(),
            "--work",
            work.toString(),
            "--keep-indexes");
    assertTrue(printed, printed.contains("indexed 1,500 vectors into 3 segments"));
    assertTrue(printed, printed.contains("not merged"));
    assertFalse(printed, printed.contains("force-merged"));
    for (String index : new String[] {"annoy", "hnsw"}) {
      try (FSDirectory indexDir = FSDirectory.open(work.resolve(index));
          DirectoryReader reader = DirectoryReader.open(indexDir)) {
        assertEquals(index, 3, reader.leaves().size());
      }
    }
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report, report.contains("not merged: searched as flushed"));
    assertTrue(report, report.contains(", 3 forests calibrated in "));
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    // each 500-vector segment is scored whole at 50 candidates per hit: exact over the segments
    assertEquals(1.0, recallOf(csv, "annoy", 50), 1e-9);
    assertTrue(csv.toString(), recallOf(csv, "annoy-default", 10) >= 0.85);
  }

  @Test
  public void fashionMnistSubset() throws Exception {
    assumeTrue(
        "Debian's dataset-fashion-mnist is not installed (CI installs it)",
        Files.exists(FashionMnist.DEFAULT_DIRECTORY.resolve("train-images-idx3-ubyte.gz")));
    Path out = createTempDir("out");
    String printed =
        run(
            "bench",
            "--limit",
            "2000",
            "--num-queries",
            "30",
            "--segment-size",
            "1000",
            "--candidates",
            "10,80",
            "--fanouts",
            "10,80",
            "--out",
            out.toString(),
            "--work",
            createTempDir("work").toString());
    assertTrue(printed, printed.contains("2,000 vectors of 784 dimensions"));
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertTrue(recallOf(csv, "annoy", 80) >= 0.95);
  }

  private static double recallOf(List<String> csv, String format, int budget) {
    for (String line : csv.subList(1, csv.size())) {
      String[] cells = line.split(",");
      if (cells[0].equals(format) && Integer.parseInt(cells[2]) == budget) {
        return Double.parseDouble(cells[3]);
      }
    }
    throw new AssertionError("no " + format + " point at budget " + budget + " in " + csv);
  }

  /**
   * A directory of 1,500 base and 40 query vectors, as {@code base.fvecs} and {@code query.fvecs}.
   */
  private static Path writeData(long seed) throws Exception {
    Path dir = createTempDir("data");
    ClusteredVectors generator = new ClusteredVectors(16, 10, 0.3f, seed);
    VectorFiles.writeFvecs(dir.resolve("base.fvecs"), generator.next(1500).vectors());
    VectorFiles.writeFvecs(dir.resolve("query.fvecs"), generator.next(40).vectors());
    return dir;
  }

  /** Runs {@code bench} over the files {@link #writeData} wrote to {@code dir}. */
  private static String bench(Path dir, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "bench",
            "--base",
            dir.resolve("base.fvecs").toString(),
            "--queries",
            dir.resolve("query.fvecs").toString()));
    args.addAll(List.of(more));
    return run(args.toArray(new String[0]));
  }

  private static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = Main.run(args, out, out);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(printed, Main.OK, status);
    return printed;
  }
}
