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
package io.github.luceneannoy.datasets;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The whole pipeline on a made-up WordNet and a cheap stand-in model. */
public class TestWordNetDatasetGenerator {
  private static final int DIM = 16;
  private static final String[] WORDS = {
    "cat", "dog", "engine", "river", "stone", "music", "small", "large", "red", "quiet",
    "a", "the", "of", "to", "with", "without", "tree", "boat", "house", "light"
  };

  /** A model spec of this name and {@link #DIM} dimensions whose {@code open} is {@code opener}. */
  static EmbeddingModelSpec spec(String name, IntFunction<TextEmbedder> opener) {
    return new EmbeddingModelSpec() {
      @Override
      public String modelName() {
        return name;
      }

      @Override
      public int dimension() {
        return DIM;
      }

      @Override
      public TextEmbedder open(int threads) {
        return opener.apply(threads);
      }
    };
  }

  /** Bag of hashed words, normalised: similar word sets give similar vectors, deterministically. */
  static final EmbeddingModelSpec BAG_OF_WORDS =
      spec(
          "test:bag-of-words:1",
          threads ->
              new TextEmbedder() {
                @Override
                public float[][] embed(List<String> texts) {
                  float[][] out = new float[texts.size()][DIM];
                  for (int t = 0; t < texts.size(); t++) {
                    for (String word : texts.get(t).split(" ")) {
                      out[t][Math.floorMod(word.hashCode(), DIM)] += 1;
                    }
                    float norm = (float) Math.sqrt(ExactNeighbors.dot(out[t], out[t]));
                    for (int i = 0; i < DIM; i++) {
                      out[t][i] /= norm;
                    }
                  }
                  return out;
                }

                @Override
                public void close() {}
              });

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Path wordnet;
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

  @Before
  public void makeWordNet() throws IOException {
    wordnet = tmp.newFolder("wordnet").toPath();
    int offset = 1740;
    for (String file : WordNetGlosses.DATA_FILES) {
      StringBuilder data =
          new StringBuilder(TestWordNetGlosses.DATA_NOUN_EXCERPT.substring(0, 150));
      data.append("  \n");
      for (int i = 0; i < 60; i++) {
        int n = file.hashCode() * 31 + i;
        String gloss =
            WORDS[Math.floorMod(n, 20)]
                + " "
                + WORDS[Math.floorMod(n / 7, 20)]
                + " "
                + WORDS[Math.floorMod(n / 49, 20)]
                + " number "
                + i
                + " in "
                + file;
        data.append(
            String.format(Locale.ROOT, "%08d 03 n 01 word%d 0 000 | %s  %n", offset++, i, gloss));
        if (i % 10 == 0) {
          data.append(
              String.format(
                  Locale.ROOT,
                  "%08d 03 n 01 same%d 0 000 | %s  %n",
                  offset++,
                  i,
                  gloss)); // duplicate
          data.append(
              String.format(
                  Locale.ROOT, "%08d 03 n 01 short%d 0 000 | too short  %n", offset++, i));
        }
      }
      Files.writeString(wordnet.resolve(file), data.toString());
    }
  }

  private DatasetSettings settings(Path out, int base, boolean force) {
    return new DatasetSettings(wordnet, out, 12, base, 42L, 10, 3, 2, 7, force);
  }

  private boolean generate(DatasetSettings settings) throws Exception {
    return new WordNetDatasetGenerator(settings, BAG_OF_WORDS, log).generate();
  }

  @Test
  public void writesTheDataSetThenLeavesItAlone() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out");
    assertTrue(generate(settings(out, 150, false)));

    List<String> queries = Files.readAllLines(out.resolve("queries.txt"));
    List<String> base = Files.readAllLines(out.resolve("base.txt"));
    assertEquals(12, queries.size());
    assertEquals(150, base.size());
    Set<String> baseSet = new HashSet<>(base);
    assertEquals(150, baseSet.size());
    for (String query : queries) {
      assertFalse(baseSet.contains(query));
      assertFalse(query.equals("too short"));
    }

    float[][] queryVectors = TexmexFiles.readFvecs(out.resolve("queries.fvecs"));
    float[][] baseVectors = TexmexFiles.readFvecs(out.resolve("base.fvecs"));
    int[][] truth = TexmexFiles.readIvecs(out.resolve("truth.ivecs"));
    assertEquals(12, queryVectors.length);
    assertEquals(150, baseVectors.length);
    assertEquals(DIM, baseVectors[0].length);
    // Lines and vectors are in the same order: each vector is its line's embedding.
    try (TextEmbedder embedder = BAG_OF_WORDS.open(1)) {
      assertArrayEquals(embedder.embed(List.of(base.get(17)))[0], baseVectors[17], 0f);
      assertArrayEquals(embedder.embed(List.of(queries.get(5)))[0], queryVectors[5], 0f);
    }
    int[][] expected = ExactNeighbors.topK(baseVectors, queryVectors, 10, 1);
    assertEquals(12, truth.length);
    for (int q = 0; q < truth.length; q++) {
      assertArrayEquals(expected[q], truth[q]);
    }

    DatasetInfo info = DatasetInfo.read(out.resolve("info.txt"));
    assertEquals("wordnet-minilm", info.get("name"));
    assertEquals("150", info.get("base"));
    assertEquals("12", info.get("queries"));
    assertEquals("10", info.get("truth.k"));
    assertEquals("16", info.get("dimension"));
    assertEquals("COSINE", info.get("similarity"));
    assertEquals("true", info.get("unit.length"));
    assertEquals("test:bag-of-words:1", info.get("model"));
    assertEquals("wordnet-base", info.get("source.package"));
    assertEquals(
        "4 files x (60 glosses + 6 copies + 6 short)",
        Integer.toString(4 * (60 + 6 + 6)),
        info.get("source.glosses"));
    assertEquals(Integer.toString(4 * 60), info.get("source.glosses.distinct"));

