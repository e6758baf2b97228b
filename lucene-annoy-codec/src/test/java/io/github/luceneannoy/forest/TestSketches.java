package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.lucene.tests.util.LuceneTestCase;

/** Sketches: encoding, the estimate's ranking and early exit, angular sketches, the builder's policy. */
public class TestSketches extends LuceneTestCase {

  public void testEncodingRoundsWithinHalfAStepAndClampsOutside() {
    SketchBook book = new SketchBook(new float[] {10f, -2f}, new float[] {0.5f, 0.01f});
    byte[] code = new byte[2];
    Random random = random();
    for (int i = 0; i < 1000; i++) {
      float[] p = {10f + (random.nextFloat() * 2 - 1) * 63f, -2f + (random.nextFloat() * 2 - 1) * 1.27f};
      book.encode(p, code);
      for (int c = 0; c < 2; c++) {
        double decoded = book.center(c) + (double) book.step(c) * code[c];
        assertEquals("coordinate " + c + " of " + Arrays.toString(p), p[c], decoded, book.step(c) / 2 + 1e-5);
      }
    }
    book.encode(new float[] {1e6f, -1e6f}, code);
    assertEquals(SketchBook.LEVELS, code[0]);
    assertEquals(-SketchBook.LEVELS, code[1]);
  }

  public void testBookRefusesStepsThatCannotDecode() {
    expectThrows(IllegalArgumentException.class, () -> new SketchBook(new float[] {0}, new float[] {0}));
    expectThrows(IllegalArgumentException.class, () -> new SketchBook(new float[] {0}, new float[] {Float.NaN}));
    expectThrows(IllegalArgumentException.class, () -> new SketchBook(new float[] {0, 1}, new float[] {1}));
  }

  public void testProjectionIsTheDotProductWithEachRow() throws IOException {
    Random random = random();
    float[][] vectors = ForestTestUtil.gaussianVectors(random, 64, 97);
    for (float[] v : vectors) {
      // zero coordinates are skipped by the column-wise projection: make some
      for (int i = 0; i < v.length; i += 1 + random.nextInt(4)) {
        v[i] = 0;
      }
    }
    Projection projection = Projection.learn(source(vectors), 1 + random.nextInt(40), random.nextLong());
    float[] out = new float[projection.rows()];
    for (float[] v : vectors) {
      projection.project(v, out);
      for (int r = 0; r < projection.rows(); r++) {
        double dot = 0;
        double magnitude = 0;
        for (int c = 0; c < v.length; c++) {
          dot += (double) projection.get(r, c) * v[c];
          magnitude += Math.abs((double) projection.get(r, c) * v[c]);
        }
        assertEquals("row " + r, dot, out[r], 1e-5 * magnitude + 1e-6);
      }
    }
  }

  /**
   * On data whose variance lies mostly in a few directions, the candidates best ranked by their
   * sketches hold the true nearest neighbours: what lets the searcher score one in eight.
   */
  public void testEstimatesRankTrueNeighboursFirst() throws IOException {
    for (SplitRule rule : new SplitRule[] {SplitRule.EUCLIDEAN, SplitRule.ANGULAR}) {
      Random random = random();
      int dim = 96;
      float[][] vectors = lowRankVectors(random, 3000, dim, 12);
      Projection projection = Projection.learn(source(vectors), 32, random.nextLong()).withSplitRows(8);
      float[][] split = new float[vectors.length][];
      OnHeapSketches sketches = OnHeapSketches.build(rule, source(vectors), projection, split);
      ForestTestUtil.Similarity exact =
          rule == SplitRule.ANGULAR ? TestSketches::cosine : ForestTestUtil::euclideanScore;
      double found = 0;
      int queries = 30;
      for (int q = 0; q < queries; q++) {
        float[] query = lowRankVectors(random, 1, dim, 12)[0];
        int[] truth = ForestTestUtil.bruteForceTopK(vectors, query, 10, null, exact);
        SketchScorer scorer = new SketchScorer(sketches, query, projection.project(query, new float[32]));
        float[] estimates = new float[vectors.length];
        for (int ord = 0; ord < vectors.length; ord++) {
          estimates[ord] = scorer.distance(ord);
        }
        Integer[] order = IntStream.range(0, vectors.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(o -> estimates[o]));
        int[] best = Arrays.stream(order, 0, 40).mapToInt(Integer::intValue).toArray();
        for (int t : truth) {
          if (IntStream.of(best).anyMatch(b -> b == t)) {
            found++;
          }
        }
      }
      double recall = found / (queries * 10.0);
      // measured 0.99-1.0; estimates of random order would find 40/3000 of them
      assertTrue(rule + ": recall of the top 40 estimates " + recall, recall >= 0.9);
    }
  }

