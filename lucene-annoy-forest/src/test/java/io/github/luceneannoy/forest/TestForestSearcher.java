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
package io.github.luceneannoy.forest;

import io.github.luceneannoy.forest.ForestTestUtil.CountingScorer;
import io.github.luceneannoy.forest.ForestTestUtil.Kind;
import io.github.luceneannoy.forest.ForestTestUtil.Similarity;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.SparseFixedBitSet;

/**
 * {@link ForestSearcher} on forests built on the heap, against exact search in double precision
 * with a scorer that counts what it scores, for every {@link Geometry} and both leaf orders.
 */
public class TestForestSearcher extends LuceneTestCase {

  /** A forest over generated vectors, with its similarity. */
  private static final class Fixture {
    final float[][] vectors;
    final Similarity similarity;
    final OnHeapForest forest;

    Fixture(float[][] vectors, Geometry geometry, int numTrees, int maxLeafSize, int branching)
        throws IOException {
      this.vectors = vectors;
      this.similarity = new Similarity(geometry, vectors);
      this.forest =
          OnHeapForest.build(
              new ArrayVectorSource(vectors),
              geometry,
              numTrees,
              maxLeafSize,
              branching,
              random().nextLong(),
              null);
    }
  }

  /** One search's outcome. */
  private static final class Result {
    final int[] ords;
    final float[] scores;
    final CountingScorer scorer;
    final long gathered;
    final long visited;
    final boolean stopsEarly;