    // each base text's part of speech: the made-up glosses name the file they come from
    List<String> labels = Files.readAllLines(out.resolve("base.labels"));
    assertEquals(150, labels.size());
    Map<String, String> fileOfPart =
        Map.of(
            "noun",
            "data.noun",
            "verb",
            "data.verb",
            "adjective",
            "data.adj",
            "adverb",
            "data.adv");
    for (int i = 0; i < base.size(); i++) {
      assertTrue(
          base.get(i) + ": " + labels.get(i),
          base.get(i).endsWith(" in " + fileOfPart.get(labels.get(i))));
    }
    assertEquals(4, new HashSet<>(labels).size());

    byte[] baseBytes = Files.readAllBytes(out.resolve("base.fvecs"));
    String infoText = Files.readString(out.resolve("info.txt"));
    logBytes.reset();
    assertFalse("second run must do nothing", generate(settings(out, 150, false)));
    assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("nothing to do"));
    assertArrayEquals(baseBytes, Files.readAllBytes(out.resolve("base.fvecs")));
    assertEquals(infoText, Files.readString(out.resolve("info.txt")));
    try (var files = Files.list(out)) {
      assertEquals("no temporary files left", 7, files.count());
    }
  }

  @Test
  public void regeneratesWhenSizesDifferOrFilesAreDamagedOrForced() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out");
    assertTrue(generate(settings(out, 100, false)));
    assertTrue("another base size", generate(settings(out, 120, false)));
    assertEquals(120, TexmexFiles.readFvecs(out.resolve("base.fvecs")).length);
    assertEquals("120", DatasetInfo.read(out.resolve("info.txt")).get("base"));

    byte[] bytes = Files.readAllBytes(out.resolve("base.fvecs"));
    Files.write(out.resolve("base.fvecs"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
    assertTrue("truncated base", generate(settings(out, 120, false)));
    assertArrayEquals(bytes, Files.readAllBytes(out.resolve("base.fvecs")));

    assertFalse(generate(settings(out, 120, false)));
    assertTrue("forced", generate(settings(out, 120, true)));
  }

  @Test
  public void writesMissingLabelsWithoutEmbeddingAgain() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out");
    assertTrue(generate(settings(out, 100, false)));
    byte[] labels = Files.readAllBytes(out.resolve("base.labels"));
    byte[] baseBytes = Files.readAllBytes(out.resolve("base.fvecs"));
    Files.delete(out.resolve("base.labels"));
    // a model that fails when asked: nothing may be embedded again
    EmbeddingModelSpec refusing =
        spec(
            BAG_OF_WORDS.modelName(),
            threads -> {
              throw new AssertionError("embedded again");
            });
    logBytes.reset();
    assertTrue(new WordNetDatasetGenerator(settings(out, 100, false), refusing, log).generate());
    assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("missing base.labels"));
    assertArrayEquals(labels, Files.readAllBytes(out.resolve("base.labels")));
    assertArrayEquals(baseBytes, Files.readAllBytes(out.resolve("base.fvecs")));

    // a labels file of the wrong length is written again too
    Files.writeString(out.resolve("base.labels"), "noun\n");
    assertTrue(new WordNetDatasetGenerator(settings(out, 100, false), refusing, log).generate());
    assertArrayEquals(labels, Files.readAllBytes(out.resolve("base.labels")));
    assertFalse(new WordNetDatasetGenerator(settings(out, 100, false), refusing, log).generate());
  }

  @Test
  public void baseTextMissingFromWordNetIsNamed() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out");
    assertTrue(generate(settings(out, 100, false)));
    List<String> base = Files.readAllLines(out.resolve("base.txt"));
    base.set(41, "a gloss of no data file");
    Files.write(out.resolve("base.txt"), base);
    Files.delete(out.resolve("base.labels"));
    IOException e =
        org.junit.Assert.assertThrows(IOException.class, () -> generate(settings(out, 100, false)));
    assertTrue(e.getMessage(), e.getMessage().contains("base.txt line 42"));
    assertTrue(e.getMessage(), e.getMessage().contains("a gloss of no data file"));
    assertFalse(Files.exists(out.resolve("base.labels")));
  }

  @Test
  public void sameSettingsGiveIdenticalFiles() throws Exception {
    Path a = tmp.getRoot().toPath().resolve("a");
    Path b = tmp.getRoot().toPath().resolve("b");
    assertTrue(generate(settings(a, 150, false)));
    assertTrue(generate(settings(b, 150, false)));
    for (String name :
        List.of(
            "base.fvecs",
            "queries.fvecs",
            "truth.ivecs",
            "base.txt",
            "queries.txt",
            "base.labels")) {
      assertArrayEquals(
          name, Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)));
    }
  }

  @Test
  public void missingWordNetSaysWhatToInstall() throws Exception {
    Files.delete(wordnet.resolve("data.adv"));
    Path out = tmp.getRoot().toPath().resolve("out");
    IOException e =
        org.junit.Assert.assertThrows(IOException.class, () -> generate(settings(out, 100, false)));
    assertTrue(e.getMessage(), e.getMessage().contains("apt-get install wordnet-base"));
  }
}
