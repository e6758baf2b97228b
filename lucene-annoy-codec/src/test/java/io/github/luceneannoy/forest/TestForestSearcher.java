package io.github.luceneannoy.forest;

import static io.github.luceneannoy.forest.ForestTestUtil.bruteForceTopK;
import static io.github.luceneannoy.forest.ForestTestUtil.clusteredVectors;
import static io.github.luceneannoy.forest.ForestTestUtil.gaussianVectors;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import io.github.luceneannoy.forest.ForestTestUtil.CountingScorer;
import io.github.luceneannoy.forest.ForestTestUtil.Similarity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.FixedBitSet;

/**
 * Best-first search over the forest, against brute force on the same vectors with a hand-written
 * scorer, so that what is scored and collected can be counted exactly.
 */
public class TestForestSearcher extends LuceneTestCase {

  private static OnHeapForest build(SplitRule rule, float[][] vectors, int numTrees, int leafSize)
      throws IOException {
    return new ForestBuilder(rule, numTrees, leafSize, random().nextLong())
        .build(new ArrayVectorSource(vectors));
  }

  private static int[] ords(TopDocs topDocs) {
    return Arrays.stream(topDocs.scoreDocs).mapToInt(sd -> sd.doc).toArray();
  }

  private static double recall(int[] expected, int[] actual) {
    Set<Integer> truth = new HashSet<>();
    for (int ord : expected) {
      truth.add(ord);
    }
    int found = 0;
    for (int ord : actual) {
      found += truth.contains(ord) ? 1 : 0;
    }
    return (double) found / expected.length;
  }

  /** Average recall@k of forest search over the given queries. */
  private static double averageRecall(
      Forest forest, float[][] vectors, float[][] queries, Similarity similarity, int k, int budget)
      throws IOException {
    ForestSearcher searcher = new ForestSearcher();
    double sum = 0;
    for (float[] query : queries) {
      TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      searcher.search(
          forest, query, new CountingScorer(vectors, query, similarity), collector, null, budget);
      sum += recall(bruteForceTopK(vectors, query, k, null, similarity), ords(collector.topDocs()));
    }
    return sum / queries.length;
  }

  public void testRecallOnClusteredData() throws IOException {
    int n = 5000;
    int numQueries = 50;
    // queries come from the same clusters as the data, as real queries do; the clusters overlap
    // enough (recall around 0.97 in trials) that a search which ignored margins would fail
    float[][] all = clusteredVectors(random(), n + numQueries, 32, 40, 1f, 1f);
    float[][] vectors = Arrays.copyOf(all, n);
    float[][] queries = Arrays.copyOfRange(all, n, n + numQueries);
    OnHeapForest forest = build(SplitRule.EUCLIDEAN, vectors, 10, 16);
    double recall = averageRecall(forest, vectors, queries, ForestTestUtil.EUCLIDEAN, 10, 500);
    assertTrue("recall@10 " + recall, recall >= 0.9);
  }

  public void testInnerProductRecall() throws IOException {
    // the query has dim coordinates against normals of dim+1: its margin ignores the extra one,
    // which is exactly the reduction of maximum inner product to angular search
    int n = 3000;
    int dim = 16;
    // overlapping clusters: recall around 0.95 in trials
    float[][] all = clusteredVectors(random(), n + 30, dim, 30, 1f, 1f);
    for (float[] v : all) {
      float scale = (float) Math.exp(random().nextDouble() - 0.5);
      for (int d = 0; d < dim; d++) {
        v[d] *= scale;
      }
    }
    float[][] vectors = Arrays.copyOf(all, n);
    float[][] queries = Arrays.copyOfRange(all, n, n + 30);
    OnHeapForest forest = build(SplitRule.INNER_PRODUCT, vectors, 10, 16);
    double recall = averageRecall(forest, vectors, queries, ForestTestUtil.DOT_PRODUCT, 10, 300);
    assertTrue("recall@10 " + recall, recall >= 0.8);
  }

