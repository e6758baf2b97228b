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
package io.github.luceneannoy.codec;

import java.io.IOException;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/** The collector between a search over quantized scores and the final hits. */
public class TestRescoringKnnCollector extends LuceneTestCase {

  /** Exact score of ordinal {@code ord}: its value, so the best ordinals are the largest. */
  private static final RandomVectorScorer EXACT =
      new RandomVectorScorer.AbstractRandomVectorScorer(null) {
        @Override
        public float score(int ord) {
          return ord;
        }

        @Override
        public int maxOrd() {
          return 100;
        }
      };

  public void testKeepsFactorTimesKByQuantizedScoreAndRanksThemExactly() throws IOException {
    TopKnnCollector out = new TopKnnCollector(2, 1000);
    RescoringKnnCollector rescoring = new RescoringKnnCollector(out, EXACT, 3);
    // quantized scores favour small ordinals; the exact ones favour large ordinals
    for (int ord = 0; ord < 20; ord++) {
      rescoring.incVisitedCount(1);
      rescoring.collect(ord, 100 - ord);
    }
    assertEquals("nothing reaches the hits before re-scoring", 0, out.topDocs().scoreDocs.length);
    assertEquals(20, out.visitedCount());
    rescoring.rescore();
    ScoreDoc[] hits = out.topDocs().scoreDocs;
    // the 6 kept by quantized score are ordinals 0..5; exact scores rank 5 and 4 first
    assertEquals(2, hits.length);
    assertEquals(5, hits[0].doc);
    assertEquals(5f, hits[0].score, 0f);
    assertEquals(4, hits[1].doc);
    assertEquals(20, out.visitedCount());
  }

  public void testForwardsTheVisitLimit() {
    KnnCollector out = new TopKnnCollector(5, 3);
    RescoringKnnCollector rescoring = new RescoringKnnCollector(out, EXACT, 2);
    assertEquals(5, rescoring.k());
    assertEquals(3, rescoring.visitLimit());
    rescoring.incVisitedCount(2);
    assertFalse(rescoring.earlyTerminated());
    rescoring.incVisitedCount(1);
    assertTrue(rescoring.earlyTerminated());
  }

  /** The bar is that of the kept candidates, in quantized scores: open until they are full. */
  public void testCompetitiveScoreIsTheKeptCandidatesBar() {
    KnnCollector out = new TopKnnCollector(2, Integer.MAX_VALUE);
    RescoringKnnCollector rescoring = new RescoringKnnCollector(out, EXACT, 3);
    for (int ord = 0; ord < 5; ord++) {
      rescoring.collect(ord, 10 + ord);
      assertEquals(
          "after " + (ord + 1), Float.NEGATIVE_INFINITY, rescoring.minCompetitiveSimilarity(), 0f);
    }
    rescoring.collect(5, 15);
    assertEquals(10f, rescoring.minCompetitiveSimilarity(), 0f);
    rescoring.collect(6, 30);
    assertEquals(11f, rescoring.minCompetitiveSimilarity(), 0f);
    assertEquals(
        "the final hits do not move", Float.NEGATIVE_INFINITY, out.minCompetitiveSimilarity(), 0f);
  }

  /**
   * Random candidates with distinct quantized and exact scores: the hits are the best {@code k} by
   * exact score among the best {@code factor·k} by quantized score, with their exact scores.
   */
  public void testRandomCandidatesAgainstTheDefinition() throws IOException {
    for (int iter = 0; iter < atLeast(50); iter++) {
      int size = random().nextInt(300);
      int k = 1 + random().nextInt(10);
      int factor = 1 + random().nextInt(5);
      float[] quantized = distinctScores(size);
      float[] exact = distinctScores(size);
      RandomVectorScorer scorer =
          new RandomVectorScorer.AbstractRandomVectorScorer(null) {
            @Override
            public float score(int ord) {
              return exact[ord];
            }

            @Override
            public int maxOrd() {
              return size;
            }
          };
      TopKnnCollector out = new TopKnnCollector(k, Integer.MAX_VALUE);
      RescoringKnnCollector rescoring = new RescoringKnnCollector(out, scorer, factor);
      // collected in random order, as a search finds them
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      java.util.Collections.shuffle(java.util.Arrays.asList(order), random());
      for (int ord : order) {
        rescoring.incVisitedCount(1);
        rescoring.collect(ord, quantized[ord]);
      }
      assertEquals(size, out.visitedCount());
      rescoring.rescore();

      Integer[] byQuantized = order.clone();
      java.util.Arrays.sort(byQuantized, (a, b) -> Float.compare(quantized[b], quantized[a]));
      Integer[] kept = java.util.Arrays.copyOf(byQuantized, Math.min(size, k * factor));
      java.util.Arrays.sort(kept, (a, b) -> Float.compare(exact[b], exact[a]));
      ScoreDoc[] hits = out.topDocs().scoreDocs;
      assertEquals(Math.min(k, kept.length), hits.length);
      for (int i = 0; i < hits.length; i++) {
        assertEquals(kept[i].intValue(), hits[i].doc);
        assertEquals(exact[kept[i]], hits[i].score, 0f);
      }
    }
  }

  /** {@code size} distinct scores in random order. */
  private static float[] distinctScores(int size) {
    java.util.List<Float> values = new java.util.ArrayList<>();
    for (int i = 0; i < size; i++) {
      values.add(i * 0.5f - 40);
    }
    java.util.Collections.shuffle(values, random());
    float[] scores = new float[size];
    for (int i = 0; i < size; i++) {
      scores[i] = values.get(i);
    }
    return scores;
  }
}
