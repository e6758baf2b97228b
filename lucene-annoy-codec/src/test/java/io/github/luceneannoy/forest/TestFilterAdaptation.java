package io.github.luceneannoy.forest;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import io.github.luceneannoy.forest.ForestTestUtil.CountingScorer;
import java.io.IOException;
import java.util.Random;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * A filter whose documents sit away from the query (a category the query is not in): the leaves
 * near the query accept few vectors, and the search must notice it and spend more, or scan.
 */
public class TestFilterAdaptation extends LuceneTestCase {
  private static final int N = 8000;
  private static final int DIM = 16;
  private static final int K = 10;

  public void testFarFilterKeepsRecall() throws IOException {
    Random random = new Random(random().nextLong());
    // ten clusters; the filter takes one of them, the queries come from the others
    float[][] centres = ForestTestUtil.gaussianVectors(random, 10, DIM);
    int[] cluster = new int[N];
    float[][] vectors = new float[N][DIM];
    for (int i = 0; i < N; i++) {
      cluster[i] = random.nextInt(10);
      for (int d = 0; d < DIM; d++) {
        vectors[i][d] = 4 * centres[cluster[i]][d] + (float) random.nextGaussian();
      }
    }
    FixedBitSet accept = new FixedBitSet(N);
    boolean[] accepted = new boolean[N];
    for (int i = 0; i < N; i++) {
      if (cluster[i] == 0) {
        accept.set(i);
        accepted[i] = true;
      }
    }
    OnHeapForest forest = new ForestBuilder(SplitRule.EUCLIDEAN, 16, 16, 0, random.nextLong())
        .build(new ArrayVectorSource(vectors));
    double adaptive = 0;
    long adaptiveScores = 0;
    int queries = 30;
    int budget = 3 * K;
    for (int q = 0; q < queries; q++) {
      float[] query = vectors[random.nextInt(N)].clone();
      while (true) {
        int source = random.nextInt(N);
        if (cluster[source] != 0) {
          query = vectors[source].clone();
          break;
        }
      }
      int[] expected = ForestTestUtil.bruteForceTopK(vectors, query, K, accepted);
      TopKnnCollector told = new TopKnnCollector(K, Integer.MAX_VALUE);
      new ForestSearcher().search(forest, query, new CountingScorer(vectors, query, ForestTestUtil.EUCLIDEAN),
          told, accept, budget, accept.cardinality());
      adaptiveScores += told.visitedCount();
      adaptive += recall(expected, told);
    }
    adaptive /= queries;
    if (VERBOSE) {
      System.out.println("far filter: recall " + adaptive + " with " + adaptiveScores / queries + " scores/query");
    }
    assertTrue("adaptive recall " + adaptive, adaptive >= 0.95);
    // leaves near the queries accept few of the filter's vectors: the search spent more than its
    // base budget (a raised budget, or an exact scan of the filter's vectors)
    assertTrue(adaptiveScores + " scores", adaptiveScores > (long) budget * queries);
  }

  public void testUnfilteredBudgetIsUnchanged() throws IOException {
    Random random = new Random(random().nextLong());
    float[][] vectors = ForestTestUtil.gaussianVectors(random, 3000, DIM);
    OnHeapForest forest = new ForestBuilder(SplitRule.EUCLIDEAN, 8, 16, 0, random.nextLong())
        .build(new ArrayVectorSource(vectors));
    FixedBitSet all = new FixedBitSet(vectors.length);
    all.set(0, vectors.length);
    TopKnnCollector collector = new TopKnnCollector(K, Integer.MAX_VALUE);
    float[] query = vectors[7];
    new ForestSearcher().search(forest, query, new CountingScorer(vectors, query, ForestTestUtil.EUCLIDEAN),
        collector, all, 20 * K, vectors.length);
    assertEquals("an accept-all filter is read at its own rate: no boost", 20L * K, collector.visitedCount());
  }

  private static double recall(int[] expected, TopKnnCollector collector) {
    ScoreDoc[] hits = collector.topDocs().scoreDocs;
    int found = 0;
    for (int e : expected) {
      for (ScoreDoc hit : hits) {
        if (hit.doc == e) {
          found++;
          break;
        }
      }
    }
    return (double) found / expected.length;
  }
}