  public void testBudgetOfAllVectorsIsExact() throws IOException {
    int n = 200 + random().nextInt(600);
    float[][] vectors = gaussianVectors(random(), n, 6);
    // exhaustive search is exact whatever the split rule, since every tree holds every ordinal
    SplitRule rule = SplitRule.values()[random().nextInt(SplitRule.values().length)];
    OnHeapForest forest = build(rule, vectors, 1 + random().nextInt(4), 1 + random().nextInt(20));
    ForestSearcher searcher = new ForestSearcher();
    for (int iter = 0; iter < 10; iter++) {
      float[] query = gaussianVectors(random(), 1, 6)[0];
      int k = 1 + random().nextInt(30);
      int budget = n + random().nextInt(2 * n);
      TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      searcher.search(forest, query, new CountingScorer(vectors, query), collector, null, budget);
      assertArrayEquals(bruteForceTopK(vectors, query, k, null), ords(collector.topDocs()));
    }
  }

  public void testFilterIsHonoredAndFillsK() throws IOException {
    int n = 2000;
    int k = 10;
    int budget = 100;
    float[][] vectors = gaussianVectors(random(), n, 8);
    OnHeapForest forest = build(SplitRule.EUCLIDEAN, vectors, 5, 8);
    ForestSearcher searcher = new ForestSearcher();
    for (int accepted : new int[] {0, 1, 3, k, 40, budget - 1, budget, 700, n}) {
      FixedBitSet acceptOrds = new FixedBitSet(n);
      boolean[] accept = new boolean[n];
      while (acceptOrds.cardinality() < accepted) {
        int ord = random().nextInt(n);
        acceptOrds.set(ord);
        accept[ord] = true;
      }
      float[] query = gaussianVectors(random(), 1, 8)[0];
      CountingScorer scorer = new CountingScorer(vectors, query);
      TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      searcher.search(forest, query, scorer, collector, acceptOrds, budget);

      for (int ord : scorer.scoredOrds) {
        assertTrue("scored rejected ordinal " + ord, acceptOrds.get(ord));
      }
      TopDocs topDocs = collector.topDocs();
      for (ScoreDoc sd : topDocs.scoreDocs) {
        assertTrue("collected rejected ordinal " + sd.doc, acceptOrds.get(sd.doc));
      }
      // rejected ordinals do not consume the budget, so a selective filter digs deeper
      assertEquals("accepted " + accepted, Math.min(k, accepted), topDocs.scoreDocs.length);
      if (accepted < budget) {
        // fewer accepted than the budget: the search runs out of trees, having scored them all
        assertEquals(accepted, scorer.totalScores());
        assertArrayEquals(bruteForceTopK(vectors, query, k, accept), ords(topDocs));
      }
    }
  }

  public void testScoresEachOrdinalAtMostOnce() throws IOException {
    int n = 1000;
    float[][] vectors = gaussianVectors(random(), n, 8);
    // many trees so the same ordinals turn up in many leaves
    OnHeapForest forest = build(SplitRule.EUCLIDEAN, vectors, 20, 10);
    ForestSearcher searcher = new ForestSearcher();
    for (int budget : new int[] {1, 50, 500, n, 5 * n}) {
      float[] query = gaussianVectors(random(), 1, 8)[0];
      CountingScorer scorer = new CountingScorer(vectors, query);
      TopKnnCollector collector = new TopKnnCollector(10, Integer.MAX_VALUE);
      searcher.search(forest, query, scorer, collector, null, budget);
      for (int ord = 0; ord < n; ord++) {
        int count = scorer.scoreCounts[ord];
        assertTrue("ord " + ord + " scored " + count + " times", count <= 1);
      }
      assertEquals(scorer.totalScores(), collector.visitedCount());
    }
  }

  public void testScoresExactlyTheBudget() throws IOException {
    // the budget is a cap on distance computations (candidatesPerHit·k in the format), not a
    // number of leaves: a leaf that crosses it must not be scored to its end
    int n = 1000;
    float[][] vectors = gaussianVectors(random(), n, 8);
    int maxLeafSize = 16 + random().nextInt(16);
    OnHeapForest forest = build(SplitRule.EUCLIDEAN, vectors, 4, maxLeafSize);
    ForestSearcher searcher = new ForestSearcher();
    for (int budget : new int[] {1, 7, 10, 33, 100 + random().nextInt(200), n, 2 * n}) {
      float[] query = gaussianVectors(random(), 1, 8)[0];
      CountingScorer scorer = new CountingScorer(vectors, query);
      TopKnnCollector collector = new TopKnnCollector(5, Integer.MAX_VALUE);
      searcher.search(forest, query, scorer, collector, null, budget);
      assertEquals("budget " + budget, Math.min(budget, n), scorer.totalScores());
    }
  }