    Result(TopDocs top, CountingScorer scorer, long gathered, long visited, boolean stopsEarly) {
      this.ords = Arrays.stream(top.scoreDocs).mapToInt(sd -> sd.doc).toArray();
      this.scores = new float[top.scoreDocs.length];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = top.scoreDocs[i].score;
      }
      this.scorer = scorer;
      this.gathered = gathered;
      this.visited = visited;
      this.stopsEarly = stopsEarly;
    }
  }

  private static Result search(
      ForestSearcher searcher,
      Fixture f,
      LeafTraversal.Order order,
      float[] query,
      int k,
      int budget,
      Bits accept,
      int visitLimit)
      throws IOException {
    CountingScorer scorer = new CountingScorer(f.similarity, query);
    TopKnnCollector collector = new TopKnnCollector(k, visitLimit);
    searcher.search(
        f.forest, order, query, scorer, f.similarity.toDistance(query), collector, accept, budget);
    return new Result(
        collector.topDocs(),
        scorer,
        searcher.gathered(),
        collector.visitedCount(),
        searcher.stopsEarly());
  }

  private static Result search(
      Fixture f, LeafTraversal.Order order, float[] query, int k, int budget, Bits accept)
      throws IOException {
    return search(new ForestSearcher(), f, order, query, k, budget, accept, Integer.MAX_VALUE);
  }

  private static LeafTraversal.Order randomOrder() {
    return LeafTraversal.Order.values()[random().nextInt(2)];
  }

  /** A query near the data (a vector plus noise) or drawn from the same distribution. */
  private static float[] query(Random random, float[][] vectors) {
    float[] q = vectors[random.nextInt(vectors.length)].clone();
    for (int i = 0; i < q.length; i++) {
      q[i] += 0.3f * (float) random.nextGaussian();
    }
    return q;
  }

  private static FixedBitSet randomFilter(Random random, int n, double density) {
    FixedBitSet bits = new FixedBitSet(n);
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < density) {
        bits.set(i);
      }
    }
    return bits;
  }

  /** {@code filter} behind the bare {@link Bits} interface, as a caller's own filter may be. */
  private static Bits bare(FixedBitSet filter) {
    return new Bits() {
      @Override
      public boolean get(int index) {
        return filter.get(index);
      }

      @Override
      public int length() {
        return filter.length();
      }
    };
  }

  /**
   * What every search must do, whatever its budget: score each ordinal at most once and only
   * accepted ones, count each exact score as a visit, collect the scorer's exact scores, best
   * first, and gather {@code max(budget, trees·minimumScored(k))} accepted leaf entries or all of
   * them (each accepted vector once per tree), or fewer when it stops early, but then more than a
   * stall window.
   */
  private static void checkInvariants(
      Result r, Fixture f, float[] query, int k, int budget, Bits accept, String what) {
    int accepted = accept == null ? f.vectors.length : countAccepted(accept, f.vectors.length);
    for (int ord = 0; ord < r.scorer.counts.length; ord++) {
      assertTrue(
          what + ": ordinal " + ord + " scored " + r.scorer.counts[ord] + " times",
          r.scorer.counts[ord] <= 1);
      if (accept != null && accept.get(ord) == false) {
        assertEquals(what + ": rejected ordinal " + ord + " was scored", 0, r.scorer.counts[ord]);
      }
    }
    assertEquals(what + ": every exact score is a visit", r.scorer.total, r.visited);
    assertEquals(what, Math.min(k, accepted), r.ords.length);
    int trees = f.forest.numTrees();
    long limit =
        Math.min(
            (long) trees * accepted,
            Math.max(budget, (long) trees * ForestSearcher.minimumScored(k)));
    if (r.stopsEarly && r.gathered < limit) {
      long window =
          ForestSearcher.stallWindow(
              Math.max(budget, (long) trees * ForestSearcher.minimumScored(k)),
              (long) trees * f.vectors.length,
              f.forest.maxLeafSize());
      assertTrue(what + ": stopped within the stall window", r.gathered > window);
    } else {
      assertEquals(what + ": gathered", limit, r.gathered);
    }
    assertTrue(what + ": scored more than gathered", r.scorer.total <= r.gathered);
    for (int i = 0; i < r.ords.length; i++) {
      assertEquals(what, f.similarity.score(query, r.ords[i]), r.scores[i], 0f);
      assertTrue(what + ": not sorted", i == 0 || r.scores[i] <= r.scores[i - 1]);
      for (int j = 0; j < i; j++) {
        assertTrue(what + ": duplicate " + r.ords[i], r.ords[i] != r.ords[j]);
      }
    }
  }

  /**
   * The same hits as {@code expected}, but for the order of hits whose float scores tie (the
   * collector breaks ties its own way): the same scores, best first.
   */
  private static void assertSameScores(
      String what, Similarity similarity, float[] query, int[] expected, int[] actual) {
    assertEquals(what, expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          what + ", hit " + i,
          similarity.score(query, expected[i]),
          similarity.score(query, actual[i]),
          0f);
    }
  }

  private static int countAccepted(Bits accept, int n) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      count += accept.get(i) ? 1 : 0;
    }
    return count;
  }

  /**
   * A traversal returns every leaf of every tree once, in either order and with the first tree
   * flat, each with the exact squared distance from the query to its centroid (leaves are ordered
   * by their estimates until they reach the front, then measured). A flat first tree has all its
   * inner nodes read at the start, the other trees their roots only.
   */
  public void testTraversalReturnsEveryLeafOnceWithItsExactDistance() throws IOException {
    Random random = random();
    Geometry geometry = Geometry.values()[random.nextInt(Geometry.values().length)];
    int dim = 2 + random.nextInt(40);
    float[][] vectors =
        ForestTestUtil.vectors(random, Kind.CLUSTERED, 300 + random.nextInt(300), dim);
    Fixture f = new Fixture(vectors, geometry, 1 + random.nextInt(3), 8 + random.nextInt(24), 4);
    OnHeapForest forest = f.forest;
    float[] mapped = new float[forest.dimension()];
    forest.geometry().mapQuery(query(random, vectors), mapped);
    QueryCode code = new QueryCode(forest.centre(), forest.rotation());
    code.set(mapped);
    float[] centroid = new float[forest.dimension()];
    for (String order : new String[] {"BOUND", "CENTROID", "flat"}) {
      LeafTraversal traversal = new LeafTraversal();
      if (order.equals("flat")) {
        traversal.startFlat(forest, code, mapped);
        assertEquals(innerNodes(forest, 0) + forest.numTrees() - 1, traversal.nodesRead());
      } else {
        traversal.start(forest, LeafTraversal.Order.valueOf(order), code, mapped);
        assertEquals(forest.numTrees(), traversal.nodesRead());
      }
      java.util.Set<Integer> leaves = new java.util.HashSet<>();
      long entries = 0;
      while (traversal.next()) {
        assertTrue(order + ": leaf returned twice", leaves.add(traversal.leafNumber()));
        forest.readLeafCentroid(
            traversal.leafNumber(), traversal.leafFirstEntry(), traversal.leafSize(), centroid);
        assertEquals(
            order,
            ForestKernels.get().squareDistance(mapped, centroid),
            traversal.leafDistance(),
            0f);
        entries += traversal.leafSize();
      }
      assertEquals(order, (long) forest.size() * forest.numTrees(), entries);
    }
  }

  /** The inner nodes of tree {@code tree}, its root among them. */
  private static int innerNodes(Forest forest, int tree) throws IOException {
    NodeRecord record =
        new NodeRecord(forest.maxChildren(), forest.rotation().paddedDimension() / Long.SIZE);
    java.util.ArrayDeque<Integer> toRead = new java.util.ArrayDeque<>();
    toRead.push(forest.root(tree));
    int count = 0;
    while (toRead.isEmpty() == false) {
      forest.readNode(toRead.pop(), record);
      count++;
      for (int c = 0; c < record.count; c++) {
        if (NodeRefs.isLeaf(record.refs[c]) == false) {
          toRead.push(record.refs[c]);
        }
      }
    }
    return count;
  }

  /**
   * With a budget of every entry ({@code n} per tree) the whole forest is gathered, and only the
   * bounds decide what is scored: the result is the exact one unless an estimate errs beyond its
   * bound for a true neighbour (by TestLeafCoder a share of well under 1% of pairs, on the lower
   * side). So the recall over all the queries' hits is at least 0.98, and at least 80% of the
   * queries are answered exactly (hits whose float scores tie count as equally right: in two
   * dimensions many cosines round to 1). Measured over 899 forests: 0.72% of queries not exact, the
   * fewest exact in one forest 84% (21 of 25; the misses cluster in harder data); at 90%, 2 of 899
   * failed. The mean of the queries' recalls, over 898 forests: lowest 0.984, 3 below 0.99, and
   * seed 2275885EDAC7362D 0.989; the bar was 0.99. Seed BCF60D9DD09EDDC2 then measured 0.963: one
   * query of 27, for a single hit, missed it, which costs such a mean a 27th. Recall is now counted
   * over hits, where that miss is one of 27 queries' hits.
   */
  public void testFullBudgetIsExactSearch() throws IOException {
    Random random = random();
    for (Geometry geometry : Geometry.values()) {
      int n = 300 + random.nextInt(1500);
      int dim = 2 + random.nextInt(30);
      float[][] vectors = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], n, dim);
      Fixture f =
          new Fixture(
              vectors,
              geometry,
              1 + random.nextInt(3),
              4 + random.nextInt(60),
              2 + random.nextInt(15));
      ForestSearcher searcher = new ForestSearcher();
      double found = 0;
      int asked = 0;
      int exact = 0;
      int queries = atLeast(20);
      for (int q = 0; q < queries; q++) {
        float[] query = query(random, vectors);
        int k = 1 + random.nextInt(20);
        int entries = f.forest.numTrees() * n;
        int budget = entries + random.nextInt(10);
        LeafTraversal.Order order = randomOrder();
        Result r = search(searcher, f, order, query, k, budget, null, Integer.MAX_VALUE);
        String what = geometry + " " + order + " n=" + n + " k=" + k;
        checkInvariants(r, f, query, k, budget, null, what);
        assertEquals(what + ": a budget of every entry gathers everything", entries, r.gathered);
        int[] expected = f.similarity.exactTopK(query, k, null);
        double recall = f.similarity.recall(query, expected, r.ords);
        found += recall * expected.length;
        asked += expected.length;
        exact += recall == 1 ? 1 : 0;
      }
      double recall = found / asked;
      if (VERBOSE) {
        System.out.println(geometry + ": " + exact + " of " + queries + " exact, recall " + recall);
      }
      assertTrue(geometry + ": recall " + recall + " at a budget of n", recall >= 0.98);
      assertTrue(
          geometry + ": only " + exact + " of " + queries + " queries exact",
          exact >= 0.8 * queries);
    }
  }

  /**
   * When {@code minimumScored(k)} is at least the number of accepted vectors, nothing may be cut by
   * a bound: every accepted vector is scored, and the result is exactly the exact search's.
   */
  public void testScoresEverythingWhenTheMinimumCoversAll() throws IOException {
    Random random = random();
    for (Geometry geometry : Geometry.values()) {
      int n = 20 + random.nextInt(300);
      float[][] vectors =
          ForestTestUtil.vectors(
              random, Kind.values()[random.nextInt(3)], n, 2 + random.nextInt(10));
      Fixture f =
          new Fixture(
              vectors,
              geometry,
              1 + random.nextInt(2),
              2 + random.nextInt(20),
              2 + random.nextInt(8));
      for (int q = 0; q < 10; q++) {
        float[] query = query(random, vectors);
        Bits accept = random.nextBoolean() ? null : randomFilter(random, n, 0.5);
        int accepted = accept == null ? n : countAccepted(accept, n);
        int k = Math.max(1, accepted - 3 + random.nextInt(10));
        assertTrue(ForestSearcher.minimumScored(k) >= accepted);
        Result r = search(f, randomOrder(), query, k, 1 + random.nextInt(2 * n), accept);
        checkInvariants(r, f, query, k, 0, accept, geometry.toString());
        assertEquals("every accepted vector scored", accepted, r.scorer.total);
        assertSameScores(
            geometry + ", k=" + k,
            f.similarity,
            query,
            f.similarity.exactTopK(query, k, accept),
            r.ords);
      }
    }
  }

  /**
   * Filters: only accepted ordinals are scored or returned, and a full budget finds the filtered
   * top.
   */
  /**
   * A leaf's accepted entries are selected alike with and without branches, up to the room left,
   * for filters of every density.
   */
  public void testSelectionWithoutBranchesMatchesTheBranchingOne() {
    Random random = random();
    for (int round = 0; round < atLeast(200); round++) {
      int count = random.nextInt(300);
      int[] ords = new int[count];
      for (int e = 0; e < count; e++) {
        ords[e] = random.nextInt(1000);
      }
      FixedBitSet accept = randomFilter(random, 1000, random.nextDouble());
      long room = random.nextBoolean() ? Long.MAX_VALUE : random.nextInt(count + 2);
      int[] expected = new int[count];
      int n = 0;
      for (int e = 0; e < count && n < room; e++) {
        if (accept.get(ords[e])) {
          expected[n++] = e;
        }
      }
      for (boolean coinToss : new boolean[] {false, true}) {
        int[] selected = new int[count];
        int got = ForestSearcher.selectAccepted(ords, count, accept, room, selected, coinToss);
        assertEquals("coin toss " + coinToss, n, got);
        assertArrayEquals(
            "coin toss " + coinToss, Arrays.copyOf(expected, n), Arrays.copyOf(selected, got));
      }
    }
  }

  public void testAcceptOrdsRespected() throws IOException {
    Random random = random();
    int n = 1000 + random.nextInt(1000);
    Geometry geometry = Geometry.values()[random.nextInt(3)];
    float[][] vectors = ForestTestUtil.vectors(random, Kind.CLUSTERED, n, 8);
    Fixture f = new Fixture(vectors, geometry, 2, 32, 8);
    double recallSum = 0;
    int fullBudget = 0;
    int queries = atLeast(20);
    for (int q = 0; q < queries; q++) {
      double density = new double[] {0.01, 0.1, 0.5, 0.9}[random.nextInt(4)];
      FixedBitSet filter = randomFilter(random, n, density);
      // the searcher takes any Bits: a bit set, a sparse one, or a bare interface
      Bits accept;
      switch (random.nextInt(3)) {
        case 0:
          accept = filter;
          break;
        case 1:
          SparseFixedBitSet sparse = new SparseFixedBitSet(n);
          for (int i = 0; i < n; i++) {
            if (filter.get(i)) {
              sparse.set(i);
            }
          }
          accept = sparse;
          break;
        default:
          accept = bare(filter);
      }
      float[] query = query(random, vectors);
      int k = 10;
      // two trees: 2n entries hold every vector twice
      int budget = random.nextBoolean() ? 2 * n : 20 + random.nextInt(200);
      Result r = search(f, randomOrder(), query, k, budget, accept);
      String what = "density " + density + ", budget " + budget;
      checkInvariants(r, f, query, k, budget, accept, what);
      for (int ord : r.ords) {
        assertTrue(what + ": returned rejected ordinal " + ord, filter.get(ord));
      }
      if (budget >= 2 * n) {
        recallSum += f.similarity.recall(query, f.similarity.exactTopK(query, k, accept), r.ords);
        fullBudget++;
      }
    }
    // only the bounds can lose a neighbour at a full budget, one now and then: with about ten such
    // queries one lost neighbour costs 0.01 (0.985 seen once in 25 seeds, on older code too)
    assertTrue(
        "filtered recall at a full budget " + recallSum / fullBudget,
        fullBudget == 0 || recallSum / fullBudget >= 0.97);
  }

  /**
   * Under a filter, the search reads {@link ForestSearcher#filteredReads} entries and gathers their
   * accepted share when the filter looks random near the query; it gathers the whole budget of
   * accepted entries when the filter keeps the query's neighbourhood; and it gives up, collecting
   * nothing, once it has read as many entries as it was allowed.
   */
  public void testFilteredGatheringFollowsTheFilter() throws IOException {
    Random random = random();
    int n = 4000;
    float[][] vectors = ForestTestUtil.vectors(random, Kind.CLUSTERED, n, 8);
    Fixture f = new Fixture(vectors, Geometry.EUCLIDEAN, 2, 32, 8);
    int budget = BUDGET;
    int k = 10;
    // without stopping early, so that what is gathered is the rule's
    ForestSearcher searcher = new ForestSearcher(false);
    int queries = atLeast(5);
    int misjudged = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = query(random, vectors);
      FixedBitSet randomTenth = randomFilter(random, n, 0.1);
      double fraction = (double) randomTenth.cardinality() / n;
      TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      assertTrue(search(searcher, f, query, collector, randomTenth, fraction, Long.MAX_VALUE));
      long share = (long) Math.ceil(ForestSearcher.filteredReads(budget, fraction) * fraction);
      assertTrue(
          "random filter: gathered " + searcher.gathered() + ", share " + share,
          searcher.gathered() >= share && searcher.gathered() < budget / 2);
      assertEquals(k, collector.topDocs().scoreDocs.length);

      // the query's 400 nearest vectors, a tenth too: every leaf near the query is all accepted
      FixedBitSet nearest = new FixedBitSet(n);
      for (int ord : f.similarity.exactTopK(query, n / 10, null)) {
        nearest.set(ord);
      }
      collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      assertTrue(search(searcher, f, query, collector, nearest, 0.1, Long.MAX_VALUE));
      if (searcher.gathered() != budget) {
        misjudged++;
      }

      // the farthest 90%: allowed to read a few entries only, the search gives up untouched
      FixedBitSet farthest = nearest.clone();
      farthest.flip(0, n);
      collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      assertFalse(
          search(searcher, f, query, collector, farthest, 0.9, 2L * f.forest.maxLeafSize()));
      assertEquals(0, collector.visitedCount());
      assertEquals(0, collector.topDocs().scoreDocs.length);
    }
    // a query in a few thousand misjudges the filter (one run in 300 - 600): the first leaves it
    // read held so few of its 400 nearest that their share looked like a random filter's, and it
    // stopped short (one such query kept 6 of its 10 nearest), or like a filter that rejects the
    // neighbourhood, and it read on past the budget
    assertTrue(
        "neighbourhood filter: " + misjudged + " of " + queries + " did not gather the budget",
        misjudged <= 1);
  }

  /**
   * A broad filter that rejects the query's neighbourhood (half of well-separated clusters, the
   * query in one of the others): the search finds its first leaves poor in accepted entries and
   * reads on past the budget until its bar stops falling, so that it finds the neighbours spread
   * over the edges of the accepted clusters; a random filter of the same share never does. At the
   * budget alone, such queries reached recall@10 of about half. Most such queries read past the
   * budget, not every one: a query near an accepted cluster can meet its neighbours early, and its
   * bar then stops falling before the budget.
   */
  public void testFilterRejectingTheNeighbourhoodReadsOnPastTheBudget() throws IOException {
    Random random = random();
    int clusters = 20;
    int dimension = 16;
    int n = 4000;
    float[][] centres = new float[clusters][dimension];
    for (float[] centre : centres) {
      for (int i = 0; i < dimension; i++) {
        centre[i] = (float) random.nextGaussian();
      }
    }
    int[] cluster = new int[n];
    float[][] vectors = new float[n][dimension];
    for (int ord = 0; ord < n; ord++) {
      cluster[ord] = random.nextInt(clusters);
      for (int i = 0; i < dimension; i++) {
        vectors[ord][i] = centres[cluster[ord]][i] + 0.2f * (float) random.nextGaussian();
      }
    }
    Fixture f = new Fixture(vectors, Geometry.EUCLIDEAN, 2, 32, 8);
    FixedBitSet evenClusters = new FixedBitSet(n);
    for (int ord = 0; ord < n; ord++) {
      if (cluster[ord] % 2 == 0) {
        evenClusters.set(ord);
      }
    }
    double fraction = (double) evenClusters.cardinality() / n;
    FixedBitSet randomHalf = randomFilter(random, n, fraction);
    double randomFraction = (double) randomHalf.cardinality() / n;
    int k = 10;
    ForestSearcher searcher = new ForestSearcher();
    double recall = 0;
    int pastBudget = 0;
    int queries = atLeast(50);
    for (int q = 0; q < queries; q++) {
      int source;
      do {
        source = random.nextInt(n);
      } while (cluster[source] % 2 == 0);
      float[] query = vectors[source].clone();
      for (int i = 0; i < dimension; i++) {
        query[i] += 0.05f * (float) random.nextGaussian();
      }
      TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      assertTrue(search(searcher, f, query, collector, evenClusters, fraction, Long.MAX_VALUE));
      if (searcher.gathered() > BUDGET) {
        pastBudget++;
      }
      int[] ords = Arrays.stream(collector.topDocs().scoreDocs).mapToInt(d -> d.doc).toArray();
      for (int ord : ords) {
        assertTrue("hit " + ord + " is rejected", evenClusters.get(ord));
      }
      recall += f.similarity.recall(query, f.similarity.exactTopK(query, k, evenClusters), ords);

      collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      assertTrue(search(searcher, f, query, collector, randomHalf, randomFraction, Long.MAX_VALUE));
      assertTrue(
          "random filter: gathered " + searcher.gathered() + ", budget " + BUDGET,
          searcher.gathered() <= BUDGET);
    }
    recall /= queries;
    if (VERBOSE) {
      System.out.println(pastBudget + " of " + queries + " past the budget, recall " + recall);
    }
    // about half at the budget alone. Over 800 seeds the lowest means were 0.923, 0.927 and 0.933.
    // Before the first tree was read flat past the budget (LeafTraversal#startFlat), 11 seeds of
    // 300 were below 0.9 and the lowest of 1,500 was 0.74: where several accepted clusters lay
    // about equally far, the one under the nearest inner node's centroid was read first, and its
    // bar could hold for the whole window
    assertTrue("recall@10 " + recall, recall >= 0.85);
    assertTrue(
        "rejected neighbourhood: " + pastBudget + " of " + queries + " read past the budget",
        pastBudget >= 0.8 * queries);
  }

  /** The budget of {@link #testFilteredGatheringFollowsTheFilter}'s searches. */
  private static final int BUDGET = 400;

  private static boolean search(
      ForestSearcher searcher,
      Fixture f,
      float[] query,
      TopKnnCollector collector,
      Bits accept,
      double fraction,
      long giveUpAfter)
      throws IOException {
    return searcher.search(
        f.forest,
        randomOrder(),
        query,
        new CountingScorer(f.similarity, query),
        f.similarity.toDistance(query),
        collector,
        accept,
        fraction,
        giveUpAfter,
        BUDGET);
  }

  /**
   * Recall@10 grows with the budget: the candidates gathered at a budget are the first ones of
   * every larger budget (the traversal does not depend on it). The bounds may lose a neighbour now
   * and then, so the mean may dip by a little; over the whole range it rises, to about 1 at n.
   */
  public void testRecallIncreasesWithBudget() throws IOException {
    Random random = random();
    int n = 2000;
    Geometry geometry = Geometry.values()[random.nextInt(3)];
    float[][] vectors =
        ForestTestUtil.vectors(
            random, random.nextBoolean() ? Kind.GAUSSIAN : Kind.CLUSTERED, n, 16);
    Fixture f = new Fixture(vectors, geometry, 2, 32, 8);
    // the last budget gathers every entry of both trees: then only the bounds can lose a neighbour
    // (at half of them, inner products in bound order kept 0.985 - 0.995 of them)
    int[] budgets = {ForestSearcher.minimumScored(10), 50, 200, 800, 2 * n};
    double[] recalls = new double[budgets.length];
    int queries = atLeast(40);
    ForestSearcher searcher = new ForestSearcher();
    LeafTraversal.Order order = randomOrder();
    for (int q = 0; q < queries; q++) {
      float[] query = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 1, 16)[0];
      if (geometry != Geometry.INNER_PRODUCT || random.nextBoolean()) {
        query = query(random, vectors);
      }
      int[] expected = f.similarity.exactTopK(query, 10, null);
      for (int b = 0; b < budgets.length; b++) {
        Result r = search(searcher, f, order, query, 10, budgets[b], null, Integer.MAX_VALUE);
        checkInvariants(r, f, query, 10, budgets[b], null, "budget " + budgets[b]);
        recalls[b] += f.similarity.recall(query, expected, r.ords) / queries;
      }
    }
    if (VERBOSE) {
      System.out.println(
          geometry
              + " "
              + order
              + ": budgets "
              + Arrays.toString(budgets)
              + " recall "
              + Arrays.toString(recalls));
    }
    for (int b = 1; b < budgets.length; b++) {
      assertTrue(Arrays.toString(recalls), recalls[b] >= recalls[b - 1] - 0.01);
    }
    assertTrue(Arrays.toString(recalls), recalls[budgets.length - 1] >= 0.99);
    assertTrue(Arrays.toString(recalls), recalls[0] < recalls[budgets.length - 1] - 0.05);
  }

  /**
   * Stopping early: a searcher that may stop ends, when it does, exactly where a searcher that may
   * not would with that many entries as its budget (the same leaves, the same candidates, the same
   * hits); it stops on some queries when the budget is half the entries. A segment of format
   * version 3, searched without it, gathers the whole budget; a budget of every entry never stops.
   */
  public void testStopsEarlyOnlyAfterAStall() throws IOException {
    Random random = random();
    int n = 3000;
    Geometry geometry = Geometry.values()[random.nextInt(3)];
    float[][] vectors = ForestTestUtil.vectors(random, Kind.CLUSTERED, n, 16);
    Fixture f = new Fixture(vectors, geometry, 2, 24, 8);
    LeafTraversal.Order order = randomOrder();
    ForestSearcher early = new ForestSearcher(true);
    ForestSearcher whole = new ForestSearcher(false);
    int budget = n;
    int queries = atLeast(30);
    int stopped = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = query(random, vectors);
      Result e = search(early, f, order, query, 10, budget, null, Integer.MAX_VALUE);
      Result w = search(whole, f, order, query, 10, budget, null, Integer.MAX_VALUE);
      checkInvariants(e, f, query, 10, budget, null, "early, query " + q);
      checkInvariants(w, f, query, 10, budget, null, "whole, query " + q);
      assertEquals("a version 3 search spends its budget", budget, w.gathered);
      if (e.gathered < budget) {
        stopped++;
        int shorter = (int) e.gathered;
        Result cut = search(whole, f, order, query, 10, shorter, null, Integer.MAX_VALUE);
        assertEquals("query " + q, shorter, cut.gathered);
        assertArrayEquals("query " + q + ", stopped at " + shorter, cut.ords, e.ords);
      }
      Result all = search(early, f, order, query, 10, 2 * n, null, Integer.MAX_VALUE);
      assertEquals("a budget of every entry is spent", 2 * n, all.gathered);
    }
    if (VERBOSE) {
      System.out.println(stopped + " of " + queries + " stopped early");
    }
    assertTrue(stopped + " of " + queries + " stopped early", stopped > 0);
  }

  /** The collector's visit limit stops the scoring: never more exact scores than the limit. */
  public void testVisitLimit() throws IOException {
    Random random = random();
    int n = 1000;
    float[][] vectors = ForestTestUtil.vectors(random, Kind.GAUSSIAN, n, 8);
    Fixture f = new Fixture(vectors, Geometry.EUCLIDEAN, 2, 16, 8);
    for (int q = 0; q < 10; q++) {
      int limit = 1 + random.nextInt(30);
      float[] query = query(random, vectors);
      Result r = search(new ForestSearcher(), f, randomOrder(), query, 10, n, null, limit);
      assertTrue(r.scorer.total + " scores over a limit of " + limit, r.scorer.total <= limit);
      assertEquals(r.scorer.total, r.visited);
    }
  }

  /**
   * Scoring candidates together ({@link ExactScores}) finds every hit that scoring them one by one
   * finds, in batches of at most {@link ForestSearcher#SCORED_TOGETHER}, at most that many less one
   * extra exact scores, and never past the visit limit.
   */
  public void testBatchedScoresMatchOneByOne() throws IOException {
    Random random = random();
    int n = 2000 + random.nextInt(2000);
    float[][] vectors = ForestTestUtil.vectors(random, Kind.CLUSTERED, n, 4 + random.nextInt(40));
    Fixture f = new Fixture(vectors, Geometry.EUCLIDEAN, 2, 32, 8);
    int[] largestBatch = new int[1];
    ExactScores batched =
        (scorer, ords, scores, count) -> {
          largestBatch[0] = Math.max(largestBatch[0], count);
          // a bulk scorer's answers, in its own order
          for (int i = count - 1; i >= 0; i--) {
            scores[i] = scorer.score(ords[i]);
          }
        };
    for (int q = 0; q < 20; q++) {
      float[] query = query(random, vectors);
      LeafTraversal.Order order = randomOrder();
      int budget = 50 + random.nextInt(n);
      int limit = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(60);
      Result single = search(new ForestSearcher(), f, order, query, 10, budget, null, limit);
      Result together =
          search(new ForestSearcher(true, batched), f, order, query, 10, budget, null, limit);
      assertTrue(together.scorer.total <= limit);
      assertEquals(together.scorer.total, together.visited);
      assertTrue(
          together.visited + " against " + single.visited,
          together.visited >= single.visited
              && together.visited < single.visited + ForestSearcher.SCORED_TOGETHER);
      if (limit == Integer.MAX_VALUE) {
        // scoring more can only find better hits
        for (int i = 0; i < single.scores.length; i++) {
          assertTrue(together.scores[i] >= single.scores[i]);
        }
      }
    }
    assertTrue(largestBatch[0] > 1 && largestBatch[0] <= ForestSearcher.SCORED_TOGETHER);
  }

  /**
   * One searcher serves many queries and forests (its buffers and seen marks are reused): each
   * result is the one a fresh searcher gives.
   */
  public void testReusedSearcherMatchesFreshOne() throws IOException {
    Random random = random();
    Fixture[] fixtures = new Fixture[3];
    for (int i = 0; i < fixtures.length; i++) {
      int dim = 1 + random.nextInt(100);
      fixtures[i] =
          new Fixture(
              ForestTestUtil.vectors(
                  random, Kind.values()[random.nextInt(3)], 50 + random.nextInt(800), dim),
              Geometry.values()[random.nextInt(3)],
              1 + random.nextInt(3),
              1 + random.nextInt(100),
              2 + random.nextInt(16));
    }
    ForestSearcher reused = new ForestSearcher();
    for (int q = 0; q < atLeast(30); q++) {
      Fixture f = fixtures[random.nextInt(fixtures.length)];
      float[] query = query(random, f.vectors);
      int k = 1 + random.nextInt(30);
      int budget = random.nextInt(f.vectors.length + 10);
      Bits accept =
          random.nextBoolean() ? null : randomFilter(random, f.vectors.length, random.nextDouble());
      LeafTraversal.Order order = randomOrder();
      Result a = search(reused, f, order, query, k, budget, accept, Integer.MAX_VALUE);
      Result b =
          search(new ForestSearcher(), f, order, query, k, budget, accept, Integer.MAX_VALUE);
      checkInvariants(a, f, query, k, budget, accept, "reused");
      assertArrayEquals(b.ords, a.ords);
      assertArrayEquals(b.scorer.counts, a.scorer.counts);
      assertEquals(b.gathered, a.gathered);
    }
  }

  /**
   * {@link ForestSearcher#scoreAll}: exact search, with or without a filter, within the visit
   * limit.
   */
  public void testScoreAllIsExact() throws IOException {
    Random random = random();
    int n = 1 + random.nextInt(500);
    Geometry geometry = Geometry.values()[random.nextInt(3)];
    float[][] vectors =
        ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], n, 1 + random.nextInt(20));
    Similarity similarity = new Similarity(geometry, vectors);
    for (int q = 0; q < 20; q++) {
      float[] query = query(random, vectors);
      FixedBitSet filter = randomFilter(random, n, random.nextDouble());
      Bits accept;
      switch (random.nextInt(3)) {
        case 0:
          accept = null;
          break;
        case 1:
          accept = filter;
          break;
        default:
          accept = bare(filter);
      }
      int k = 1 + random.nextInt(20);
      CountingScorer scorer = new CountingScorer(similarity, query);
      TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
      ForestSearcher.scoreAll(scorer, collector, accept);
      int accepted = accept == null ? n : filter.cardinality();
      assertEquals(accepted, scorer.total);
      assertEquals(accepted, collector.visitedCount());
      for (int ord = 0; ord < n; ord++) {
        assertEquals(accept == null || accept.get(ord) ? 1 : 0, scorer.counts[ord]);
      }
      ScoreDoc[] top = collector.topDocs().scoreDocs;
      int[] ords = Arrays.stream(top).mapToInt(sd -> sd.doc).toArray();
      assertSameScores("scoreAll", similarity, query, similarity.exactTopK(query, k, accept), ords);

      int limit = 1 + random.nextInt(n);
      CountingScorer limited = new CountingScorer(similarity, query);
      ForestSearcher.scoreAll(limited, new TopKnnCollector(k, limit), accept);
      assertEquals(Math.min(limit, accepted), limited.total);
    }
  }
}
