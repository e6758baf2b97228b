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

import io.github.luceneannoy.examples.bench.VectorFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;

/**
 * Runs the Lucene 10 benchmark at a tiny size so that it cannot rot; the full run is for people.
 */
// ExtrasFS plants files in new directories, which the benchmark lists as its work directories
@SuppressFileSystems("ExtrasFS")
public class Bench10Test extends LuceneTestCase {

  public void testReportsEveryFormatAgainstBothGraphs() throws Exception {
    Random random = random();
    Path data = createTempDir("data");
    int dimension = 16;
    float[][] base = new float[1500][dimension];
    float[][] queries = new float[30][dimension];
    for (float[][] set : new float[][][] {base, queries}) {
      for (float[] v : set) {
        for (int d = 0; d < dimension; d++) {
          v[d] = (float) random.nextGaussian();
        }
      }
    }
    VectorFiles.writeFvecs(data.resolve("base.fvecs"), base);
    VectorFiles.writeFvecs(data.resolve("queries.fvecs"), queries);
    Path out = createTempDir("out");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int code =
        Bench10.run(
            new String[] {
              "--base",
              data.resolve("base.fvecs").toString(),
              "--queries",
              data.resolve("queries.fvecs").toString(),
              "--segment-size",
              "500",
              "--candidates",
              "2,400",
              "--fanouts",
              "10,100",
              "--threads",
              "2",
              "--out",
              out.toString(),
              "--work",
              createTempDir("work").toString()
            },
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    String text = printed.toString(StandardCharsets.UTF_8);
    assertEquals(text, 0, code);
    assertTrue(text, text.contains("benchmark on Lucene 10."));
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(
        "header plus 2 points for each of annoy-default, annoy, hnsw and hnsw-sq", 9, csv.size());
    // a generous budget finds the exact neighbours (400 per hit reads every entry of both trees)
    assertTrue(csv.toString(), recallOf(csv, "annoy-default", 100) >= 0.98);
    assertTrue(csv.toString(), recallOf(csv, "annoy", 400) >= 0.98);
    assertTrue(csv.toString(), recallOf(csv, "hnsw", 100) >= 0.9);
    // 2 candidates per hit gather 20 entries of the merged segment's 3,000: neighbours are missed
    assertTrue(csv.toString(), recallOf(csv, "annoy", 2) < recallOf(csv, "annoy", 400));
    String report = Files.readString(out.resolve("report.md"));
    for (String ratio :
        new String[] {
          "index+merge time annoy-default/hnsw",
          "index+merge time annoy-default/hnsw-sq",
          "index+merge time annoy/hnsw-sq"
        }) {
      assertTrue(ratio + " in " + report, report.contains(ratio));
    }
    assertTrue(report, report.contains("| afi |") && report.contains("| veq |"));
    assertTrue(report, report.contains("Lucene 10."));
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
}