  public void testVisitLimitStopsTheSearch() throws IOException {
    int n = 2000;
    float[][] vectors = gaussianVectors(random(), n, 8);
    OnHeapForest forest = build(SplitRule.EUCLIDEAN, vectors, 5, 8);
    ForestSearcher searcher = new ForestSearcher();
    for (int iter = 0; iter < 5; iter++) {
      int limit = 1 + random().nextInt(200);
      float[] query = gaussianVectors(random(), 1, 8)[0];
      CountingScorer scorer = new CountingScorer(vectors, query);
      TopKnnCollector collector = new TopKnnCollector(10, limit);
      searcher.search(forest, query, scorer, collector, null, 1000);
      assertTrue(collector.earlyTerminated());
      assertEquals(limit, collector.visitedCount());
      assertEquals(limit, scorer.totalScores());
    }
  }

  public void testEmptyForestFindsNothing() throws IOException {
    OnHeapForest forest =
        new ForestBuilder(SplitRule.EUCLIDEAN, 3, 4, random().nextLong())
            .build(new ArrayVectorSource(new float[0][], 4));
    CountingScorer scorer = new CountingScorer(new float[0][], new float[4]);
    TopKnnCollector collector = new TopKnnCollector(5, Integer.MAX_VALUE);
    new ForestSearcher().search(forest, new float[4], scorer, collector, null, 100);
    assertEquals(0, collector.topDocs().scoreDocs.length);
    assertEquals(0, scorer.totalScores());
  }

  public void testScanAllScoresEveryAcceptedOrdinalOnce() throws IOException {
    int n = 500;
    float[][] vectors = gaussianVectors(random(), n, 4);
    FixedBitSet acceptOrds = new FixedBitSet(n);
    boolean[] accept = new boolean[n];
    for (int ord = 0; ord < n; ord++) {
      if (random().nextBoolean()) {
        acceptOrds.set(ord);
        accept[ord] = true;
      }
    }
    float[] query = gaussianVectors(random(), 1, 4)[0];
    CountingScorer scorer = new CountingScorer(vectors, query);
    TopKnnCollector collector = new TopKnnCollector(10, Integer.MAX_VALUE);
    ForestSearcher.scanAll(scorer, collector, acceptOrds);
    assertEquals(acceptOrds.cardinality(), scorer.totalScores());
    for (int ord = 0; ord < n; ord++) {
      assertEquals(accept[ord] ? 1 : 0, scorer.scoreCounts[ord]);
    }
    assertArrayEquals(bruteForceTopK(vectors, query, 10, accept), ords(collector.topDocs()));

    int limit = 1 + random().nextInt(50);
    CountingScorer limited = new CountingScorer(vectors, query);
    TopKnnCollector limitedCollector = new TopKnnCollector(10, limit);
    ForestSearcher.scanAll(limited, limitedCollector, null);
    assertEquals(limit, limited.totalScores());
    assertTrue(limitedCollector.earlyTerminated());
  }

