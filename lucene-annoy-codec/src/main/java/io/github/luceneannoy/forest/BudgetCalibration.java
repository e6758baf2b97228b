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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.util.IOSupplier;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.PriorityQueue;

/**
 * Chooses a segment's default search budget from its own data: how many candidates a search must
 * gather for its recall to reach a target, measured at build time on a sample of the segment's
 * vectors used as queries (each leaving itself out of its answers).
 *
 * <p>For each sample query the whole forest is traversed in one search order, bounding every
 * entry's distance from its code as a search does; the exact nearest {@value #K} are found by
 * scoring the vectors whose lower bound (from the first tree that reaches them) beats the {@value
 * #K}-th smallest upper bound in order of their lower bounds, until the next exceeds the {@value
 * #K}-th exact distance. Then, for each leaf order, the traversal is replayed as a search would run
 * it ({@link SearchWalk}: where each neighbour is gathered, which leaves add candidates), until the
 * last neighbour is gathered. Recall at budget {@code B} is the share of neighbours gathered before
 * the search stops (at {@code B} or earlier, {@link ForestSearcher#stallWindow}), and the budget is
 * the smallest {@code B} at which the sample's mean recall@10, less its standard error times
 * {@value #CONFIDENCE}, reaches the target plus {@value #MARGIN}. The leaf order needing the
 * smaller budget is kept. Searches for other {@code k} derive their budget from it ({@link
 * Budgets#forHits}).
 *
 * <p>Cost: for each sample query a read of the whole forest with a bound per entry, and a few dozen
 * exact distances.
 */
public final class BudgetCalibration {
  /**
   * Sample queries per segment: recall is then measured on 1,280 neighbours. With 64, the budget
   * calibrated on 60,000 text embeddings varied from 9,000 to 17,400 entries with the sample (eight
   * draws; held-out recall 0.945 - 0.978 over four seeds); with 128, from 10,200 to 14,500 (0.955 -
   * 0.974). Each costs about 5 ms there on Java 17.
   */
  static final int SAMPLE_QUERIES = 128;

  /** The calibrated hit count: what a plain {@code KnnFloatVectorQuery} asks for most often. */
  static final int K = 10;

  /** Segments of at most this many vectors are scored whole: as cheap as anything else. */
  static final int TINY_SEGMENT = 101;

  /** Tasks the sample queries are split into when an executor is given. */
  private static final int TASKS = 4;

  /**
   * Recall added to the target when calibrating: what the estimate bounds lose in the scoring phase
   * (0.001 - 0.003 at {@link ForestSearcher#ERROR_BOUND}), and what held-out queries can be harder
   * than the segment's own vectors: on Fashion-MNIST built with vector kernels, 0.005 left the
   * default at 0.948 - 0.951, 0.01 at 0.955 - 0.956 (text embeddings: 0.970).
   */
  static final float MARGIN = 0.01f;

  /**
   * Standard errors of the sample's mean recall kept between it and the target: 1.645, a one-sided
   * 95% bound.
   */
  static final double CONFIDENCE = 1.645;

  private static final ForestKernels KERNELS = ForestKernels.get();

  /**
   * The calibrated order and budgets: leaf entries to gather for 10 and for 100 hits.
   *
   * @param order the order of leaves that needs the fewer candidates for 10 hits
   * @param for10 entries for 10 hits
   * @param for100 entries for 100 hits, at least {@code for10}: where a search for fewer than 10
   *     hits gets its budget from (format version 3 calibrated it; since version 4 it equals {@code
   *     for10}, so fewer than 10 hits get the budget of 10)
   */
  public record Budgets(LeafTraversal.Order order, int for10, int for100) {

    /**
     * Candidates to gather for {@code k} hits: {@code for10·k/10} from 10 hits up, as a query's own
     * budget grows ({@link io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery}'s candidates per
     * hit), and below 10 on the line through {@code (10, for10)} and {@code (100, for100)} in
     * log-log scale (flat when they are equal); never fewer than {@link
     * ForestSearcher#minimumScored}{@code (k)}.
     *
     * <p>Why linear above 10 and not the calibrated line: users raise {@code k} (a query's fan-out)
     * to raise recall@10, and recall@10 follows the candidates gathered, not {@code k}. On
     * Fashion-MNIST the calibrated line (for100 = 1.6·for10) gave fan-out 80 a recall@10 of 0.983;
     * linear growth reaches 0.99 by fan-out 20, as HNSW's beam does.
     */
    public int forHits(int k) {
      double budget;
      if (k >= K) {
        budget = (double) for10 * k / K;
      } else {
        double slope = Math.log((double) for100 / for10) / Math.log(100.0 / K);
        budget = for10 * Math.pow((double) k / K, slope);
      }
      return (int)
          Math.min(Integer.MAX_VALUE, Math.max(ForestSearcher.minimumScored(k), Math.ceil(budget)));
    }
  }

