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

import io.github.luceneannoy.db.VectorDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;
import org.junit.Test;

/** The index, search and info commands end to end, through {@link Main}. */
// ExtrasFS plants files in new directories: a VectorDb rightly refuses a non-empty directory that
// holds no index, and the benchmarks list their work directories.
@SuppressFileSystems("ExtrasFS")
public class CommandLineToolTest extends LuceneTestCase {
  private Path root;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    root = createTempDir();
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** Fails with what the command printed, so that a failure on CI says why. */
  private void assertSucceeded(int exitCode) {
    assertEquals("stdout:\n" + out() + "\nstderr:\n" + err(), Main.OK, exitCode);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** The message after any progress line, which is drawn only when a batch takes long enough. */
  private static String lastLine(String text) {
    String[] lines = text.strip().split("[\r\n]+");
    return lines[lines.length - 1].strip();
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(root.resolve(name), content);
  }

  @Test
  public void aBadLineStopsTheImportKeepingEverythingBeforeIt() throws Exception {
    Path csv = file("v.csv", "a,0,0\nb,1,0\nc,2,0\nd,3,oops\ne,4,0\n");
    Path index = root.resolve("db");
    assertEquals(
        Main.FAILED,
        run("index", "--index", index.toString(), "--input", csv.toString(), "--batch", "2"));
    assertEquals(
        "index: "
            + csv
            + " line 4: column 3 is 'oops', expected a number"
            + " (import stopped; the 3 vectors before it are committed)",
        lastLine(err()));
    try (VectorDb db = VectorDb.open(index)) {
      assertEquals(3, db.size());
      assertTrue(db.get("c").isPresent());
    }
    // a value the database refuses is reported at its line too
    Path nan = file("nan.csv", "f,1,NaN\n");
    assertEquals(Main.FAILED, run("index", "--index", index.toString(), "--input", nan.toString()));
    assertTrue(
        err(),
        err().contains(nan + " line 1: vector \"f\" has a non-finite component at index 1: NaN"));
  }

  @Test
  public void indexSearchAndInfoOnJsonLinesWithMetadata() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      String label = i % 2 == 0 ? "even" : "odd";
      lines.append(
          String.format(
              Locale.ROOT,
              "{\"id\":\"p%d\",\"vector\":[%d,1],\"keywords\":{\"label\":\"%s\"},"
                  + "\"text\":{\"caption\":\"point number %d is %s\"}}%n",
              i,
              i,
              label,
              i,
              label));
    }
    Path jsonl = file("points.jsonl", lines.toString());
    Path index = root.resolve("db");
    assertSucceeded(
        run(
            "index",
            "--index",
            index.toString(),
            "--input",
            jsonl.toString(),
            "--trees",
            "3",
            "--leaf",
            "10",
            "--branching",
            "4",
            "--target-recall",
            "0.9"));
    assertTrue(out(), out().contains("indexed 300 vectors of 2 dimensions"));
    assertTrue(out(), out().contains("now holds 300 vectors (EUCLIDEAN)"));

    // 100 candidates per hit cover all 300 vectors: these searches are exact whatever the forest
    assertSucceeded(
        run(
            "search",
            "--index",
            index.toString(),
            "--id",
            "p100",
            "-k",
            "3",
            "--filter",
            "label:odd",
            "--candidates",
            "100"));
    String[] rows = out().strip().split("\n");
    assertTrue(
        rows[0], rows[0].startsWith("3 hits for the vector of id p100 filtered by label:odd"));
    assertTrue(rows[2], rows[2].matches("\\s+1\\s+p(99|101)\\s.*label=odd"));
    assertTrue(rows[4], rows[4].matches("\\s+3\\s+p(97|103)\\s.*"));

    assertSucceeded(
        run(
            "search",
            "--index",
            index.toString(),
            "--vector",
            "50.2,1",
            "-k",
            "2",
            "--candidates",
            "150"));
    assertTrue(out(), out().contains("   1  p50 "));
    assertTrue(out(), out().contains("   2  p51 "));
    // the calibrated default budget (for recall 0.9 at these settings) finds hits near the query
    assertSucceeded(run("search", "--index", index.toString(), "--vector", "50.2,1", "-k", "2"));
    assertTrue(
        out(),
        out().matches("(?s).*\\n\\s+1\\s+p(4[6-9]|5[0-4])\\s.*\\n\\s+2\\s+p(4[6-9]|5[0-4])\\s.*"));

    // hybrid: the text query matches only p7, which RRF lifts above the vector ranking's runner-up
    assertSucceeded(
        run(
            "search",
            "--index",
            index.toString(),
            "--vector",
            "0,1",
            "-k",
            "2",
            "--text",
            "caption:7"));
    assertTrue(out(), out().contains("fused (RRF) with text caption:7"));
    assertTrue(out(), out().contains("   1  p0 ") || out().contains("   1  p7 "));
    assertTrue(out(), out().contains("  p7 "));

    assertSucceeded(run("info", "--index", index.toString()));
    assertTrue(out(), out().contains("VectorDb   dimension 2, similarity EUCLIDEAN"));
    assertTrue(out(), out().contains("documents  300 live, 0 deleted"));
    assertTrue(out(), out().contains("label (keyword)"));
    assertTrue(out(), out().contains("caption (text)"));
    assertTrue(out(), out().contains("afi "));
    // the forest as built: 3 trees, branching 4, leaves of at most 10; 300 vectors are more than
    // calibration scores whole, so the default budgets (for 10 and 100 hits) are measured for 0.9
    Matcher forest =
        Pattern.compile(
                "_vector\\s+3\\s+4\\s+10\\s+(\\d+)\\s+(\\d+)\\s.*\\s(\\d+)/(\\d+) \\((bound|centroid), 0\\.90\\)")
            .matcher(out());
    assertTrue(out(), forest.find());
    int innerNodes = Integer.parseInt(forest.group(1));
    int leaves = Integer.parseInt(forest.group(2));
    // every tree splits 300 vectors into leaves of at most 10
    assertTrue(out(), leaves >= 3 * 30 && innerNodes >= 3);
    int budget10 = Integer.parseInt(forest.group(3));
    int budget100 = Integer.parseInt(forest.group(4));
    assertTrue(out(), budget10 >= 10 && budget10 <= budget100 && budget100 <= 300);
  }

  @Test
  public void searchErrorsAreClear() throws Exception {
    Path index = root.resolve("db");
    Path csv = file("v.csv", "a,0,0\n");
    assertSucceeded(run("index", "--index", index.toString(), "--input", csv.toString()));
    assertEquals(Main.FAILED, run("search", "--index", index.toString(), "--id", "zzz"));
    assertEquals("search: no vector with id 'zzz' in " + index, err().strip());
    assertEquals(Main.FAILED, run("search", "--index", index.toString(), "--vector", "1,2,3"));
    assertEquals("search: query vector has 3 dimensions, the database has 2", err().strip());
    assertEquals(
        Main.FAILED,
        run("search", "--index", index.toString(), "--vector", "1,0", "--filter", "label:("));
    assertTrue(err(), err().startsWith("search: cannot parse query 'label:('"));
    Path elsewhere = createTempDir("empty");
    assertEquals(Main.FAILED, run("search", "--index", elsewhere.toString(), "--vector", "1,0"));
    assertEquals("search: " + elsewhere + ": holds no VectorDb", err().strip());
  }
}