  /**
   * A sketched search gathers until its best estimates stop changing: replaying the leaves it read,
   * with the same estimates, the last leaves, {@code SKETCH_QUIET_LEAVES × maxLeafSize} entries of
   * them, added nothing to the kept candidates (the budget's best estimates) once these were full,
   * and no earlier run of that many entries did, unless the gathering limit ({@code SKETCH_GATHER_LIMIT × GATHER_FACTOR × budget}
   * distinct candidates) stopped it first. Queries stop on both sides of the fixed target that
   * gathering without sketches uses.
   */
  public void testSketchedGatheringStopsWhenEstimatesSettle() throws IOException {
    java.util.Random random = random();
    float[][] vectors = TestSketches.lowRankVectors(random, ForestBuilder.SKETCH_MIN_VECTORS, 40, 6, 0.1f);
    OnHeapForest forest = TestSketches.sketchedForest(random, vectors);
    int k = 10;
    int budget = 40 * k;
    int capacity = ForestSearcher.rescored(budget, k) * ForestSearcher.SKETCH_RESCORE_DIVISOR;
    int target = ForestSearcher.GATHER_FACTOR * budget;
    int limit = ForestSearcher.SKETCH_GATHER_LIMIT * target;
    int belowTarget = 0;
    int aboveTarget = 0;
    for (int q = 0; q < 30; q++) {
      float[] query = TestSketches.lowRankVectors(random, 1, 40, 6, 0.1f)[0];
      RecordingForest recording = new RecordingForest(forest);
      TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      new ForestSearcher().search(recording, query, new CountingScorer(vectors, query), collector, null, budget);

      SketchScorer estimates =
          new SketchScorer(forest.sketches(), query, forest.projection().project(query, new float[forest.projection().rows()]));
      java.util.PriorityQueue<Long> kept = new java.util.PriorityQueue<>();
      Set<Integer> gathered = new HashSet<>();
      int[] ords = new int[forest.maxLeafSize()];
      long quiet = 0;
      long quietLimit = (long) ForestSearcher.SKETCH_QUIET_LEAVES * forest.maxLeafSize();
      List<Integer> leaves = recording.leafRefs;
      for (int l = 0; l < leaves.size(); l++) {
        assertTrue("gathering went on past the limit", gathered.size() < limit);
        boolean entered = false;
        int count = forest.leaf(leaves.get(l), ords);
        for (int i = 0; i < count; i++) {
          if (gathered.add(ords[i])) {
            long key = ((long) org.apache.lucene.util.NumericUtils.floatToSortableInt(-estimates.distance(ords[i])) << 32) | ords[i];
            if (kept.size() < capacity) {
              kept.add(key);
              entered = true;
            } else if (key >= kept.peek()) {
              kept.poll();
              kept.add(key);
              entered = true;
            }
          }
        }
        quiet = kept.size() < capacity || entered ? 0 : quiet + count;
        if (l < leaves.size() - 1) {
          assertTrue("leaf " + l + " ended " + quiet + " quiet entries", quiet < quietLimit);
        }
      }
      assertTrue(
          "stopped after " + quiet + " quiet entries with " + gathered.size() + " gathered",
          quiet >= quietLimit || gathered.size() >= limit);
      if (gathered.size() < target) {
        belowTarget++;
      } else {
        aboveTarget++;
      }
    }
    // measured over six seeds: 18 - 27 below, 3 - 12 above
    assertTrue(belowTarget + " queries stopped below the fixed target", belowTarget > 0);
    assertTrue(aboveTarget + " queries went past it", aboveTarget > 0);
  }

  /** Records the leaves a search reads, in order. */
  private static final class RecordingForest implements Forest {
    final Forest in;
    final List<Integer> leafRefs = new ArrayList<>();

    RecordingForest(Forest in) {
      this.in = in;
    }

    @Override
    public Projection projection() {
      return in.projection();
    }

    @Override
    public Sketches sketches() {
      return in.sketches();
    }

    @Override
    public int numTrees() {
      return in.numTrees();
    }

    @Override
    public int root(int tree) {
      return in.root(tree);
    }

    @Override
    public int maxLeafSize() {
      return in.maxLeafSize();
    }

    @Override
    public float split(int node, float[] query, int[] children) throws IOException {
      return in.split(node, query, children);
    }

    @Override
    public int leaf(int ref, int[] ords) throws IOException {
      leafRefs.add(ref);
      return in.leaf(ref, ords);
    }
  }