  private BudgetCalibration() {}

  /**
   * Calibrates the budgets of a forest built over {@code vectors}.
   *
   * @param views a new view of the forest for each sample query (views hold per-query state)
   * @param vectors the segment's vectors as stored (queries are taken from them)
   * @param targetRecall the recall a search with the default budget should reach
   * @param seed chooses the sample
   */
  public static Budgets calibrate(
      IOSupplier<Forest> views, VectorSource vectors, float targetRecall, long seed)
      throws IOException {
    return calibrate(views, vectors, targetRecall, seed, null);
  }

  /**
   * As {@link #calibrate(IOSupplier, VectorSource, float, long)}, running the sample queries on
   * {@code executor}'s threads (the merge's), in {@value #TASKS} tasks.
   *
   * @param executor runs the sample queries in tasks, or null to run them on this thread
   */
  public static Budgets calibrate(
      IOSupplier<Forest> views,
      VectorSource vectors,
      float targetRecall,
      long seed,
      TaskExecutor executor)
      throws IOException {
    Forest forest = views.get();
    int size = forest.size();
    // a budget of every entry of every tree: a search then scores every vector exactly
    int entries = (int) Math.min(Integer.MAX_VALUE, Math.max(1L, (long) size * forest.numTrees()));
    if (size <= TINY_SEGMENT) {
      // scoring every vector is as cheap as anything else
      return new Budgets(LeafTraversal.Order.BOUND, entries, entries);
    }
    int samples = Math.min(SAMPLE_QUERIES, size);
    int[] sample = sample(size, samples, seed);
    LeafTraversal.Order[] orders = LeafTraversal.Order.values();
    long[][] positions = new long[orders.length][samples * K];
    SearchWalk[][] walks = new SearchWalk[orders.length][samples];
    int tasks = executor == null ? 1 : Math.min(samples, TASKS);
    List<Callable<Void>> work = new ArrayList<>(tasks);
    for (int task = 0; task < tasks; task++) {
      int from = samples * task / tasks;
      int to = samples * (task + 1) / tasks;
      VectorSource source = task == 0 ? vectors : vectors.copy();
      work.add(
          () -> {
            Trial trial = new Trial(views, forest, source.copy());
            for (int s = from; s < to; s++) {
              trial.run(sample[s]);
              for (LeafTraversal.Order order : orders) {
                if (order != LeafTraversal.Order.BOUND) {
                  // run() traversed in BOUND order already, noting every vector's position
                  trial.position(order);
                }
                // each task writes its own samples' slots
                trial.truthPositions(positions[order.ordinal()], s * K);
                walks[order.ordinal()][s] = trial.walk.compact();
              }
            }
            return null;
          });
    }
    if (executor == null) {
      try {
        work.get(0).call();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    } else {
      executor.invokeAll(work);
    }
    float goal = Math.min(1, targetRecall + MARGIN);
    int samplesDone = samples;
    Budgets best = null;
    for (LeafTraversal.Order order : orders) {
      int for10 =
          smallestBudget(
              positions[order.ordinal()],
              walks[order.ordinal()],
              samplesDone,
              goal,
              entries,
              forest.maxLeafSize());
      if (best == null || for10 < best.for10()) {
        // not calibrated for 100 hits: fewer than 10 hits get the budget of 10 (forHits)
        best = new Budgets(order, for10, for10);
      }
    }
    return best;
  }

  /**
   * The smallest budget at which the sample's mean recall, less {@value #CONFIDENCE} standard
   * errors, reaches {@code goal}: the positions are {@code k} per sample query, query after query,
   * and a query's search stops where its walk says ({@link SearchWalk#stop}). Recall varies from
   * query to query (and a query's neighbours are found together or not), so the sample's mean alone
   * would miss the target about half the time on a segment where it lands close; with the standard
   * error, a noisier segment is given a larger budget. Recall grows with the budget (a larger
   * budget also waits longer before stopping early), so the search is a bisection.
   */
  private static int smallestBudget(
      long[] positions, SearchWalk[] walks, int queries, float goal, int entries, int maxLeafSize) {
    if (confidentRecall(positions, walks, queries, entries, entries, maxLeafSize) < goal) {
      return entries;
    }
    int low = 1;
    int high = entries;
    while (low < high) {
      int mid = (int) (((long) low + high) >>> 1);
      if (confidentRecall(positions, walks, queries, mid, entries, maxLeafSize) >= goal) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  /** The sample's mean recall at {@code budget} less {@value #CONFIDENCE} standard errors. */
  private static double confidentRecall(
      long[] positions,
      SearchWalk[] walks,
      int queries,
      long budget,
      int entries,
      int maxLeafSize) {
    double sum = 0;
    double squares = 0;
    for (int q = 0; q < queries; q++) {
      long stop = walks[q].stop(budget, entries, maxLeafSize);
      int found = 0;
      for (int i = q * K; i < (q + 1) * K; i++) {
        if (positions[i] < stop) {
          found++;
        }
      }
      double recall = (double) found / K;
      sum += recall;
      squares += recall * recall;
    }
    double mean = sum / queries;
    double variance =
        Math.max(0, squares / queries - mean * mean) * queries / Math.max(1, queries - 1);
    return mean - CONFIDENCE * Math.sqrt(variance / queries);
  }

  private static int[] sample(int size, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] picked = new int[count];
    // Floyd's algorithm: distinct ordinals without an array of all of them
    java.util.HashSet<Integer> chosen = new java.util.HashSet<>();
    int i = 0;
    for (int j = size - count; j < size; j++) {
      int t = random.nextInt(j + 1);
      int ord = chosen.add(t) ? t : j;
      chosen.add(ord);
      picked[i++] = ord;
    }
    Arrays.sort(picked);
    return picked;
  }

  private record Neighbour(int ord, float distance) {}

  /** One sample query's traversal, estimates and exact neighbours. */
  private static final class Trial {
    private final IOSupplier<Forest> views;
    private Forest forest;
    private final VectorSource vectors;
    private final LeafTraversal traversal = new LeafTraversal();
    private final QueryCode code;
    private final LeafBlock block;
    private final float[] mapped;
    private final float[] candidate;
    private final int[] position;
    private final float[] lower;
    private final float[] upper;
    private final float[] leafLower;
    private final float[] leafUpper;
    private final boolean[] wanted;

    /** The leaves of the last traversal, with where a search would have added candidates. */
    final SearchWalk walk = new SearchWalk();

    private final CandidateBar bar = new CandidateBar();

    /** The vectors the current traversal's search has offered: those equal to {@link #visit}. */
    private final int[] offered;

    private int visit;
    private int[] neighbours = new int[0];
    private int self;

    /** Vectors below the bar, as (sortable lower bound, ordinal). */
    private long[] byLower = new long[64];

    /** The nearest scored so far, farthest on top. */
    private final PriorityQueue<Neighbour> nearest =
        new PriorityQueue<>(K) {
          @Override
          protected boolean lessThan(Neighbour a, Neighbour b) {
            return a.distance > b.distance || (a.distance == b.distance && a.ord > b.ord);
          }
        };

    Trial(IOSupplier<Forest> views, Forest forest, VectorSource vectors) {
      this.views = views;
      this.forest = forest;
      this.vectors = vectors;
      int size = forest.size();
      this.code = new QueryCode(forest.centre(), forest.rotation());
      this.block =
          new LeafBlock(forest.maxLeafSize(), forest.rotation().paddedDimension() / Long.SIZE);
      this.mapped = new float[forest.dimension()];
      this.candidate = new float[forest.dimension()];
      this.position = new int[size];
      this.lower = new float[size];
      this.upper = new float[size];
      this.leafLower = new float[forest.maxLeafSize()];
      this.leafUpper = new float[forest.maxLeafSize()];
      this.wanted = new boolean[size];
      this.offered = new int[size];
    }

    /**
     * Estimates every vector's distance from vector {@code self} and finds its exact neighbours,
     * itself left out.
     */
    void run(int self) throws IOException {
      this.self = self;
      int size = forest.size();
      float[] query = vectors.vector(self).clone();
      forest.geometry().mapQuery(query, mapped);
      code.set(mapped);
      Arrays.fill(position, -1);
      position[self] = Integer.MAX_VALUE;
      int gathered = 0;
      forest = views.get();
      traversal.start(forest, LeafTraversal.Order.BOUND, code, mapped);
      startWalk();
      while (traversal.next()) {
        int leaf = traversal.leafNumber();
        int first = traversal.leafFirstEntry();
        int count = traversal.leafSize();
        int start = gathered;
        forest.readLeafOrdinals(leaf, first, count, block);
        forest.readLeafCodes(leaf, first, count, block);
        boundLeaf(count);
        for (int e = 0; e < count; e++) {
          int ord = block.ords[e];
          if (position[ord] < 0) {
            // a vector's first tree gives the bounds that find the exact neighbours
            position[ord] = gathered;
            lower[ord] = leafLower[e];
            upper[ord] = leafUpper[e];
          }
          // searches count entries, a vector once per tree that holds it
          gathered += ord == self ? 0 : 1;
        }
        walk.add(start, offerLeaf(count));
      }
      int k = Math.min(K, size - 1);
      // the k-th smallest upper bound, itself left out: no vector whose lower bound exceeds it is
      // among the k nearest
      bar.reset(k);
      for (int ord = 0; ord < size; ord++) {
        if (ord != self) {
          bar.offer(Float.NEGATIVE_INFINITY, upper[ord]);
        }
      }
      float bar = this.bar.bar();
      int kept = 0;
      for (int ord = 0; ord < size; ord++) {
        if (ord == self || lower[ord] > bar) {
          continue;
        }
        if (kept == byLower.length) {
          byLower = Arrays.copyOf(byLower, kept * 2);
        }
        byLower[kept++] = ((long) NumericUtils.floatToSortableInt(lower[ord]) << 32) | ord;
      }
      Arrays.sort(byLower, 0, kept);
      // scored in order of their lower bounds, until the next one's exceeds the k-th exact distance
      // so far: as a search scores, and a few hundred instead of every vector below the bar
      nearest.clear();
      for (int i = 0; i < kept; i++) {
        float bound = NumericUtils.sortableIntToFloat((int) (byLower[i] >>> 32));
        if (nearest.size() == k && bound > nearest.top().distance) {
          break;
        }
        int ord = (int) byLower[i];
        forest.geometry().mapVector(vectors.vector(ord), candidate, forest.maxNorm());
        float distance = Math.max(0, KERNELS.squareDistance(mapped, candidate));
        if (nearest.size() < k) {
          nearest.add(new Neighbour(ord, distance));
        } else if (distance < nearest.top().distance
            || (distance == nearest.top().distance && ord < nearest.top().ord)) {
          nearest.updateTop(new Neighbour(ord, distance));
        }
      }
      neighbours = new int[nearest.size()];
      for (int i = neighbours.length - 1; i >= 0; i--) {
        neighbours[i] = nearest.pop().ord;
      }
    }

    /**
     * Finds at which position a search in {@code order} gathers each of the last query's
     * neighbours, reading leaves until it has seen them all.
     */
    void position(LeafTraversal.Order order) throws IOException {
      for (int ord : neighbours) {
        position[ord] = -1;
      }
      int missing = neighbours.length;
      int gathered = 0;
      for (int ord : neighbours) {
        wanted[ord] = true;
      }
      forest = views.get();
      traversal.start(forest, order, code, mapped);
      startWalk();
      while (missing > 0 && traversal.next()) {
        int leaf = traversal.leafNumber();
        int count = traversal.leafSize();
        int start = gathered;
        forest.readLeafOrdinals(leaf, traversal.leafFirstEntry(), count, block);
        for (int e = 0; e < count; e++) {
          int ord = block.ords[e];
          if (ord == self) {
            continue;
          }
          if (wanted[ord] && position[ord] < 0) {
            position[ord] = gathered;
            missing--;
          }
          gathered++;
        }
        forest.readLeafCodes(leaf, traversal.leafFirstEntry(), count, block);
        boundLeaf(count);
        walk.add(start, offerLeaf(count));
      }
      for (int ord : neighbours) {
        wanted[ord] = false;
      }
    }

    /** Starts recording a traversal: no leaf read, no vector offered, the bars of new searches. */
    private void startWalk() {
      walk.clear();
      visit++;
      bar.reset(ForestSearcher.minimumScored(K));
    }

    /** Bounds the distances of the current leaf's {@code count} codes from the query. */
    private void boundLeaf(int count) {
      float leafDistance = traversal.leafDistance();
      code.allBounds(
          block.codes,
          count,
          leafDistance,
          (float) Math.sqrt(leafDistance),
          ForestSearcher.ERROR_BOUND,
          leafLower,
          leafUpper);
    }

    /**
     * Offers the current leaf's entries to the bar of a search for 10 hits as the search would
     * ({@link ForestSearcher}: a vector whose lower bound passes the bar is offered, once; one that
     * fails may pass in another tree); returns the {@link SearchWalk} flags: whether the leaf added
     * a candidate, and whether the bar was set before it.
     */
    private int offerLeaf(int count) {
      int flags = bar.isFinite() ? SearchWalk.READY : 0;
      for (int e = 0; e < count; e++) {
        int ord = block.ords[e];
        if (ord == self) {
          continue;
        }
        float low = leafLower[e];
        if (offered[ord] != visit && low <= bar.bar()) {
          offered[ord] = visit;
          if (bar.offer(low, leafUpper[e])) {
            flags |= SearchWalk.GREW;
          }
        }
      }
      return flags;
    }

    /**
     * The search positions of the last query's {@value #K} nearest, into {@code out} from {@code
     * from}.
     */
    void truthPositions(long[] out, int from) {
      for (int i = 0; i < K; i++) {
        // fewer neighbours than k (a tiny segment): count the missing ones as found at once
        out[from + i] = i < neighbours.length ? position[neighbours[i]] : 0;
      }
    }
  }
}