  /**
   * The estimate is computed as a dot product with stored norms; it must equal the formula it
   * stands for, evaluated directly: the squared distance from the projected query to the vector
   * the code stands for, plus the residual terms.
   */
  public void testEstimateIsTheDistanceToTheDecodedSketch() throws IOException {
    Random random = random();
    float[][] vectors = lowRankVectors(random, 500, 80, 8);
    Projection projection = Projection.learn(source(vectors), 39, random.nextLong()).withSplitRows(10);
    OnHeapSketches sketches =
        OnHeapSketches.build(SplitRule.EUCLIDEAN, source(vectors), projection, new float[vectors.length][]);
    SketchBook book = sketches.book();
    float[] query = lowRankVectors(random, 1, 80, 8)[0];
    float[] projected = projection.project(query, new float[39]);
    SketchScorer scorer = new SketchScorer(sketches, query, projected);
    double queryNormSq = Sketcher.squaredNorm(query);
    double projectedNormSq = 0;
    for (float p : projected) {
      projectedNormSq += (double) p * p;
    }
    double queryResidual = Math.sqrt(Math.max(0, queryNormSq - projectedNormSq));
    for (int ord = 0; ord < vectors.length; ord++) {
      double decodedNormSq = 0;
      double squared = 0;
      for (int c = 0; c < book.dimension(); c++) {
        double decoded = book.center(c) + (double) book.step(c) * sketches.code(ord, c);
        decodedNormSq += decoded * decoded;
        squared += (projected[c] - decoded) * (projected[c] - decoded);
      }
      assertEquals(decodedNormSq, sketches.decodedSquaredNorm(ord), 1e-4 * decodedNormSq);
      double r = sketches.residual(ord);
      double expected = squared + r * (r - 2 * SketchScorer.RESIDUAL_CORRELATION * queryResidual);
      assertEquals("ordinal " + ord, expected, scorer.distance(ord), 1e-3 * (1 + queryNormSq));
    }
  }

  public void testAngularSketchesDescribeDirectionsOnly() throws IOException {
    Random random = random();
    float[][] vectors = lowRankVectors(random, 200, 70, 6);
    float[][] scaled = ForestTestUtil.deepCopy(vectors);
    for (int i = 0; i < scaled.length; i += 2) {
      for (int d = 0; d < scaled[i].length; d++) {
        scaled[i][d] *= 8;
      }
    }
    Projection projection = Projection.learn(source(vectors), 20, 7).withSplitRows(5);
    OnHeapSketches a = OnHeapSketches.build(SplitRule.ANGULAR, source(vectors), projection, new float[200][]);
    OnHeapSketches b = OnHeapSketches.build(SplitRule.ANGULAR, source(scaled), projection, new float[200][]);
    float[] query = vectors[3];
    float[] projected = projection.project(query, new float[20]);
    float[] scaledQuery = query.clone();
    for (int d = 0; d < scaledQuery.length; d++) {
      scaledQuery[d] *= 0.1f;
    }
    SketchScorer sa = new SketchScorer(a, query, projected);
    SketchScorer sb = new SketchScorer(b, scaledQuery, projection.project(scaledQuery, new float[20]));
    for (int ord = 0; ord < vectors.length; ord++) {
      assertEquals("ordinal " + ord, sa.distance(ord), sb.distance(ord), 1e-3f * (1 + Math.abs(sa.distance(ord))));
    }
  }

