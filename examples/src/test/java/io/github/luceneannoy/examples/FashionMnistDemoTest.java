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
import java.nio.file.Path;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;
import org.junit.Test;

/**
 * The demo end to end on a small generated data set shaped like Fashion-MNIST ({@link IdxFiles}).
 */
// ExtrasFS plants files in new directories: a VectorDb rightly refuses a non-empty directory that
// holds no index, and the benchmarks list their work directories.
@SuppressFileSystems("ExtrasFS")
public class FashionMnistDemoTest extends LuceneTestCase {
  private Path root;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    root = createTempDir();
  }

  @Test
  public void demoFindsFootwearOnlyAndMeasuresRecall() throws Exception {
    Path data = createTempDir("data");
    IdxFiles.writeDataset(data, 1500, 20, 3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    FashionMnistDemo.Result result =
        new FashionMnistDemo(new FashionMnistDemo.Options(data, 1500, 20, 10, 320), out, null)
            .run(root.resolve("index"));
    String report = bytes.toString(StandardCharsets.UTF_8);
    if (VERBOSE) {
      System.out.println(report);
    }

    assertEquals(1500, result.indexed());
    assertEquals(20, result.queries());
    // the default budget, calibrated for recall@10 0.95 on the segment's own images, without and
    // with the footwear filter (a fifth of the images; the reader scores them all directly when
    // they are no more than its budget, else gathers them from the trees)
    assertTrue(report, result.filteredRecall() >= 0.9);
    assertTrue(report, result.unfilteredRecall() >= 0.9);
    // 320 candidates per hit for 10 hits cover every footwear image: the search is exact
    assertTrue(report, result.filteredRecallLargerBudget() >= 0.99);
    // every hit shown for the filtered search is a sneaker or a sandal
    String filteredSection =
        report.substring(report.indexOf("sneakers or sandals"), report.indexOf("recall@10"));
    long shown = filteredSection.lines().filter(l -> l.matches("\\s+\\d\\. train-.*")).count();
    long footwear =
        filteredSection
            .lines()
            .filter(l -> l.matches("\\s+\\d\\. train-\\d+\\s+(Sneaker|Sandal)\\s.*"))
            .count();
    assertEquals(report, 5, shown);
    assertEquals(report, shown, footwear);
    String reranked = report.substring(report.indexOf("re-ranked by similarity"));
    assertEquals(
        report,
        5,
        reranked
            .lines()
            .filter(l -> l.matches("\\s+\\d\\. train-\\d+\\s+Ankle boot\\s.*"))
            .count());
  }
}
