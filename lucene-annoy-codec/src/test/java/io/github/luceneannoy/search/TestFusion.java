package io.github.luceneannoy.search;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.junit.Test;

/** Fusion of tiny ranked lists whose fused scores are worked out by hand in the comments. */
public class TestFusion {

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

  @Test
  public void rrfWithTheDefaultConstant() {
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

  @Test
  public void rrfConstantChangesTheOrder() {
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

  @Test
  public void linearBlendOfMinMaxNormalisedScores() {
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
    assertArrayEquals(new int[] {1, 2, 3, 4}, docs(new LinearScoreFusion(1, 0).fuse(4, TEXT, VECTOR)));
  }

  @Test
  public void linearBlendGivesEqualScoresFullWeight() {
    TopDocs flat = list(new int[] {5, 6}, new float[] {3, 3});
    TopDocs fused = new LinearScoreFusion(2).fuse(2, flat);
    assertEquals(2, fused.scoreDocs[0].score, 0);
    assertEquals(2, fused.scoreDocs[1].score, 0);
  }

  @Test
  public void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ReciprocalRankFusion(-1));
    assertThrows(IllegalArgumentException.class, () -> new LinearScoreFusion());
    assertThrows(IllegalArgumentException.class, () -> new LinearScoreFusion(-0.5));
    assertThrows(IllegalArgumentException.class, () -> new LinearScoreFusion(Double.NaN));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new LinearScoreFusion(1).fuse(3, TEXT, VECTOR));
    assertEquals("1 weights for 2 lists", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ReciprocalRankFusion().fuse(0, TEXT));
  }

  @Test
  public void emptyListsFuseToNothing() {
    TopDocs empty = list(new int[0], new float[0]);
    assertEquals(0, new ReciprocalRankFusion().fuse(5, empty, empty).scoreDocs.length);
    assertEquals(0, new LinearScoreFusion(1, 1).fuse(5, empty, empty).scoreDocs.length);
  }
}
