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

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.BitSet;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.LongHeap;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.SparseFixedBitSet;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Searches a forest in two phases.
 *
 * <p><b>Gathering.</b> Leaves are read in {@link LeafTraversal}'s order, over all trees at once.
 * Every accepted entry of a leaf (a vector is in one leaf of every tree) gets an estimate of its
 * distance from its code ({@link LeafCoder}, {@link QueryCode}) and an error bound, {@code
 * ERROR_BOUND} times the estimator's scale for that vector and query. A whole leaf's codes are
 * bounded at once, first from the high half of the query's bits ({@link QueryCode#bounds}): only
 * the few that may pass the bar below are completed (under a filter that rejects most of a leaf,
 * only its accepted entries are bounded). Gathering stops after {@code budget} accepted leaf
 * entries (under a filter, often sooner, and later when the filter rejects the query's
 * neighbourhood: see {@link #search(Forest, LeafTraversal.Order, float[], RandomVectorScorer,
 * ScoreToDistance, KnnCollector, Bits, double, long, int)}), or when the trees are exhausted (then
 * every accepted vector was looked at), or early, before a leaf, when the last {@code budget /
 * }{@value #STALL_DIVISOR} entries added no candidate: the query's neighbourhood has then been
 * covered, and the rest of the budget would gather only vectors that are dropped (a budget covering
 * every entry never stops early, nor does a search before it has met {@code m} candidates). An
 * entry whose lower bound exceeds the {@code m}-th smallest upper bound so far ({@code m} = {@link
 * #minimumScored}) cannot be among the nearest and is dropped; otherwise its vector becomes a
 * candidate, once, however many trees hold it. The budget counts entries, not distinct vectors,
 * because an entry costs the same whether its vector was seen before or not: so a budget bounds the
 * work.
 *
 * <p><b>Scoring.</b> The rest are scored exactly by the {@link RandomVectorScorer}, in order of
 * their lower bounds, until the next lower bound exceeds the collector's k-th best distance (after
 * at least {@code m}): no vector left can then enter the top hits, within the bounds' confidence.
 * Each exact score counts as one visited vector, so the collector's visit limit and Lucene's
 * fallback to exact search for selective filters work as with HNSW.
 *
 * <p>An instance reuses its buffers; it is not thread-safe.
 */
public final class ForestSearcher {
  /**
   * The estimate's error bound in units of its standard scale: a true neighbour is lost only when
   * its estimate errs by more. Measured on Fashion-MNIST and text embeddings: at 1.0 recall fell by
   * 0.01 - 0.03 below what the gathered candidates held, at 2.0 by 0.001 - 0.003, at 3.0 by none,
   * for 20 - 40% more exact scores than at 1.0.
   */
  static final float ERROR_BOUND = 2.5f;

  /** Up to this many ordinals, a query marks the vectors it has seen in a dense bit set. */
  private static final int DENSE_SEEN_LIMIT = 1 << 18;

  /**
   * Candidates scored together ({@link ExactScores}): past the first {@code m}, a batch may score
   * up to this many less one that the bar, updated only between batches, would have stopped.
   */
  static final int SCORED_TOGETHER = 4;

  private final LeafTraversal traversal = new LeafTraversal();
  private final boolean stopsEarly;
  private final ExactScores exactScores;
  private final int[] batchOrds = new int[SCORED_TOGETHER];
  private final float[] batchScores = new float[SCORED_TOGETHER];
  private LeafBlock block;
  private float[] mapped = new float[0];
  private QueryCode code;
  private BitSet seen;

  /** The ordinals set in {@link #seen}, to clear them for the next query. */
  private int[] seenOrds = new int[256];

  private int seenCount;

  /** The entries of the leaf just bounded that may be below the bar ({@link QueryCode#bounds}). */
  private int[] passing = new int[0];

  private int[] poolOrds = new int[256];
  private float[] poolLower = new float[256];
  private int poolSize;
  private final LongHeap order = new LongHeap(64);
  private long gathered;

  /** Positions of a leaf's accepted entries ({@link #selectAccepted}). */
  private int[] selected = new int[0];

  /** Entries of the leaf {@link #selectAccepted} looked at, accepted or not. */
  private int scanned;

  /** Whether this search's filter accepts entries as if by coin toss ({@link #COIN_TOSS_SHARE}). */
  private boolean coinToss;

  /** The {@code minimum}-th smallest upper bound so far. */
  private final CandidateBar bar = new CandidateBar();

  private float[] lowers = new float[0];
  private float[] uppers = new float[0];

  /**
   * A search stops early once {@code 1/}{@value} of its budget has passed without a new candidate
   * (but not within two full leaves: a window shorter than a leaf would stop at the first leaf that
   * adds nothing). Measured at equal recall: on text embeddings 7 - 18% fewer entries gathered
   * (recall 0.95 - 0.99), on Fashion-MNIST 15% fewer from 0.99 up and as many below. Calibration
   * replays searches with the same rule ({@link BudgetCalibration}), so a default still reaches its
   * target.
   */
  static final int STALL_DIVISOR = 20;

  /**
   * How the entries a filtered search reads grow as the filter narrows: {@code budget·fraction^-}
   * this ({@link #filteredReads}). Measured on merged 60,000-vector segments at the default budget
   * (Java 17, 200 queries, random filters): at 0.3, Fashion-MNIST 0.976 / 0.982 / 0.965 recall@10
   * at 50% / 10% / 2%, text embeddings 0.968 / 0.976 (2% is scored exactly); at 1.0 (gathering
   * {@code budget} accepted entries) 0.988 - 1.000 at 0.2 - 0.7 times the speed.
   */
  static final double FILTER_EXPONENT = 0.3;

  /**
   * Accepted entries a filtered search expects to have met, by the filter's share of the entries it
   * read, when it judges whether the filter rejects the query's neighbourhood ({@link
   * #search(Forest, LeafTraversal.Order, float[], RandomVectorScorer, ScoreToDistance,
   * KnnCollector, Bits, double, long, int)}): after its first leaf or two under a broad filter.
   */
  static final int NEIGHBOURHOOD_SAMPLE = 32;

  /**
   * How much poorer in accepted entries than the filter's share the first leaves must be for the
   * search to read on past its budget: fewer than 4 of the 32 expected, a chance below {@code
   * 1e-10} under a random filter. A filter that merely thins the neighbourhood does not need it: on
   * text embeddings filtered by part of speech (verbs, 12% of the glosses; queries from every
   * part), the budget alone reached recall@10 0.958, and with a quarter of the share as the mark,
   * 0.974 at two thirds of the speed; with an eighth, 0.972 at 0.88 times. Where the filter rejects
   * the neighbourhood outright (Fashion-MNIST classes, separate clusters) the first leaves hold
   * next to no accepted entry either way.
   */
  static final int POOR_SHARE = 8;

  /**
   * A leaf of which the filter accepts at least {@code 1/}this is bounded whole, the rejected
   * entries dropped as they are offered, rather than its accepted entries' codes moved together
   * first ({@link CodeBlock#keep}). Where the kernels count a whole group's bits per instruction
   * ({@link ForestKernels#countsGroupsAtOnce}), bounding a code costs less than moving it, and the
   * mark is a quarter: Java 25 text queries under a random 50% filter ran 7 - 12% faster than with
   * a half. Elsewhere bounding costs about as much as moving, and the mark is a half: with a
   * quarter, Java 17 (with and without the vector module) ran 8 - 14% slower under a 30% filter.
   */
  static final int BOUND_WHOLE_LEAF_ABOVE = ForestKernels.get().countsGroupsAtOnce() ? 4 : 2;

  /**
   * Under a filter that accepts between this share of the segment and one less it, whether an entry
   * is accepted is about a coin toss, and the search selects a leaf's accepted entries without
   * branches ({@link #selectAccepted(int[], int, Bits, long, int[], boolean)}): text queries (one
   * merged segment, plain queries at the default, old and new code alternating) under random 30%,
   * 50% and 70% filters ran 9 - 21% faster on Java 25 and 6 - 11% on Java 17. Under 10%, where the
   * branch is well predicted, they ran 5% slower on Java 25, so there the search branches.
   */
  static final double COIN_TOSS_SHARE = 0.25;

  /**
   * Leaves of accepted entries a search past its budget ({@link #NEIGHBOURHOOD_SAMPLE}) gathers
   * without its bar falling before it stops. Measured on well-separated clusters, half of them
   * accepted, queries in the others, in centroid order: 40 clusters in 32 dimensions (12,000
   * vectors, leaves of 256, 4 seeds of 100 queries) 8 leaves reached recall@10 0.977, 16 leaves
   * 0.989 gathering 6,300 of the 12,000 accepted entries; with leaves of 64, 0.905 and 0.952; 20
   * clusters in 16 dimensions (leaves of 32) 0.964 and 0.979. The bar, not the candidate pool: on
   * such data a far region's entries keep passing the bar without lowering it, and waiting for the
   * pool to stop growing read nearly the whole forest.
   */
  static final int REJECTED_NEIGHBOURHOOD_LEAVES = 16;

  /**
   * The budget's share that, when larger than {@value #REJECTED_NEIGHBOURHOOD_LEAVES} leaves, sets
   * a search past its budget's window instead ({@link #rejectedNeighbourhoodWindow}): so that a
   * larger budget (a query's own) reads further. With the whole budget, text embeddings (budgets
   * near 9,000 entries) read on far past what their recall needed.
   */
  static final int BUDGET_SHARE = 4;

  /**
   * How many accepted entries a search that found its neighbourhood rejected gathers without its
   * bar falling before it stops: {@value #REJECTED_NEIGHBOURHOOD_LEAVES} leaves, or a {@code
   * 1/}{@value #BUDGET_SHARE} of the budget if that is more.
   */
  static long rejectedNeighbourhoodWindow(int budget, int maxLeafSize) {
    return Math.max((long) REJECTED_NEIGHBOURHOOD_LEAVES * maxLeafSize, budget / BUDGET_SHARE);
  }

  /**
   * Entries gathered without a new candidate after which a search of {@code budget} stops, in a
   * forest of {@code entries} entries and leaves of at most {@code maxLeafSize}: checked before
   * each leaf, so the search ends at the first leaf that starts further than this past the end of
   * the last leaf that added a candidate. A budget of every entry never stops early: it promises
   * that every vector is looked at.
   */
  static long stallWindow(long budget, long entries, int maxLeafSize) {
    if (budget >= entries) {
      return Long.MAX_VALUE;
    }
    return Math.max(2L * maxLeafSize, budget / STALL_DIVISOR);
  }

  /** A searcher that stops early ({@link #STALL_DIVISOR}) and scores one candidate at a time. */
  public ForestSearcher() {
    this(true, ExactScores.ONE_BY_ONE);
  }

  /** A searcher that stops early ({@link #STALL_DIVISOR}) or not, one candidate at a time. */
  public ForestSearcher(boolean stopsEarly) {
    this(stopsEarly, ExactScores.ONE_BY_ONE);
  }

  /**
   * A searcher that stops early ({@link #STALL_DIVISOR}) or not (a budget calibrated without it,
   * format version 3, is spent in full), scoring candidates {@value #SCORED_TOGETHER} at a time
   * with {@code exactScores}.
   */
  public ForestSearcher(boolean stopsEarly, ExactScores exactScores) {
    this.stopsEarly = stopsEarly;
    this.exactScores = exactScores;
  }

  /** Whether searches may stop before their budget. */
  public boolean stopsEarly() {
    return stopsEarly;
  }

  /**
   * The fewest vectors a search scores exactly when it gathered as many: {@code k} and a quarter
   * more, at least four more, so that Lucene's visit limits just above {@code k} are reached.
   */
  public static int minimumScored(int k) {
    return k + Math.max(4, k / 4);
  }

  /**
   * Searches {@code forest} for the vectors nearest to {@code query}.
   *
   * @param forest the forest (a view for this query)
   * @param query the query as given, in the vectors' own space
   * @param scorer exact scores of ordinals against the query
   * @param toDistance maps the scorer's scores to the forest's squared distances
   * @param collector receives (ordinal, score) pairs
   * @param acceptOrds ordinals that may be collected, or null for all
   * @param order the order in which to read leaves (the segment's calibrated one)
   * @param budget accepted leaf entries to gather, at least {@link #minimumScored}{@code (k)} per
   *     tree
   */
  public void search(
      Forest forest,
      LeafTraversal.Order order,
      float[] query,
      RandomVectorScorer scorer,
      ScoreToDistance toDistance,
      KnnCollector collector,
      Bits acceptOrds,
      int budget)
      throws IOException {
    search(
        forest, order, query, scorer, toDistance, collector, acceptOrds, 1, Long.MAX_VALUE, budget);
  }

  /**
   * Searches {@code forest} under a filter that accepts {@code acceptedFraction} of its vectors,
   * with the budget of an unfiltered search, or gives up without collecting anything once it has
   * read {@code giveUpAfter} leaf entries: then scoring the accepted vectors exactly costs less.
   *
   * <p>A random filter keeps the same share of every leaf, so gathering {@code budget} accepted
   * entries, as an unfiltered search does, would read {@code budget/fraction}. But the {@code k}
   * nearest accepted vectors are then among the {@code k/fraction} nearest of all, which a forest
   * finds with far fewer entries per hit than the nearest {@code k}: at equal recall, the entries
   * needed grow with a small power of the hits sought. So the search stops once it has read {@link
   * #filteredReads} entries and gathered the accepted share of them, provided the leaves read
   * accepted between half and twice the filter's share ({@link #looksRandom}). A filter that keeps
   * the query's neighbourhood (a class the query belongs to) gathers {@code budget} accepted
   * entries, as an unfiltered search.
   *
   * <p>A filter that rejects the neighbourhood (a class the query is far from) leaves the budget
   * without a meaning: it was calibrated on queries whose neighbours lie about them, while these
   * lie beyond a region of rejected vectors, spread over the edges of whatever the filter keeps. So
   * once the leaves read should have held {@value #NEIGHBOURHOOD_SAMPLE} accepted entries, a search
   * that found fewer than a {@code 1/}{@value #POOR_SHARE} of that share reads on past its budget,
   * from the start again in centroid order with the first tree flat ({@link
   * LeafTraversal#startFlat}) whatever the segment's order, until its bar (the {@code m}-th
   * smallest upper bound) has not fallen for {@link #rejectedNeighbourhoodWindow} accepted entries,
   * or gives up. On clustered data with the query's cluster rejected, gathering the budget had
   * reached recall@10 0.4 - 0.6; reading on reaches 0.98 - 1.0 (see {@link
   * #REJECTED_NEIGHBOURHOOD_LEAVES}). On Fashion-MNIST (bound order), five classes of ten accepted,
   * queries from all: 0.927 to 0.974 at 0.84 - 0.89 times the speed; one class accepted: 0.958 to
   * 0.991 at 0.7 - 0.85 times (300 queries, 60,000 vectors, Java 17).
   *
   * @param acceptedFraction the share of the forest's vectors {@code acceptOrds} accepts (1 when it
   *     is null or unknown)
   * @param giveUpAfter leaf entries read after which the search gives up
   * @return false when it gave up
   */
  public boolean search(
      Forest forest,
      LeafTraversal.Order order,
      float[] query,
      RandomVectorScorer scorer,
      ScoreToDistance toDistance,
      KnnCollector collector,
      Bits acceptOrds,
      double acceptedFraction,
      long giveUpAfter,
      int budget)
      throws IOException {
    int k = collector.k();
    int minimum = minimumScored(k);
    // a vector has one entry per tree: so many entries hold at least the minimum of vectors
    budget =
        (int) Math.min(Integer.MAX_VALUE, Math.max(budget, (long) minimum * forest.numTrees()));
    prepare(forest, minimum);
    float[] mapped = this.mapped;
    forest.geometry().mapQuery(query, mapped);
    QueryCode code = this.code;
    code.set(mapped);
    BitSet seen = this.seen;
    traversal.start(forest, order, code, mapped);
    long window =
        stopsEarly
            ? stallWindow(budget, (long) forest.size() * forest.numTrees(), forest.maxLeafSize())
            : Long.MAX_VALUE;
    long lastGrowth = 0;
    int poolBefore = 0;
    boolean filtered = acceptOrds != null && acceptedFraction < 1;
    coinToss =
        filtered && acceptedFraction >= COIN_TOSS_SHARE && acceptedFraction <= 1 - COIN_TOSS_SHARE;
    long reads = filtered ? filteredReads(budget, acceptedFraction) : Long.MAX_VALUE;
    // never fewer accepted entries than hold the minimum of vectors, as for the budget above
    long acceptedShare =
        filtered
            ? Math.max(
                (long) minimum * forest.numTrees(), (long) Math.ceil(reads * acceptedFraction))
            : budget;
    long read = 0;
    // whether the filter was found to reject the query's neighbourhood (judged once, when the
    // leaves read should have held NEIGHBOURHOOD_SAMPLE accepted entries): then the search reads
    // on past its budget until its bar stops falling
    boolean judged = filtered == false;
    boolean beyondBudget = false;
    float lowestBar = Float.POSITIVE_INFINITY;
    long lastFall = 0;
    long fallWindow = rejectedNeighbourhoodWindow(budget, forest.maxLeafSize());
    while ((beyondBudget
            || gathered < budget
                && (read < reads
                    || gathered < acceptedShare
                    || !looksRandom(gathered, read, acceptedFraction)))
        && traversal.next()) {
      if (read > giveUpAfter) {
        return false;
      }
      if (judged == false && read * acceptedFraction >= NEIGHBOURHOOD_SAMPLE) {
        judged = true;
        beyondBudget = gathered * POOR_SHARE < read * acceptedFraction;
        // far from the query, a leaf's own centroid places it better than its ancestors' or the
        // bounds of the hyperplanes above it (LeafTraversal#startFlat): the first leaves, read
        // again, add nothing
        if (beyondBudget) {
          traversal.startFlat(forest, code, mapped);
          if (traversal.next() == false) {
            break;
          }
        }
      }
      if (beyondBudget) {
        if (bar.bar() < lowestBar) {
          lowestBar = bar.bar();
          lastFall = gathered;
        } else if (gathered - lastFall > fallWindow && bar.isFinite()) {
          break;
        }
      } else if (poolSize > poolBefore) {
        poolBefore = poolSize;
        lastGrowth = gathered;
      } else if (gathered - lastGrowth > window && bar.isFinite()) {
        // not before the bar is set: a search that has not met m candidates (a selective filter)
        // looks on
        break;
      }
      int leaf = traversal.leafNumber();
      int count = traversal.leafSize();
      // stop within the leaf at the budget: calibration counted positions entry by entry
      int take;
      // accepted entries still to be checked when offered: those of a leaf bounded whole
      Bits toCheck = null;
      if (acceptOrds == null) {
        forest.readLeaf(leaf, traversal.leafFirstEntry(), count, block);
        take = (int) Math.min(count, budget - gathered);
        gathered += take;
      } else {
        forest.readLeafOrdinals(leaf, traversal.leafFirstEntry(), count, block);
        take =
            selectAccepted(
                block.ords, count, acceptOrds, beyondBudget ? Integer.MAX_VALUE : budget);
        read += count;
        if (take == 0) {
          continue;
        }
        forest.readLeafCodes(leaf, traversal.leafFirstEntry(), count, block);
        if (BOUND_WHOLE_LEAF_ABOVE * take < scanned) {
          // codes of the accepted entries only: a selective filter rejects most of each leaf
          block.keep(selected, take);
        } else {
          // mostly accepted (deletes, a broad filter): the rejected ones are bounded too and
          // dropped when offered, as moving the accepted ones' codes would cost more
          toCheck = take == scanned ? null : acceptOrds;
          take = scanned;
        }
      }
      float leafDistance = traversal.leafDistance();
      int kept =
          code.bounds(
              block.codes,
              take,
              leafDistance,
              (float) Math.sqrt(leafDistance),
              ERROR_BOUND,
              bar.bar(),
              passing,
              lowers,
              uppers);
      offerLeaf(block.ords, kept, seen, toCheck);
    }
    score(scorer, toDistance, collector, minimum);
    return true;
  }

  /**
   * Whether the leaves read so far accepted between half and twice the filter's share of their
   * entries: only then is the filter like a random one near the query, for which reading {@link
   * #filteredReads} suffices. Where the query's neighbourhood is richer in accepted vectors (a
   * cluster the filter keeps, the query at its edge), stopping there lost recall (clustered data,
   * four clusters of forty accepted: 0.93 - 0.95 in some seeds against 0.95 - 1.0); where it is
   * poorer, the accepted neighbours lie beyond it.
   */
  private static boolean looksRandom(long gathered, long read, double acceptedFraction) {
    double expected = read * acceptedFraction;
    return 2 * gathered >= expected && gathered <= 2 * expected;
  }

  /**
   * Leaf entries a search under a filter accepting {@code acceptedFraction} of the vectors reads
   * for an unfiltered {@code budget}: {@code budget·fraction^-}{@value #FILTER_EXPONENT} (see
   * {@link #search(Forest, LeafTraversal.Order, float[], RandomVectorScorer, ScoreToDistance,
   * KnnCollector, Bits, double, long, int)}).
   */
  public static long filteredReads(long budget, double acceptedFraction) {
    if (acceptedFraction >= 1) {
      return budget;
    }
    double fraction = Math.max(acceptedFraction, 1e-9);
    return (long)
        Math.min(Long.MAX_VALUE / 2, Math.ceil(budget * Math.pow(fraction, -FILTER_EXPONENT)));
  }

  /** Leaf entries gathered by the last search. */
  public long gathered() {
    return gathered;
  }

  private void prepare(Forest forest, int minimum) {
    if (mapped.length != forest.dimension()) {
      mapped = new float[forest.dimension()];
    }
    if (code == null || code.serves(forest.centre(), forest.rotation()) == false) {
      code = new QueryCode(forest.centre(), forest.rotation());
    }
    int size = forest.size();
    if (seen == null || seen.length() != size) {
      seen = size <= DENSE_SEEN_LIMIT ? new FixedBitSet(size) : new SparseFixedBitSet(size);
      seenCount = 0;
    }
    // the last search's marks, cleared now rather than when it ended, so that one that threw
    // leaves nothing behind
    clearSeen();
    int words = forest.rotation().paddedDimension() / Long.SIZE;
    if (block == null || block.capacity() < forest.maxLeafSize() || block.codes.words != words) {
      block = new LeafBlock(forest.maxLeafSize(), words);
    }
    bar.reset(minimum);
    if (lowers.length < forest.maxLeafSize()) {
      lowers = new float[forest.maxLeafSize()];
      uppers = new float[forest.maxLeafSize()];
      passing = new int[forest.maxLeafSize()];
    }
    poolSize = 0;
    gathered = 0;
  }

  private void clearSeen() {
    for (int i = 0; i < seenCount; i++) {
      seen.clear(seenOrds[i]);
    }
    seenCount = 0;
  }

  /**
   * Puts in {@link #selected} the positions of a leaf's accepted entries, up to the budget, and
   * counts them in {@link #gathered}; returns how many, and sets {@link #scanned}.
   */
  private int selectAccepted(int[] ords, int count, Bits acceptOrds, int budget) {
    if (selected.length < count) {
      selected = new int[Math.max(count, 2 * selected.length)];
    }
    long room = budget - gathered;
    int n = selectAccepted(ords, count, acceptOrds, room, selected, coinToss);
    gathered += n;
    // the entries looked at: all of them, unless the room ran out at the last one selected
    scanned = n < room ? count : n == 0 ? 0 : selected[n - 1] + 1;
    return n;
  }

  /**
   * Puts in {@code selected} the positions of the first {@code count} entries of {@code ords} that
   * {@code acceptOrds} accepts, at most {@code room} of them; returns how many. {@code coinToss}:
   * without branches ({@link #COIN_TOSS_SHARE}), with the same result.
   */
  static int selectAccepted(
      int[] ords, int count, Bits acceptOrds, long room, int[] selected, boolean coinToss) {
    int n = 0;
    if (coinToss) {
      for (int e = 0; e < count && n < room; e++) {
        selected[n] = e;
        n += acceptOrds.get(ords[e]) ? 1 : 0;
      }
    } else {
      for (int e = 0; e < count && n < room; e++) {
        if (acceptOrds.get(ords[e])) {
          selected[n++] = e;
        }
      }
    }
    return n;
  }

  /**
   * Offers the {@code kept} entries of the leaf just bounded that may be below the bar ({@link
   * #passing}) that {@code toCheck} accepts (null: all of them). A vector is marked seen only when
   * it passes the bar: one that fails it here may pass it in another tree, where its code is
   * relative to another centroid, and it is then offered once.
   */
  private void offerLeaf(int[] ords, int kept, BitSet seen, Bits toCheck) {
    int[] passing = this.passing;
    float[] lowers = this.lowers;
    for (int i = 0; i < kept; i++) {
      int ord = ords[passing[i]];
      float lower = lowers[i];
      // the bar may have fallen since the leaf was bounded
      if (lower <= bar.bar()
          && (toCheck == null || toCheck.get(ord))
          && seen.getAndSet(ord) == false) {
        markSeen(ord);
        offer(ord, lower, uppers[i]);
      }
    }
  }

  private void markSeen(int ord) {
    if (seenCount == seenOrds.length) {
      seenOrds = Arrays.copyOf(seenOrds, seenCount * 2);
    }
    seenOrds[seenCount++] = ord;
  }

  /** Keeps a candidate unless its lower bound exceeds the bar its upper bound joins. */
  private void offer(int ord, float lower, float upperBound) {
    if (bar.offer(lower, upperBound) == false) {
      return;
    }
    if (poolSize == poolOrds.length) {
      poolOrds = Arrays.copyOf(poolOrds, poolSize * 2);
      poolLower = Arrays.copyOf(poolLower, poolSize * 2);
    }
    poolOrds[poolSize] = ord;
    poolLower[poolSize] = lower;
    poolSize++;
  }

  private void score(
      RandomVectorScorer scorer, ScoreToDistance toDistance, KnnCollector collector, int minimum)
      throws IOException {
    float bar = this.bar.bar();
    // a heap, not a sort: scoring stops after a few dozen of the hundreds kept
    LongHeap order = this.order;
    order.clear();
    for (int i = 0; i < poolSize; i++) {
      if (poolLower[i] <= bar) {
        order.push(((long) NumericUtils.floatToSortableInt(poolLower[i]) << 32) | i);
      }
    }
    int[] ords = batchOrds;
    float[] scores = batchScores;
    int rank = 0;
    boolean stop = false;
    while (stop == false && order.size() > 0) {
      if (collector.earlyTerminated()) {
        return;
      }
      // never past the collector's visit limit: Lucene reads reaching it as a search cut short
      long room = collector.visitLimit() - collector.visitedCount();
      int batch = (int) Math.max(1, Math.min(SCORED_TOGETHER, room));
      float competitive = collector.minCompetitiveSimilarity();
      float limit =
          competitive == Float.NEGATIVE_INFINITY
              ? Float.POSITIVE_INFINITY
              : toDistance.distance(competitive);
      int n = 0;
      while (n < batch && order.size() > 0) {
        int i = (int) order.top();
        if (rank + n >= minimum && poolLower[i] > limit) {
          stop = true;
          break;
        }
        order.pop();
        ords[n++] = poolOrds[i];
      }
      if (n == 0) {
        return;
      }
      exactScores.score(scorer, ords, scores, n);
      for (int j = 0; j < n; j++) {
        if (j > 0 && collector.earlyTerminated()) {
          return;
        }
        collector.incVisitedCount(1);
        collector.collect(ords[j], scores[j]);
      }
      rank += n;
    }
  }

  /**
   * Scores every accepted ordinal exactly: for filters so selective that gathering them from the
   * trees would read more than scoring them. Honors the collector's visit limit.
   */
  public static void scoreAll(RandomVectorScorer scorer, KnnCollector collector, Bits acceptOrds)
      throws IOException {
    int maxOrd = scorer.maxOrd();
    if (acceptOrds instanceof BitSet) {
      BitSet bits = (BitSet) acceptOrds;
      int length = bits.length();
      for (int ord = length == 0 ? DocIdSetIterator.NO_MORE_DOCS : bits.nextSetBit(0);
          ord < maxOrd;
          ord = ord + 1 < length ? bits.nextSetBit(ord + 1) : DocIdSetIterator.NO_MORE_DOCS) {
        if (collector.earlyTerminated()) {
          return;
        }
        collector.incVisitedCount(1);
        collector.collect(ord, scorer.score(ord));
      }
      return;
    }
    for (int ord = 0; ord < maxOrd; ord++) {
      if (acceptOrds == null || acceptOrds.get(ord)) {
        if (collector.earlyTerminated()) {
          return;
        }
        collector.incVisitedCount(1);
        collector.collect(ord, scorer.score(ord));
      }
    }
  }
}
