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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;
import org.junit.Test;

/**
 * Runs the scale benchmark at a tiny size, child JVMs and all, so that it cannot rot; the figures
 * come from full runs, not from here.
 */
// ExtrasFS plants files in new directories: a VectorDb rightly refuses a non-empty directory that
// holds no index, and the benchmarks list their work directories.
@SuppressFileSystems("ExtrasFS")
public class ScaleCommandTest extends LuceneTestCase {
  @Test
  public void tinyRunReportsBothFormatsFromChildJvms() throws Exception {
    Path work = createTempDir("work");
    Path report = work.resolve("report.md");
    String[] args = smallRun(work, report, "--candidates", "5,600", "--fanouts", "10,100");
    Result first = run(args);
    assertEquals(first.printed, Main.OK, first.status);
    assertTrue(
        first.printed, first.printed.contains("[annoy] indexed 3,000 vectors into 3 segments"));
    assertTrue(first.printed, first.printed.contains("[hnsw] force-merged in"));
    String md = Files.readString(report);
    assertTrue(md, md.contains("| heap limit (-Xmx) | 128m | 128m |"));
    assertTrue(md, md.contains("| disk, .afi |") && md.contains("| disk, .vex |"));
    // 600 candidates per hit for k=10 cover every entry of both trees over 3,000 vectors: exact
    assertEquals(1.0, recall(md, "annoy", 600), 1e-9);
    assertTrue(md, recall(md, "hnsw", 100) >= 0.9);
    double small = recall(md, "annoy", 5);
    assertTrue(md, small > 0 && small <= 1);
    // the children measured their own heap, which stayed within their limit
    Matcher live =
        Pattern.compile("\\| heap after GC, max: index / merge / search \\| ([\\d.,]+) MiB")
            .matcher(md);
    assertTrue(md, live.find());
    double mib = Double.parseDouble(live.group(1).replace(",", ""));
    assertTrue(md, mib > 0 && mib < 128);

    Result again = run(args);
    assertTrue(
        again.printed,
        again.printed.contains("data: reusing") && again.printed.contains("ground truth: reusing"));
  }

  /** Plain queries at each segment's calibrated default, swept over fan-outs. */
  @Test
  public void defaultBudgetRunReportsFanOuts() throws Exception {
    Path work = createTempDir("work");
    Path report = work.resolve("report.md");
    Result result =
        run(smallRun(work, report, "--formats", "annoy-default", "--fanouts", "10,100"));
    assertEquals(result.printed, Main.OK, result.status);
    String md = Files.readString(report);
    // calibrated for 0.95 at k = 10; a fan-out of 100 gathers ten times the candidates
    assertTrue(md, recall(md, "annoy-default", 10) >= 0.8);
    assertTrue(md, recall(md, "annoy-default", 100) >= recall(md, "annoy-default", 10));
    assertTrue(md, recall(md, "annoy-default", 100) >= 0.95);
  }

  @Test
  public void aChildThatCannotRunIsReportedAsFailed() throws Exception {
    Path work = createTempDir("work");
    // the JVM refuses a heap this small before running anything
    Result result = tinyAnnoyRun(work, "1k");
    assertEquals(result.printed, Main.FAILED, result.status);
    assertTrue(result.printed, result.printed.contains("annoy with -Xmx1k exited with status"));
    assertTrue(
        result.printed,
        result.printed.contains("| result | failed: annoy with -Xmx1k exited with status"));

    // with a second limit to fall back on, the report says which one worked and which failed
    Result fallback = tinyAnnoyRun(work, "1k,128m", "--candidates", "50");
    assertEquals(fallback.printed, Main.OK, fallback.status);
    assertTrue(
        fallback.printed,
        fallback.printed.contains("| heap limit (-Xmx) | 128m (failed with 1k) |"));
  }

  private static double recall(String markdown, String format, int budget) {
    Matcher m =
        Pattern.compile("\\| " + format + " \\| " + budget + " \\| ([\\d.]+) \\|")
            .matcher(markdown);
    assertTrue(markdown, m.find());
    return Double.parseDouble(m.group(1));
  }

  /**
   * A run over 3,000 vectors of 16 dimensions in 10 clusters, 20 queries, segments of 1,000, child
   * heaps of 128m, with {@code more} arguments, its data in {@code work} and its report at {@code
   * report}.
   */
  private static String[] smallRun(Path work, Path report, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "scale",
                "--vectors",
                "3000",
                "--dimension",
                "16",
                "--clusters",
                "10",
                "--queries",
                "20",
                "--heap",
                "128m",
                "--segment-size",
                "1000",
                "--work",
                work.toString(),
                "--out",
                report.toString()));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  /** Annoy alone over 200 vectors of 4 dimensions and 5 queries, with the heap limits given. */
  private static Result tinyAnnoyRun(Path work, String heaps, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "scale",
            "--vectors",
            "200",
            "--dimension",
            "4",
            "--queries",
            "5",
            "--formats",
            "annoy",
            "--heap",
            heaps,
            "--work",
            work.toString()));
    args.addAll(List.of(more));
    return run(args.toArray(new String[0]));
  }

  private record Result(int status, String printed) {}

  private static Result run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = Main.run(args, out, out);
    return new Result(status, bytes.toString(StandardCharsets.UTF_8));
  }
}