  /**
   * Annoy's priority of every leaf for {@code query}: the smallest margin along its path, counted
   * positive on the side the query falls (left on a tie) and negative on the other.
   */
  private static Map<Integer, Float> leafPriorities(OnHeapForest forest, float[] query)
      throws IOException {
    Map<Integer, Float> priorities = new HashMap<>();
    int[] children = new int[2];
    for (int t = 0; t < forest.numTrees(); t++) {
      List<Object[]> stack = new ArrayList<>();
      stack.add(new Object[] {forest.root(t), Float.POSITIVE_INFINITY});
      while (stack.isEmpty() == false) {
        Object[] top = stack.remove(stack.size() - 1);
        int ref = (Integer) top[0];
        float priority = (Float) top[1];
        if (NodeRefs.isLeaf(ref)) {
          priorities.put(ref, priority);
          continue;
        }
        float margin = forest.split(ref, query, children);
        int nearSide = margin > 0 ? 1 : 0;
        stack.add(new Object[] {children[nearSide], Math.min(priority, Math.abs(margin))});
        stack.add(new Object[] {children[1 - nearSide], Math.min(priority, -Math.abs(margin))});
      }
    }
    return priorities;
  }

  public void testLeavesAreVisitedBestFirst() throws IOException {
    int n = 400;
    float[][] vectors = gaussianVectors(random(), n, 6);
    OnHeapForest forest = build(SplitRule.EUCLIDEAN, vectors, 4, 1 + random().nextInt(10));
    float[] query = gaussianVectors(random(), 1, 6)[0];
    Map<Integer, Float> priorities = leafPriorities(forest, query);
    RecordingForest recording = new RecordingForest(forest);
    // an unlimited budget walks leaves until every ordinal has been gathered
    new ForestSearcher()
        .search(
            recording,
            query,
            new CountingScorer(vectors, query),
            new TopKnnCollector(10, Integer.MAX_VALUE),
            null,
            Integer.MAX_VALUE);
    assertEquals("each leaf once", recording.leafRefs.size(), new HashSet<>(recording.leafRefs).size());
    Set<Integer> gathered = new HashSet<>();
    float previous = Float.POSITIVE_INFINITY;
    for (int ref : recording.leafRefs) {
      float priority = priorities.get(ref);
      assertTrue(previous + " then " + priority, Float.compare(previous, priority) >= 0);
      previous = priority;
      gathered.addAll(leafOrdinals(forest, ref));
    }
    assertEquals("every ordinal gathered", n, gathered.size());
    // the leaves left out come after the last one visited in best-first order
    for (Map.Entry<Integer, Float> leaf : priorities.entrySet()) {
      if (recording.leafRefs.contains(leaf.getKey()) == false) {
        assertTrue(Float.compare(leaf.getValue(), previous) <= 0);
      }
    }
  }

  public void testFirstLeafHoldsTheQueryVector() throws IOException {
    int n = 1000;
    float[][] vectors = gaussianVectors(random(), n, 8);
    int maxLeafSize = 1 + random().nextInt(4);
    OnHeapForest forest = build(SplitRule.EUCLIDEAN, vectors, 3, maxLeafSize);
    ForestSearcher searcher = new ForestSearcher();
    int[] ords = new int[maxLeafSize];
    for (int iter = 0; iter < 20; iter++) {
      int target = random().nextInt(n);
      float[] query = vectors[target].clone();
      RecordingForest recording = new RecordingForest(forest);
      TopKnnCollector collector = new TopKnnCollector(1, Integer.MAX_VALUE);
      // one leaf's worth: the best-first leaf is the one the query itself was filed under
      searcher.search(
          recording, query, new CountingScorer(vectors, query), collector, null, maxLeafSize);
      int count = forest.leaf(recording.leafRefs.get(0), ords);
      assertTrue(
          "first leaf " + Arrays.toString(Arrays.copyOf(ords, count)) + " lacks " + target,
          Arrays.stream(ords, 0, count).anyMatch(ord -> ord == target));
      // topDocs() drains the collector: read it once
      ScoreDoc best = collector.topDocs().scoreDocs[0];
      assertEquals(target, best.doc);
      assertEquals(1f, best.score, 0f);
    }
  }

  private static List<Integer> leafOrdinals(OnHeapForest forest, int ref) {
    int[] ords = new int[forest.maxLeafSize()];
    int count = forest.leaf(ref, ords);
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(ords[i]);
    }
    return list;
  }
}
