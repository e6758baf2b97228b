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
package io.github.luceneannoy.search;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Fusion of tiny ranked lists whose fused scores are worked out by hand in the comments, and of
 * random lists checked against the definitions.
 */
public class TestFusion extends LuceneTestCase {

  /** A ranked list: docs best first, with the given scores. */
  private static TopDocs list(int[] docs, float[] scores) {
    ScoreDoc[] scoreDocs = new ScoreDoc[docs.length];
    for (int i = 0; i < docs.length; i++) {
      scoreDocs[i] = new ScoreDoc(docs[i], scores[i]);
    }
    return new TopDocs(new TotalHits(docs.length, TotalHits.Relation.EQUAL_TO), scoreDocs);
  }

  private static int[] docs(TopDocs top) {
    int[] docs = new int[top.scoreDocs.length];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = top.scoreDocs[i].doc;
    }
    return docs;
  }

  // text ranks 1, 2, 3; vector ranks 3, 1, 4 (scores are irrelevant to RRF)
  private static final TopDocs TEXT = list(new int[] {1, 2, 3}, new float[] {9, 5, 1});
  private static final TopDocs VECTOR = list(new int[] {3, 1, 4}, new float[] {0.9f, 0.8f, 0.1f});

  public void testRrfWithTheDefaultConstant() {
    // 1: 1/61 + 1/62 = 0.0325225...   3: 1/63 + 1/61 = 0.0322664...
    // 2: 1/62 = 0.0161290...          4: 1/63 = 0.0158730...
    TopDocs fused = new ReciprocalRankFusion().fuse(10, TEXT, VECTOR);
    assertArrayEquals(new int[] {1, 3, 2, 4}, docs(fused));
    assertEquals(1.0 / 61 + 1.0 / 62, fused.scoreDocs[0].score, 1e-7);
    assertEquals(1.0 / 63 + 1.0 / 61, fused.scoreDocs[1].score, 1e-7);
    assertEquals(1.0 / 62, fused.scoreDocs[2].score, 1e-7);
    assertEquals(1.0 / 63, fused.scoreDocs[3].score, 1e-7);
    assertEquals(4, fused.totalHits.value);
  }

  public void testRrfConstantChangesTheOrder() {
    // c = 0: 1: 1/1 + 1/2 = 1.5, 3: 1/3 + 1/1 = 1.333, 2: 1/2 = 0.5, 4: 1/3 = 0.333
    TopDocs fused = new ReciprocalRankFusion(0).fuse(2, TEXT, VECTOR);
    assertArrayEquals(new int[] {1, 3}, docs(fused));
    assertEquals(1.5, fused.scoreDocs[0].score, 1e-6);
    assertEquals(4.0 / 3, fused.scoreDocs[1].score, 1e-6);
    // a large constant flattens ranks: a document in both lists beats one first in a single list
    TopDocs a = list(new int[] {7, 8}, new float[] {2, 1});
    TopDocs b = list(new int[] {9, 8}, new float[] {2, 1});
    // c = 0: 7: 1, 9: 1, 8: 1/2 + 1/2 = 1 (a three-way tie, broken by doc id)
    assertArrayEquals(new int[] {7, 8, 9}, docs(new ReciprocalRankFusion(0).fuse(3, a, b)));
    // c = 1: 7: 1/2, 9: 1/2, 8: 1/3 + 1/3 = 2/3
    assertArrayEquals(new int[] {8, 7, 9}, docs(new ReciprocalRankFusion(1).fuse(3, a, b)));
  }

  public void testLinearBlendOfMinMaxNormalisedScores() {
    // text normalised: 1 -> 1, 2 -> (5-1)/8 = 0.5, 3 -> 0
    // vector normalised: 3 -> 1, 1 -> (0.8-0.1)/0.8 = 0.875, 4 -> 0
    // weights 0.25 text, 0.75 vector:
    // 1: 0.25 + 0.75*0.875 = 0.90625; 3: 0 + 0.75 = 0.75; 2: 0.125; 4: 0
    TopDocs fused = new LinearScoreFusion(0.25, 0.75).fuse(10, TEXT, VECTOR);
    assertArrayEquals(new int[] {1, 3, 2, 4}, docs(fused));
    assertEquals(0.90625, fused.scoreDocs[0].score, 1e-6);
    assertEquals(0.75, fused.scoreDocs[1].score, 1e-6);
    assertEquals(0.125, fused.scoreDocs[2].score, 1e-6);
    assertEquals(0, fused.scoreDocs[3].score, 1e-6);
    // all the weight on text gives text's order, the vector-only doc last
    assertArrayEquals(
        new int[] {1, 2, 3, 4}, docs(new LinearScoreFusion(1, 0).fuse(4, TEXT, VECTOR)));
  }

  public void testLinearBlendGivesEqualScoresFullWeight() {
    TopDocs flat = list(new int[] {5, 6}, new float[] {3, 3});
    TopDocs fused = new LinearScoreFusion(2).fuse(2, flat);
    assertEquals(2, fused.scoreDocs[0].score, 0);
    assertEquals(2, fused.scoreDocs[1].score, 0);
  }

  public void testBadArgumentsAreRefused() {
    expectThrows(IllegalArgumentException.class, () -> new ReciprocalRankFusion(-1));
    expectThrows(IllegalArgumentException.class, () -> new LinearScoreFusion());
    expectThrows(IllegalArgumentException.class, () -> new LinearScoreFusion(-0.5));
    expectThrows(IllegalArgumentException.class, () -> new LinearScoreFusion(Double.NaN));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new LinearScoreFusion(1).fuse(3, TEXT, VECTOR));
    assertEquals("1 weights for 2 lists", e.getMessage());
    expectThrows(IllegalArgumentException.class, () -> new ReciprocalRankFusion().fuse(0, TEXT));
  }

  public void testEmptyListsFuseToNothing() {
    TopDocs empty = list(new int[0], new float[0]);
    assertEquals(0, new ReciprocalRankFusion().fuse(5, empty, empty).scoreDocs.length);
    assertEquals(0, new LinearScoreFusion(1, 1).fuse(5, empty, empty).scoreDocs.length);
  }

  /** Random lists: each fused score is the definition's sum, and the ranking is best first. */
  public void testRandomListsAgainstTheDefinitions() {
    for (int iter = 0; iter < atLeast(20); iter++) {
      int lists = 1 + random().nextInt(4);
      TopDocs[] ranked = new TopDocs[lists];
      double[] weights = new double[lists];
      for (int l = 0; l < lists; l++) {
        ranked[l] = randomList(random().nextInt(12));
        weights[l] = random().nextInt(4) == 0 ? 0 : random().nextDouble() * 3;
      }
      int constant = random().nextInt(100);
      Map<Integer, Double> rrf = new HashMap<>();
      Map<Integer, Double> linear = new HashMap<>();
      for (int l = 0; l < lists; l++) {
        ScoreDoc[] docs = ranked[l].scoreDocs;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (ScoreDoc doc : docs) {
          min = Math.min(min, doc.score);
          max = Math.max(max, doc.score);
        }
        for (int rank = 0; rank < docs.length; rank++) {
          rrf.merge(docs[rank].doc, 1.0 / (constant + rank + 1), Double::sum);
          double normalised = max > min ? (docs[rank].score - min) / (max - min) : 1;
          linear.merge(docs[rank].doc, weights[l] * normalised, Double::sum);
        }
      }
      int topN = 1 + random().nextInt(15);
      assertFused(rrf, topN, new ReciprocalRankFusion(constant).fuse(topN, ranked));
      assertFused(linear, topN, new LinearScoreFusion(weights).fuse(topN, ranked));
    }
  }

  /** A list of distinct random docs with decreasing scores. */
  private static TopDocs randomList(int length) {
    Set<Integer> seen = new HashSet<>();
    int[] docs = new int[length];
    float[] scores = new float[length];
    float score = random().nextFloat() * 10;
    for (int i = 0; i < length; i++) {
      int doc;
      do {
        doc = random().nextInt(20);
      } while (seen.add(doc) == false);
      docs[i] = doc;
      scores[i] = score;
      // equal scores now and then
      score -= random().nextInt(3) == 0 ? 0 : random().nextFloat();
    }
    return list(docs, scores);
  }

  private static void assertFused(Map<Integer, Double> expected, int topN, TopDocs fused) {
    assertEquals(expected.size(), fused.totalHits.value);
    assertEquals(Math.min(topN, expected.size()), fused.scoreDocs.length);
    for (int i = 0; i < fused.scoreDocs.length; i++) {
      ScoreDoc doc = fused.scoreDocs[i];
      assertEquals(expected.get(doc.doc), doc.score, 1e-5);
      if (i > 0) {
        // ranked by the exact sums (the same additions in the same order), ties by doc id
        int previous = fused.scoreDocs[i - 1].doc;
        double before = expected.get(previous);
        double now = expected.get(doc.doc);
        assertTrue(
            "best first, ties by doc id", before > now || (before == now && previous < doc.doc));
      }
    }
    // nothing left out scores better than the last kept
    if (fused.scoreDocs.length > 0) {
      ScoreDoc last = fused.scoreDocs[fused.scoreDocs.length - 1];
      Set<Integer> kept = new HashSet<>();
      for (ScoreDoc doc : fused.scoreDocs) {
        kept.add(doc.doc);
      }
      for (Map.Entry<Integer, Double> e : expected.entrySet()) {
        if (kept.contains(e.getKey()) == false) {
          assertTrue(e + " beats the last hit " + last, e.getValue() <= last.score + 1e-5);
        }
      }
    }
  }
}
