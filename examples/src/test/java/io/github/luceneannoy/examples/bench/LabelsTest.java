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

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.tests.util.LuceneTestCase;

/** Labels beside a generated data set's base vectors, and the class filters they give. */
public class LabelsTest extends LuceneTestCase {
  private static final String[] PARTS = {"verb", "noun", "noun", "adverb", "noun", "verb"};

  private Path writeDataSet(String labels) throws IOException {
    Path dir = createTempDir("text");
    float[][] base = new float[PARTS.length][];
    for (int i = 0; i < base.length; i++) {
      base[i] = new float[] {1, i, 0.5f * i};
    }
    VectorFiles.writeFvecs(dir.resolve("base.fvecs"), base);
    VectorFiles.writeFvecs(dir.resolve("queries.fvecs"), new float[][] {{1, 2, 1}, {1, 0, 3}});
    if (labels != null) {
      Files.writeString(dir.resolve(Labels.FILE), labels);
    }
    return dir;
  }

  private static Dataset load(Path dir, int limit) throws Exception {
    DatasetLoader.Spec spec =
        new DatasetLoader.Spec(
            null,
            dir.resolve("base.fvecs"),
            dir.resolve("queries.fvecs"),
            null,
            VectorSimilarityFunction.COSINE,
            limit,
            2);
    return DatasetLoader.load(
        spec, 2, 1, new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
  }

  public void testLabelsNumberTheSortedNamesAndFollowTheBaseOrder() throws Exception {
    Dataset data = load(writeDataSet(String.join("\n", PARTS) + "\n"), Integer.MAX_VALUE);
    assertArrayEquals(new String[] {"adverb", "noun", "verb"}, data.labelNames());
    assertArrayEquals(new int[] {2, 1, 1, 0, 1, 2}, data.labels());

    List<BenchFilter> classes =
        BenchFilter.standard(data).stream().filter(BenchFilter::correlated).toList();
    assertEquals(
        List.of("class noun", "class verb", "class adverb"),
        classes.stream().map(BenchFilter::name).toList());
    assertEquals(0.5, classes.get(0).selectivity(), 1e-9);
    assertEquals(1 / 3.0, classes.get(1).selectivity(), 1e-9);
    for (int id = 0; id < PARTS.length; id++) {
      assertEquals(PARTS[id].equals("verb"), classes.get(1).accepts().test(id));
    }
  }

  public void testAPrefixOfTheBaseTakesAPrefixOfTheLabels() throws Exception {
    Dataset data = load(writeDataSet(String.join("\n", PARTS) + "\n"), 3);
    assertArrayEquals(new String[] {"noun", "verb"}, data.labelNames());
    assertArrayEquals(new int[] {1, 0, 0}, data.labels());
  }

  public void testNoLabelsFileMeansNoClassFilters() throws Exception {
    Dataset data = load(writeDataSet(null), Integer.MAX_VALUE);
    assertNull(data.labels());
    assertTrue(BenchFilter.standard(data).stream().noneMatch(BenchFilter::correlated));
  }

  public void testTooFewOrEmptyLabelsAreNamed() throws Exception {
    Path shortFile = writeDataSet("verb\nnoun\n");
    IOException e = expectThrows(IOException.class, () -> load(shortFile, Integer.MAX_VALUE));
    assertTrue(e.getMessage(), e.getMessage().contains("holds 2 labels"));
    assertTrue(e.getMessage(), e.getMessage().contains("has 6 vectors"));

    Path blank = writeDataSet("verb\n\nnoun\nnoun\nnoun\nnoun\n");
    e = expectThrows(IOException.class, () -> load(blank, Integer.MAX_VALUE));
    assertTrue(e.getMessage(), e.getMessage().contains("line 2: empty label"));
  }
}