  public void testBuilderSketchesLargeProjectedFieldsOnly() throws IOException {
    Random random = random();
    ForestBuilder builder = new ForestBuilder(SplitRule.EUCLIDEAN, 2, 64, 8, 24, random.nextLong());
    assertFalse(builder.sketches(ForestBuilder.SKETCH_MIN_VECTORS - 1));
    assertTrue(builder.sketches(ForestBuilder.SKETCH_MIN_VECTORS));
    assertNull(builder.build(source(lowRankVectors(random, 1000, 40, 4))).sketches());
    OnHeapForest large = builder.build(source(lowRankVectors(random, ForestBuilder.SKETCH_MIN_VECTORS, 40, 4)));
    assertNotNull(large.sketches());
    // 24 requested, capped below half of 40 dimensions
    assertEquals(19, large.projection().rows());
    assertEquals(8, large.projection().splitRows());
    assertEquals(ForestBuilder.SKETCH_MIN_VECTORS, large.sketches().size());
    // noise in every direction: 19 of 40 coordinates keep about half the variance, not enough
    OnHeapForest noise = builder.build(source(ForestTestUtil.gaussianVectors(random, ForestBuilder.SKETCH_MIN_VECTORS, 40)));
    assertNull(noise.sketches());
    assertEquals(8, noise.projection().rows());
    // without sketches requested, never
    assertFalse(new ForestBuilder(SplitRule.EUCLIDEAN, 2, 64, 8, 0, 1).sketches(1 << 20));
    expectThrows(IllegalArgumentException.class, () -> new ForestBuilder(SplitRule.EUCLIDEAN, 2, 64, 8, 4, 1));
  }

  /** Exact scores are compared with estimates in the estimates' unit: Lucene's scores inverted. */
  public void testDistanceOfInvertsLuceneScores() throws IOException {
    Random random = random();
    float[][] vectors = lowRankVectors(random, 200, 30, 4);
    Projection projection = Projection.learn(source(vectors), 12, random.nextLong()).withSplitRows(4);
    for (SplitRule rule : new SplitRule[] {SplitRule.EUCLIDEAN, SplitRule.ANGULAR}) {
      OnHeapSketches sketches = OnHeapSketches.build(rule, source(vectors), projection, new float[200][]);
      float[] query = vectors[0];
      SketchScorer scorer = new SketchScorer(sketches, query, projection.project(query, new float[12]));
      for (int ord = 1; ord < vectors.length; ord++) {
        float[] v = vectors[ord];
        double expected;
        float score;
        if (rule == SplitRule.EUCLIDEAN) {
          expected = org.apache.lucene.util.VectorUtil.squareDistance(query, v);
          score = org.apache.lucene.index.VectorSimilarityFunction.EUCLIDEAN.compare(query, v);
        } else {
          expected = 2 - 2 * cosine(query, v);
          score = org.apache.lucene.index.VectorSimilarityFunction.COSINE.compare(query, v);
        }
        assertEquals(rule + " ordinal " + ord, expected, scorer.distanceOf(score), 1e-3 * (1 + expected));
      }
    }
  }

