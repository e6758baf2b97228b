package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BitSet;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.LongHeap;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.SparseFixedBitSet;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Annoy's best-first search over all trees of a forest at once.
 *
 * <p>One priority queue holds subtrees of every tree. The priority of a subtree is the smallest
 * margin on the path to it, measured on the side the path takes (Annoy's rule), so subtrees whose
 * region is far from the query on some split come last.
 *
 * <p>Two phases. Gathering: leaves are visited in that order until {@link #GATHER_FACTOR} ×
 * {@code budget} distinct accepted candidates are known, each with the number of trees that put it
 * in a visited leaf. Scoring: the {@code budget} most voted candidates (ties: first seen first) are
 * scored exactly once each by the {@link RandomVectorScorer} and offered to the {@link
 * KnnCollector}, which sees ordinals. With {@link Sketches}, gathered candidates are ranked by
 * their estimated distance instead of their votes, gathering stops when the best estimates stop
 * changing (see {@link #SKETCH_QUIET_LEAVES}), and candidates are scored in the order of their
 * estimates until the collector's top hits settle (see {@link #SKETCH_RESCORE_DIVISOR}); {@link
 * #scan} ranks every accepted vector that way when the trees would cost more.
 *
 * <p>Stopping rule: the search stops when it has scored {@code budget} candidates, when the
 * collector terminates early (its visit limit counts exactly the scored candidates), or when every
 * tree is exhausted, in which case every accepted ordinal has been gathered. Ordinals rejected by
 * {@code acceptOrds} are skipped by a bit test before anything is computed and are not gathered, so
 * a filter makes the search go deeper rather than return fewer hits.
 *
 * <p>An instance reuses its queue and buffers; it is not thread-safe.
 */
public final class ForestSearcher {
  /**
   * Candidates gathered per candidate scored. A true neighbour tends to fall in the query's leaf in
   * many trees, a stray one in few: gathering more than the budget and scoring the most voted
   * spends exact distances where they pay (measured on Fashion-MNIST: recall@10 at 40 candidates
   * per hit from 0.949 to 0.974), for the price of visiting more leaves, which are cheap.
   */
  static final int GATHER_FACTOR = 3;

  /**
   * With sketches: gathered candidates are ranked by their sketches and scored in that order, at
   * least one in this many of the budget, then as {@link #SKETCH_SETTLE_FACTOR} says, at most the
   * budget. Measured on Fashion-MNIST (sketches of 128 coordinates): at 20 candidates per hit,
   * recall@10 0.966 from about 40 exact scores, where votes needed 400 for 0.955.
   */
  static final int SKETCH_RESCORE_DIVISOR = 8;

  /**
   * Scoring goes on until this many times the rank of the last candidate that entered the top
   * hits: where the sketches rank well, the top hits settle among the first candidates and
   * scoring stops soon after; where they rank poorly, late improvements make it go on in
   * proportion. Measured against the rule it replaced (stop after twice the minimum in a row
   * without improvement, a patience that grew with the budget): on Fashion-MNIST at 20 and 40
   * candidates per hit, 68 / 72 exact scores per query (was 67 / 118) for recall@10 0.9612 /
   * 0.9903 (was 0.9611 / 0.9904); on 256-dimension clustered vectors whose 128 principal
   * coordinates keep 85% of the variance, recall@10 0.942 / 0.991 / 0.998 at 10 / 20 / 40 per hit
   * (was 0.936 / 0.991 / 0.998) at the same speed; TestAnnoyRecall's sketched fields 0.996 - 0.999
   * (was 0.995 - 0.997). A factor of 3 scored fewer still but lost 0.002 - 0.005 of that recall
   * on the test's fields.
   */
  static final int SKETCH_SETTLE_FACTOR = 4;

  /**
   * Scoring also stops, sooner than {@link #SKETCH_SETTLE_FACTOR} would, once the next candidate's
   * estimate is too far behind the k-th best exact distance for its error to bring it in: when
   * {@code estimate + lowest error − ESTIMATE_ERROR_SLACK × (highest − lowest error)} exceeds that
   * distance, the errors being those of the candidates scored so far (exact distance minus
   * estimate). Estimates rank in increasing order, so no later candidate is nearer by that
   * measure either. Where sketches describe the data well their errors are narrow and the search
   * stops early; where they describe it poorly the errors are wide and scoring goes on. Measured
   * against the settle rule alone (which still caps scoring): Fashion-MNIST at 10 / 15 / 20 / 40
   * candidates per hit 62 / 65 / 67 / 72 → 39 / 42 / 45 / 61 exact scores per query, recall@10
   * 0.8936 / 0.9403 / 0.9644 / 0.9912 → 0.8934 / 0.9401 / 0.9644 / 0.9912; on TestAnnoyRecall's
   * sketched data (256 dimensions, 50 clusters, 500 queries) the same recall and scores at 10 and
   * 20 per hit, and 292 → 264 scores at 40. A slack of 0.1 lost up to 0.003 of recall there, 0.35
   * saved a fifth less on Fashion-MNIST.
   */
  static final float ESTIMATE_ERROR_SLACK = 0.25f;

  /**
   * With sketches, gathering stops once the kept candidates (the budget's best estimates so far)
   * are full and this many full leaves' worth of accepted entries ({@code SKETCH_QUIET_LEAVES ×
   * maxLeafSize}) have been read without adding any to them: a query whose neighbours the first
   * leaves hold stops early, one whose leaves keep yielding better candidates goes on, up to {@link
   * #SKETCH_GATHER_LIMIT} times the plan's target. Counted in entries, so that a filter, under
   * which a leaf yields fewer accepted vectors, makes the search read more leaves rather than give
   * up sooner (counted in leaves, four in a row, the default budget's recall fell from 0.998 to
   * 0.990 under a random 50% filter and to 0.992 under a one-class filter, and at 10 per hit from
   * 0.996 to 0.961 under a random 10% filter; counted in entries, 0.997, 0.996, 0.994). Measured on
   * Fashion-MNIST (leaves of at most 64, about 46 entries each) with four quiet leaves, against
   * gathering a fixed {@link #GATHER_FACTOR} × budget (CPU per query, three alternating runs):
   * recall@10 0.9494 at 10 per hit in 149 – 164 µs where the fixed target gave 0.9546 at 18 per hit
   * in 170 – 185 µs, 0.9596 (12 per hit) in 155 – 164 µs against 0.9610 (20) in 168 – 187 µs, and
   * 0.9908 (40) in 260 – 275 µs against 0.9907 (40) in 282 – 332 µs. Three quiet leaves reached
   * 0.9878 at 40 per hit and were slower for a given recall; two, offline, worse above 0.95. The
   * count in entries (three full leaves, about four of Fashion-MNIST's) against four leaves, two
   * alternating runs: 0.9530 at 10 per hit in 157 – 168 µs against 0.9494 in 152 – 164 µs.
   */
  static final int SKETCH_QUIET_LEAVES = 3;

  /**
   * With sketches and no filter, gathering may go on to this many times the plan's gather target
   * ({@link #GATHER_FACTOR} × budget) while the leaves keep yielding better candidates. Replayed
   * offline on Fashion-MNIST: a limit of 1 loses most of the gain (recall@10 of the gathered
   * candidates at 15 per hit 0.969 → 0.938), 2 keeps nearly all of it (0.969, unlimited 0.972).
   * With a filter the limit is the target: {@link SearchPlan} chose the search over a scan for the
   * price of its target, and a filtered leaf yields few candidates, so going past it cost more than
   * it gained (random 10% filter at 10 per hit: 1,509 QPS at recall 0.9955 with a limit of 2, 3,271
   * at 0.994 with 1).
   */
  static final int SKETCH_GATHER_LIMIT = 2;

  /** Up to this many ordinals, a query marks the candidates it has seen in a dense bit set. */
  private static final int DENSE_SEEN_LIMIT = 1 << 18;

  private final NodeQueue queue = new NodeQueue();
  private final int[] children = new int[2];
  private int[] leafOrds = new int[0];
  /** Candidates seen for the first time in the last leaf, waiting for their estimates. */
  private int[] fresh = new int[0];

  /**
   * Searches {@code forest} for the vectors nearest to {@code query}.
   *
   * @param forest the forest (a view for this query)
   * @param query the query as floats, in the vectors' space (projected here if the forest is)
   * @param scorer exact scores of ordinals against the query
   * @param collector receives (ordinal, score) pairs
   * @param acceptOrds ordinals that may be collected, or null for all
   * @param budget how many accepted candidates to score, at least {@code collector.k()} to return
   *     k hits when they exist
   */
  public void search(
      Forest forest,
      float[] query,
      RandomVectorScorer scorer,
      KnnCollector collector,
      Bits acceptOrds,
      int budget)
      throws IOException {
    search(forest, query, scorer, collector, acceptOrds, budget, scorer.maxOrd());
  }

  /**
   * As {@link #search(Forest, float[], RandomVectorScorer, KnnCollector, Bits, int)}, knowing that
   * {@code acceptOrds} accepts at most {@code accepted} ordinals, which lets the search adapt to a
   * filter (see {@link SearchPlan}): when the leaves it reads accept far fewer vectors than the
   * filter does overall, the accepted vectors lie away from the query and the search raises its
   * budget, or, when that would cost more than scoring every accepted vector, scores them all.
   */
  public void search(
      Forest forest,
      float[] query,
      RandomVectorScorer scorer,
      KnnCollector collector,
      Bits acceptOrds,
      int budget,
      long accepted)
      throws IOException {
    if (leafOrds.length < forest.maxLeafSize()) {
      leafOrds = new int[forest.maxLeafSize()];
      fresh = new int[forest.maxLeafSize()];
    }
    int dimension = query.length;
    float[] fullQuery = query;
    float[] projectedQuery = null;
    Projection projection = forest.projection();
    if (projection != null) {
      projectedQuery = projection.project(query, new float[projection.rows()]);
      query = Arrays.copyOf(projectedQuery, projection.splitRows());
    }
    Sketches sketches = forest.sketches();
    if (sketches != null) {
      int rescored = rescored(budget, collector.k());
      SearchPlan plan =
          new SearchPlan(
              rescored,
              scorer.maxOrd(),
              acceptOrds == null ? scorer.maxOrd() : accepted,
              dimension,
              (double) GATHER_FACTOR * budget / rescored,
              true);
      SketchScorer estimates = new SketchScorer(sketches, fullQuery, projectedQuery);
      Ranked ranked = gatherSketched(forest, query, estimates, acceptOrds, plan, scorer.maxOrd());
      if (ranked == null) {
        ranked = rankAll(estimates, acceptOrds, plan.budget(), scorer.maxOrd());
      }
      scoreUntilStable(ranked, plan.budget(), estimates, scorer, collector);
      return;
    }
    SearchPlan plan =
        new SearchPlan(budget, scorer.maxOrd(), acceptOrds == null ? scorer.maxOrd() : accepted, dimension);
    CandidateVotes candidates = gather(forest, query, acceptOrds, plan);
    if (candidates == null) {
      scanAll(scorer, collector, acceptOrds);
      return;
    }
    int[] ranked = candidates.byVotes();
    scoreInOrder(ranked, Math.min(plan.budget(), ranked.length), scorer, collector);
  }

  /**
   * Scores {@code ranked} in order, at least {@code minimum} of them, then until {@link
   * #SKETCH_SETTLE_FACTOR} times the rank of the last one that entered the collector's top hits
   * or until the next estimate is out of reach ({@link #ESTIMATE_ERROR_SLACK}): sketches that rank
   * well stop the search early, sketches of data they describe poorly (variance spread over many
   * directions) make it score more.
   */
  private static void scoreUntilStable(
      Ranked ranked, int minimum, SketchScorer estimates, RandomVectorScorer scorer, KnnCollector collector)
      throws IOException {
    long settled = 0; // ranks up to here have been scored since the last improvement
    float lowestError = Float.POSITIVE_INFINITY;
    float highestError = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < ranked.size(); i++) {
      if (collector.earlyTerminated()) {
        return;
      }
      float competitive = collector.minCompetitiveSimilarity();
      if (i >= minimum) {
        if (i >= settled) {
          return;
        }
        float reach = lowestError - ESTIMATE_ERROR_SLACK * (highestError - lowestError);
        if (competitive != Float.NEGATIVE_INFINITY
            && ranked.estimate(i) + reach > estimates.distanceOf(competitive)) {
          return;
        }
      }
      int ord = ranked.ord(i);
      float score = scorer.score(ord);
      float error = estimates.distanceOf(score) - ranked.estimate(i);
      if (Float.isFinite(error)) {
        lowestError = Math.min(lowestError, error);
        highestError = Math.max(highestError, error);
      }
      collector.incVisitedCount(1);
      collector.collect(ord, score);
      if (score > competitive) {
        settled = (long) SKETCH_SETTLE_FACTOR * (i + 1);
      }
    }
  }

  /** Candidates scored exactly out of a sketched search's budget. */
  static int rescored(int budget, int k) {
    return Math.max(k, (budget + SKETCH_RESCORE_DIVISOR - 1) / SKETCH_RESCORE_DIVISOR);
  }

  /**
   * Whether scoring every accepted vector is expected to be cheaper than searching {@code forest}
   * with {@code budget} for {@code k} hits (see {@link SearchPlan}).
   *
   * @param accepted how many vectors the filter (and live documents) accept, at most {@code size}
   * @param size how many vectors the segment holds
   */
  public static boolean exactIsCheaper(Forest forest, long accepted, long size, int budget, int k, int dimension) {
    if (forest.sketches() == null) {
      return SearchPlan.exactIsCheaper(accepted, size, budget, dimension);
    }
    return SearchPlan.exactIsCheaper(accepted, size, rescored(budget, k), (long) GATHER_FACTOR * budget, dimension);
  }

  private static void scoreInOrder(int[] ranked, int scores, RandomVectorScorer scorer, KnnCollector collector)
      throws IOException {
    for (int i = 0; i < scores; i++) {
      if (collector.earlyTerminated()) {
        return;
      }
      int ord = ranked[i];
      float score = scorer.score(ord);
      collector.incVisitedCount(1);
      collector.collect(ord, score);
    }
  }

  /**
   * Visits leaves best-first until the plan's target of distinct accepted candidates is gathered or
   * every tree is exhausted, counting for each candidate the trees that put it in a visited leaf.
   * Returns null when the plan decides that scoring every accepted vector is cheaper.
   */
  private CandidateVotes gather(Forest forest, float[] query, Bits acceptOrds, SearchPlan plan)
      throws IOException {
    CandidateVotes candidates = new CandidateVotes(plan.gatherTarget() + forest.maxLeafSize());
    queue.clear();
    for (int t = 0; t < forest.numTrees(); t++) {
      queue.push(Float.POSITIVE_INFINITY, forest.root(t));
    }
    long entries = 0;
    long acceptedEntries = 0;
    while (queue.size() > 0 && candidates.size() < plan.gatherTarget()) {
      int ref = descendToLeaf(forest, query);
      int count = forest.leaf(ref, leafOrds);
      entries += count;
      for (int i = 0; i < count; i++) {
        int ord = leafOrds[i];
        if (acceptOrds == null || acceptOrds.get(ord)) {
          acceptedEntries++;
          candidates.add(ord);
        }
      }
      if (acceptOrds != null && plan.adapt(entries, acceptedEntries, candidates.size()) == false) {
        return null;
      }
    }
    return candidates;
  }

  /**
   * Pops the most promising subtree and descends from it to a leaf, pushing the far side of every
   * split on the way; returns the leaf.
   */
  private int descendToLeaf(Forest forest, float[] query) throws IOException {
    long top = queue.pop();
    float priority = NodeQueue.priorityOf(top);
    int ref = NodeQueue.refOf(top);
    while (NodeRefs.isLeaf(ref) == false) {
      float margin = forest.split(ref, query, children);
      int near = margin > 0 ? children[1] : children[0];
      int far = margin > 0 ? children[0] : children[1];
      float nearPriority = Math.min(priority, Math.abs(margin));
      queue.push(Math.min(priority, -Math.abs(margin)), far);
      if (queue.topPriority() > nearPriority) {
        // another subtree is now more promising: continue there, as a push and a pop would
        top = queue.replaceTop(nearPriority, near);
        priority = NodeQueue.priorityOf(top);
        ref = NodeQueue.refOf(top);
      } else {
        priority = nearPriority;
        ref = near;
      }
    }
    return ref;
  }

  /**
   * Visits leaves best-first, estimating the distance of each new accepted candidate from its
   * sketch, until the plan's target of distinct candidates is reached or the trees are exhausted.
   * Returns the plan's number of best estimated candidates, best first, or null when the plan
   * decides that scoring every accepted vector is cheaper.
   */
  private Ranked gatherSketched(
      Forest forest, float[] query, SketchScorer estimates, Bits acceptOrds, SearchPlan plan, int maxOrd)
      throws IOException {
    BitSet seen = maxOrd <= DENSE_SEEN_LIMIT ? new FixedBitSet(maxOrd) : new SparseFixedBitSet(maxOrd);
    Ranking ranking = new Ranking(plan.budget());
    queue.clear();
    for (int t = 0; t < forest.numTrees(); t++) {
      queue.push(Float.POSITIVE_INFINITY, forest.root(t));
    }
    long entries = 0;
    long acceptedEntries = 0;
    int gathered = 0;
    // The candidates new in one leaf are estimated only after the next leaf has been found: their
    // sketches, asked for first, then arrive while the trees are descended. The estimates and
    // their order are those of estimating each leaf at once.
    int pending = 0;
    // accepted entries read since the kept candidates, full, last changed: a filter makes each leaf
    // yield fewer, so quiet is counted in entries rather than leaves
    long quiet = 0;
    long quietLimit = (long) SKETCH_QUIET_LEAVES * forest.maxLeafSize();
    long pendingEntries = 0; // accepted entries of the leaf whose candidates are pending
    // with a filter, the plan priced the search at its target: going past it could cost more than
    // the scan the plan turned down
    int limit = acceptOrds == null ? SKETCH_GATHER_LIMIT : 1;
    while (queue.size() > 0 && gathered < (long) limit * plan.gatherTarget()) {
      int ref = descendToLeaf(forest, query);
      boolean entered = offerAll(ranking, estimates, pending);
      pending = 0;
      quiet = ranking.full() == false || entered ? 0 : quiet + pendingEntries;
      if (quiet >= quietLimit) {
        break;
      }
      int count = forest.leaf(ref, leafOrds);
      entries += count;
      long acceptedBefore = acceptedEntries;
      for (int i = 0; i < count; i++) {
        int ord = leafOrds[i];
        if (acceptOrds == null || acceptOrds.get(ord)) {
          acceptedEntries++;
          if (seen.getAndSet(ord) == false) {
            fresh[pending++] = ord;
          }
        }
      }
      pendingEntries = acceptedEntries - acceptedBefore;
      estimates.prefetch(fresh, pending);
      gathered += pending;
      if (acceptOrds != null && plan.adapt(entries, acceptedEntries, gathered) == false) {
        return null;
      }
      ranking.grow(plan.budget());
    }
    offerAll(ranking, estimates, pending);
    return ranking.ranked();
  }

  /** Offers the first {@code count} fresh candidates; returns whether any was kept. */
  private boolean offerAll(Ranking ranking, SketchScorer estimates, int count) throws IOException {
    boolean kept = false;
    for (int i = 0; i < count; i++) {
      kept |= ranking.offer(fresh[i], estimates);
    }
    return kept;
  }

  /**
   * Scans the accepted vectors instead of searching the trees: with sketches, ranks every accepted
   * vector by its sketch and scores the best exactly as a search would (a filter of {@code
   * accepted} vectors then costs an estimate each, a seventh of a 784-dimension distance, rather
   * than a distance each); without sketches, or when the budget covers every accepted vector,
   * scores every accepted vector ({@link #scanAll}).
   */
  public void scan(
      Forest forest, float[] query, RandomVectorScorer scorer, KnnCollector collector, Bits acceptOrds, int budget, long accepted)
      throws IOException {
    Sketches sketches = forest.sketches();
    if (sketches == null || accepted <= budget) {
      // the budget would score every accepted vector anyway: score them, exactly
      scanAll(scorer, collector, acceptOrds);
      return;
    }
    int rescored = rescored(budget, collector.k());
    Projection projection = forest.projection();
    float[] projectedQuery = projection.project(query, new float[projection.rows()]);
    SketchScorer estimates = new SketchScorer(sketches, query, projectedQuery);
    Ranked ranked = rankAll(estimates, acceptOrds, rescored, scorer.maxOrd());
    scoreUntilStable(ranked, rescored, estimates, scorer, collector);
  }

  /**
   * Every accepted ordinal's estimate, keeping the {@code SKETCH_RESCORE_DIVISOR · rescored} best,
   * best first.
   */
  private static Ranked rankAll(SketchScorer estimates, Bits acceptOrds, int rescored, int maxOrd) throws IOException {
    Ranking ranking = new Ranking(rescored);
    forEachAccepted(acceptOrds, maxOrd, ord -> {
      ranking.offer(ord, estimates);
      return true;
    });
    return ranking.ranked();
  }

  /** Receives accepted ordinals in order; returns false to stop. */
  private interface OrdinalVisitor {
    boolean visit(int ord) throws IOException;
  }

  /**
   * Visits the ordinals below {@code maxOrd} that {@code acceptOrds} accepts (all when null), in
   * increasing order: a bit set's set bits directly, so a selective filter costs its own size.
   */
  private static void forEachAccepted(Bits acceptOrds, int maxOrd, OrdinalVisitor visitor) throws IOException {
    if (acceptOrds instanceof BitSet) {
      BitSet bits = (BitSet) acceptOrds;
      for (int ord = bits.nextSetBit(0); ord < maxOrd; ) {
        if (visitor.visit(ord) == false) {
          return;
        }
        ord = ord + 1 < bits.length() ? bits.nextSetBit(ord + 1) : DocIdSetIterator.NO_MORE_DOCS;
      }
      return;
    }
    for (int ord = 0; ord < maxOrd; ord++) {
      if ((acceptOrds == null || acceptOrds.get(ord)) && visitor.visit(ord) == false) {
        return;
      }
    }
  }

  /**
   * The best estimated candidates a sketched search may score, enough for the whole budget should
   * the estimates rank so poorly that the scoring never settles.
   */
  private static final class Ranking {
    private LongHeap best;
    private int capacity;

    /** For a search that scores at least {@code rescored} candidates. */
    Ranking(int rescored) {
      capacity = rescored * SKETCH_RESCORE_DIVISOR;
      best = new LongHeap(capacity);
    }

    /** Returns whether the candidate is kept, for now. */
    boolean offer(int ord, SketchScorer estimates) throws IOException {
      float estimate = estimates.distance(ord);
      return best.insertWithOverflow(((long) NumericUtils.floatToSortableInt(-estimate) << 32) | ord);
    }

    boolean full() {
      return best.size() >= capacity;
    }

    /** Keeps more candidates when the plan raised the minimum scored to {@code rescored}. */
    void grow(int rescored) {
      if (rescored * SKETCH_RESCORE_DIVISOR > capacity) {
        capacity = rescored * SKETCH_RESCORE_DIVISOR;
        LongHeap larger = new LongHeap(capacity);
        larger.pushAll(best);
        best = larger;
      }
    }

    /** The candidates kept, best estimate first. */
    Ranked ranked() {
      // larger keys are better estimates: sort the heap's array rather than pop it
      long[] keys = new long[best.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = best.get(i + 1);
      }
      Arrays.sort(keys);
      return new Ranked(keys);
    }
  }

  /** Candidates in increasing order of their estimated distance, with those estimates. */
  private static final class Ranked {
    /** {@link Ranking}'s keys, sorted in increasing order: the best estimate is the last. */
    private final long[] keys;

    Ranked(long[] keys) {
      this.keys = keys;
    }

    int size() {
      return keys.length;
    }

    int ord(int rank) {
      return (int) keys[keys.length - 1 - rank];
    }

    float estimate(int rank) {
      return -NumericUtils.sortableIntToFloat((int) (keys[keys.length - 1 - rank] >>> 32));
    }
  }

  /**
   * Scores every accepted ordinal: exact search, used when the budget would score (almost) all of
   * them anyway. Honors the collector's visit limit.
   */
  public static void scanAll(RandomVectorScorer scorer, KnnCollector collector, Bits acceptOrds)
      throws IOException {
    forEachAccepted(acceptOrds, scorer.maxOrd(), ord -> {
      if (collector.earlyTerminated()) {
        return false;
      }
      collector.incVisitedCount(1);
      collector.collect(ord, scorer.score(ord));
      return true;
    });
  }
}
