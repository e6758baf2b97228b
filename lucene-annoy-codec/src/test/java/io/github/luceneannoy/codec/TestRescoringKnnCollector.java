package io.github.luceneannoy.codec;

import java.io.IOException;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

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
      assertEquals("after " + (ord + 1), Float.NEGATIVE_INFINITY, rescoring.minCompetitiveSimilarity(), 0f);
    }
    rescoring.collect(5, 15);
    assertEquals(10f, rescoring.minCompetitiveSimilarity(), 0f);
    rescoring.collect(6, 30);
    assertEquals(11f, rescoring.minCompetitiveSimilarity(), 0f);
    assertEquals("the final hits do not move", Float.NEGATIVE_INFINITY, out.minCompetitiveSimilarity(), 0f);
  }
}