  /**
   * Where sketches describe the vectors well (here nearly all of their variance), their errors are
   * narrow and scoring stops once the next estimate is out of reach of the k-th distance: fewer
   * exact scores than the settle rule alone could stop at (it scores at least {@code
   * SKETCH_SETTLE_FACTOR · k}, as each of the first k candidates enters the top hits).
   */
  public void testScoringStopsWhenEstimatesAreOutOfReach() throws IOException {
    Random random = random();
    int dim = 40;
    float[][] vectors = lowRankVectors(random, ForestBuilder.SKETCH_MIN_VECTORS, dim, 6, 0.1f);
    OnHeapForest forest = sketchedForest(random, vectors);
    ForestSearcher searcher = new ForestSearcher();
    int k = 10;
    int budget = 10 * k;
    int queries = 30;
    long scored = 0;
    long found = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = lowRankVectors(random, 1, dim, 6, 0.1f)[0];
      ForestTestUtil.CountingScorer scorer = new ForestTestUtil.CountingScorer(vectors, query);
      org.apache.lucene.search.TopKnnCollector hits = new org.apache.lucene.search.TopKnnCollector(k, Integer.MAX_VALUE);
      searcher.search(forest, query, scorer, hits, null, budget);
      int count = scorer.scoredOrds.size();
      assertTrue(count + " scored, fewer than the minimum", count >= ForestSearcher.rescored(budget, k));
      scored += count;
      found += overlap(ForestTestUtil.bruteForceTopK(vectors, query, k, null), hits.topDocs(), null);
    }
    // measured 14.8 - 15.1 (the minimum is 13), recall 0.99 - 1.00
    double meanScored = (double) scored / queries;
    assertTrue(meanScored + " exact scores per query", meanScored < ForestSearcher.SKETCH_SETTLE_FACTOR * k);
    double recall = (double) found / (queries * k);
    assertTrue("recall " + recall, recall >= 0.9);
  }

  /**
   * A sketched forest searched with and without a filter, and scanned by sketch (what a selective
   * or far-away filter gets): recall against exact search, only accepted ordinals, and a scan
   * scores a small part of the filter exactly.
   */
  public void testSketchedSearchAndScanFindTheNeighbours() throws IOException {
    Random random = random();
    int dim = 40;
    float[][] vectors = lowRankVectors(random, ForestBuilder.SKETCH_MIN_VECTORS, dim, 6);
    OnHeapForest forest = sketchedForest(random, vectors);
    ForestSearcher searcher = new ForestSearcher();
    int k = 10;
    int budget = 40 * k;
    double foundSearch = 0;
    double foundScan = 0;
    int queries = 20;
    for (int q = 0; q < queries; q++) {
      float[] query = lowRankVectors(random, 1, dim, 6)[0];
      org.apache.lucene.util.FixedBitSet filter = new org.apache.lucene.util.FixedBitSet(vectors.length);
      boolean[] accept = new boolean[vectors.length];
      for (int ord = 0; ord < vectors.length; ord++) {
        if (random.nextInt(4) == 0) {
          filter.set(ord);
          accept[ord] = true;
        }
      }
      int[] truth = ForestTestUtil.bruteForceTopK(vectors, query, k, accept);
      ForestTestUtil.CountingScorer scorer = new ForestTestUtil.CountingScorer(vectors, query, ForestTestUtil::euclideanScore);
      org.apache.lucene.search.TopKnnCollector searched = new org.apache.lucene.search.TopKnnCollector(k, Integer.MAX_VALUE);
      searcher.search(forest, query, scorer, searched, filter, budget, filter.cardinality());
      foundSearch += overlap(truth, searched.topDocs(), accept);
      ForestTestUtil.CountingScorer scanScorer = new ForestTestUtil.CountingScorer(vectors, query, ForestTestUtil::euclideanScore);
      org.apache.lucene.search.TopKnnCollector scanned = new org.apache.lucene.search.TopKnnCollector(k, Integer.MAX_VALUE);
      searcher.scan(forest, query, scanScorer, scanned, filter, budget, filter.cardinality());
      foundScan += overlap(truth, scanned.topDocs(), accept);
      // the scan estimates every accepted vector but scores at most the budget exactly
      assertTrue(scanScorer.scoredOrds.size() + " scored", scanScorer.scoredOrds.size() <= budget);
      assertTrue(scanned.visitedCount() >= k);
    }
    // measured 0.98 - 1.0 for both
    assertTrue("search recall " + foundSearch / (queries * k), foundSearch / (queries * k) >= 0.9);
    assertTrue("scan recall " + foundScan / (queries * k), foundScan / (queries * k) >= 0.9);
  }

  private static int overlap(int[] truth, org.apache.lucene.search.TopDocs hits, boolean[] accept) {
    int found = 0;
    for (org.apache.lucene.search.ScoreDoc hit : hits.scoreDocs) {
      assertTrue("ordinal " + hit.doc + " is not accepted", accept == null || accept[hit.doc]);
      if (IntStream.of(truth).anyMatch(t -> t == hit.doc)) {
        found++;
      }
    }
    return found;
  }

  /** A small forest (8 trees of leaves up to 32) with sketches of 19 coordinates, split in 8. */
  static OnHeapForest sketchedForest(Random random, float[][] vectors) throws IOException {
    OnHeapForest forest = new ForestBuilder(SplitRule.EUCLIDEAN, 8, 32, 8, 19, random.nextLong()).build(source(vectors));
    assertNotNull(forest.sketches());
    return forest;
  }

  /** Vectors with most of their variance in {@code rank} random directions, plus a little noise. */
  static float[][] lowRankVectors(Random random, int n, int dim, int rank) {
    return lowRankVectors(random, n, dim, rank, 0.5f);
  }

  /** As {@link #lowRankVectors(Random, int, int, int)} with noise of deviation {@code noise}. */
  static float[][] lowRankVectors(Random random, int n, int dim, int rank, float noise) {
    float[][] basis = ForestTestUtil.gaussianVectors(random, rank, dim);
    float[][] vectors = new float[n][dim];
    for (float[] v : vectors) {
      for (int r = 0; r < rank; r++) {
        float weight = (float) random.nextGaussian() * (rank - r);
        for (int d = 0; d < dim; d++) {
          v[d] += weight * basis[r][d];
        }
      }
      for (int d = 0; d < dim; d++) {
        v[d] += (float) random.nextGaussian() * noise;
      }
    }
    return vectors;
  }

  private static float cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return (float) (dot / Math.sqrt(na * nb));
  }

  private static VectorSource source(float[][] vectors) {
    return new ArrayVectorSource(vectors);
  }
}
