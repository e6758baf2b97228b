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

/**
 * Chooses a segment's default search budget from its own data: how many candidates a search must
 * gather for its recall to reach a target, measured at build time on a sample of the segment's
 * vectors used as queries (each leaving itself out of its answers).
 *
 * <p>Each sample query's {@value #K} nearest are found exactly ({@link SampleNeighbours}: one
 * tree's codes bounded against it, the few that may be near scored exactly). The query then reads
 * the forest in a leaf order as a search for {@value #K} hits does ({@link QueryCode#bounds}, the
 * same bar), recording where each neighbour is gathered and which leaves add candidates ({@link
 * SearchWalk}), until it has gathered them all or read as far as any budget in question. Recall at
 * budget {@code B} is the share of the neighbours gathered before the search stops (at {@code B} or
 * earlier, {@link ForestSearcher#stallWindow}), and the budget is the smallest {@code B} at which
 * the sample's mean recall@10, less its standard error times {@value #CONFIDENCE}, reaches the
 * target plus {@value #MARGIN}. Searches for other {@code k} derive their budget from it ({@link
 * Budgets#forHits}).
 *
 * <p>A pilot of {@value #PILOT_QUERIES} queries reads in every leaf order until it has gathered its
 * neighbours: it chooses the order that needs the fewer entries, and its mean recall tells how far
 * the other queries need read, {@value #CAP_FACTOR} times the budget it calls for (and on, should
 * the whole sample call for more). Those read in the chosen order only, unless the pilot found the
 * orders within {@value #CLOSE_CALL} of each other: then the first {@value #DECIDING_QUERIES} read
 * in every order and choose it the same way, and the rest read in that one. Should the whole sample
 * then call for more than the pilot's reach, the pilot misjudged its order, and the other orders
 * read the whole sample too (as far as that budget): the cheapest is kept.
 *
 * <p>How well the default meets its target on held-out queries, and what calibration costs, is in
 * {@code docs/how-it-works.md} ("Calibration").
 */
public final class BudgetCalibration {
  /**
   * Sample queries that read in every leaf order: they choose the order, and the budget they call
   * for tells how far the others read ({@link #CAP_FACTOR}). With 16, text embeddings chose the
   * worse order for one forest of four (1.7 times the entries, for a lower held-out recall); with
   * 32, none of 24 forests (12 of each data set) did.
   */
  static final int PILOT_QUERIES = 32;

  /**
   * How far below the goal the lowest of the pilot's three goals lies ({@link Samples#best}): the
   * highest lies halfway between the goal and 1.
   */
  static final float PILOT_SPREAD = 0.05f;

  /**
   * How close the pilot's measures of two leaf orders ({@link Samples#best}: the product of the
   * budgets at three goals) may come before more queries are read in both to choose ({@link
   * #DECIDING_QUERIES}): on text embeddings with a spilled second tree, centroid order needs about
   * half the entries of bound order (and the reverse on Fashion-MNIST), yet one forest's pilot
   * measured them within 4% and chose bound order, whose default then gathered 17,640 entries where
   * centroid order needed 7,935 for the same recall.
   */
  static final double CLOSE_CALL = 1.5;

  /**
   * Sample queries, the pilot's among them, that read in every leaf order when the pilot's call was
   * close ({@link #CLOSE_CALL}), and choose the order as the pilot would have. On text embeddings
   * of 10,000 vectors (a flush) the pilot found the orders close in 11 forests of 12; choosing on
   * 96 queries, not on the cheaper of the whole sample's two budgets, chose the other order in 5,
   * at budgets 1 - 8% larger (that cheaper of two is itself biased low), and calibration took a
   * fifth less time (Java 17).
   */
  static final int DECIDING_QUERIES = 96;

  /**
   * Sample queries, the pilot's among them (or every vector of a smaller segment). Their mean
   * recall's standard error sets the budget's safety ({@link #CONFIDENCE}). Held-out recall at the
   * default (target 0.95) on forests of 60,000 vectors, 20 per data set: text embeddings 0.959 -
   * 0.974, Fashion-MNIST 0.954 - 0.978. On 10,000 vectors (a flush), 16 each: 0.951 - 0.970 and
   * 0.949 - 0.977; with 100 or 133 queries, 5 and 3 of those 32 below 0.95, the lowest 0.944.
   */
  static final int SAMPLE_QUERIES = 192;

  /**
   * How far the queries after the pilot read, in the budgets the pilot calls for: recall at budgets
   * up to that is exact, and should the sample call for more, those cut short read on.
   */
  static final int CAP_FACTOR = 4;

  /** The calibrated hit count: what a plain {@code KnnFloatVectorQuery} asks for most often. */
  static final int K = 10;

  /** Segments of at most this many vectors are scored whole: as cheap as anything else. */
  static final int TINY_SEGMENT = 101;

  /** Tasks the sample queries are split into when an executor is given. */
  private static final int TASKS = 4;

  /**
   * Recall added to the target when calibrating: what the estimate bounds lose in the scoring phase
   * (0.001 - 0.003 at {@link ForestSearcher#ERROR_BOUND}), which the walk does not see (a neighbour
   * gathered counts as found), and what held-out queries can be harder than the segment's own
   * vectors.
   */
  static final float MARGIN = 0.004f;

  /**
   * Standard errors of the sample's mean recall kept between it and the target: 1.645, a one-sided
   * 95% bound.
   */
  static final double CONFIDENCE = 1.645;

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
    return calibrate(views, vectors, targetRecall, seed, executor, LeafTraversal.Order.values());
  }

  /**
   * As {@link #calibrate(IOSupplier, VectorSource, float, long, TaskExecutor)}, choosing among
   * {@code orders} only (tests compare the choice with each order's own budget).
   */
  static Budgets calibrate(
      IOSupplier<Forest> views,
      VectorSource vectors,
      float targetRecall,
      long seed,
      TaskExecutor executor,
      LeafTraversal.Order... orders)
      throws IOException {
    Forest forest = views.get();
    int size = forest.size();
    // a budget of every entry of every tree: a search then scores every vector exactly
    int entries = (int) Math.min(Integer.MAX_VALUE, Math.max(1L, (long) size * forest.numTrees()));
    if (size <= TINY_SEGMENT) {
      // scoring every vector is as cheap as anything else
      return new Budgets(LeafTraversal.Order.BOUND, entries, entries);
    }
    float goal = Math.min(1, targetRecall + MARGIN);
    int[] sample = sample(size, Math.min(SAMPLE_QUERIES, size), seed);
    Samples samples = new Samples(views, forest, vectors, sample, executor, orders);
    samples.findNeighbours();
    // the pilot reads until it gathered every neighbour, in every order, and chooses the order
    int pilot = Math.min(PILOT_QUERIES, sample.length);
    samples.walk(0, pilot, entries, orders, false);
    Budgets lead = samples.best(pilot, goal);
    // the others read as far as the pilot foresees a need for (a reach, not a default: no
    // confidence term), so that recall at budgets up to that is exact; in the chosen order only,
    // unless the pilot could not tell the orders apart: then the next few read in every order too,
    // and the order is chosen from all that did
    int cap = readLimit(lead.for10(), entries);
    int decided = pilot;
    if (samples.isCloseCall(pilot, goal)) {
      decided = Math.min(DECIDING_QUERIES, sample.length);
      samples.walk(pilot, decided, cap, orders, false);
      lead = samples.best(decided, goal);
    }
    LeafTraversal.Order[] chosen = {lead.order()};
    samples.walk(decided, sample.length, cap, chosen, false);
    Budgets best = samples.budgets(lead.order(), sample.length, goal);
    while (best.for10() > cap && cap < entries) {
      // beyond the reach, recall was counted low: read further where a query stopped short
      cap = readLimit(Math.max(best.for10(), cap), entries);
      samples.walk(pilot, sample.length, cap, chosen, true);
      best = samples.budgets(lead.order(), sample.length, goal);
    }
    if (best.for10() > readLimit(lead.for10(), entries)) {
      // the pilot misjudged the order it chose (clustered vectors under the inner product: bound
      // order's budget came out as every entry, where centroid order's was 131 - 442 of 5,300 -
      // 5,700): the other orders read the whole sample as far as this budget, the cheapest kept
      for (LeafTraversal.Order order : orders) {
        if (order != best.order()) {
          samples.walk(0, sample.length, best.for10(), new LeafTraversal.Order[] {order}, false);
          Budgets other = samples.budgets(order, sample.length, goal);
          if (other.for10() < best.for10()) {
            best = other;
          }
        }
      }
    }
    return best;
  }

  /** How far the queries after the pilot read, for a budget of {@code budget}. */
  private static int readLimit(int budget, int entries) {
    return (int) Math.min(entries, (long) budget * CAP_FACTOR);
  }

  /** The sample queries' neighbours, positions and walks, per leaf order, as they are run. */
  private static final class Samples {
    private final IOSupplier<Forest> views;
    private final Forest forest;
    private final VectorSource vectors;
    private final int[] sample;
    private final TaskExecutor executor;
    private final long[][] positions;
    private final SearchWalk[][] walks;
    private final int entries;
    private final int[][] neighbours;

    /** Whether sample {@code s}'s walk stopped at its cap with a neighbour missing. */
    private final boolean[] cut;

    Samples(
        IOSupplier<Forest> views,
        Forest forest,
        VectorSource vectors,
        int[] sample,
        TaskExecutor executor,
        LeafTraversal.Order[] orders) {
      this.views = views;
      this.forest = forest;
      this.vectors = vectors;
      this.sample = sample;
      this.executor = executor;
      // by ordinal, whichever orders are measured
      int all = LeafTraversal.Order.values().length;
      this.positions = new long[all][];
      this.walks = new SearchWalk[all][];
      for (LeafTraversal.Order order : orders) {
        positions[order.ordinal()] = new long[sample.length * K];
        walks[order.ordinal()] = new SearchWalk[sample.length];
      }
      this.entries = (int) Math.min(Integer.MAX_VALUE, (long) forest.size() * forest.numTrees());
      this.neighbours = new int[sample.length][];
      this.cut = new boolean[sample.length];
    }

    /** Finds every sample query's exact neighbours, each task for its share of the queries. */
    void findNeighbours() throws IOException {
      inTasks(
          0,
          sample.length,
          (first, last) -> {
            int[][] found =
                SampleNeighbours.find(
                    views.get(), vectors.copy(), Arrays.copyOfRange(sample, first, last), K);
            // each task writes its own samples' slots
            System.arraycopy(found, 0, neighbours, first, found.length);
          });
    }

    /**
     * Walks sample queries {@code from} to {@code to} in each of {@code orders}, reading at most
     * {@code cap} entries; if {@code again}, only those an earlier walk cut short.
     */
    void walk(int from, int to, int cap, LeafTraversal.Order[] orders, boolean again)
        throws IOException {
      inTasks(
          from,
          to,
          (first, last) -> {
            SampleQuery query = new SampleQuery(views, forest, vectors.copy());
            for (int s = first; s < last; s++) {
              if (again && cut[s] == false) {
                continue;
              }
              cut[s] = false;
              query.set(sample[s], neighbours[s], forest.geometry());
              for (LeafTraversal.Order order : orders) {
                query.position(order, cap);
                // each task writes its own samples' slots
                query.truthPositions(positions[order.ordinal()], s * K);
                walks[order.ordinal()][s] = query.walk.compact();
                cut[s] |= query.missedAny();
              }
            }
          });
    }

    /** Work on samples {@code [first, last)}. */
    private interface Share {
      void run(int first, int last) throws IOException;
    }

    /**
     * Runs {@code share} over samples {@code from} to {@code to}: in {@value #TASKS} tasks on the
     * executor, or whole on this thread without one.
     */
    private void inTasks(int from, int to, Share share) throws IOException {
      if (from >= to) {
        return;
      }
      if (executor == null) {
        share.run(from, to);
        return;
      }
      int tasks = Math.min(to - from, TASKS);
      List<Callable<Void>> work = new ArrayList<>(tasks);
      for (int task = 0; task < tasks; task++) {
        int first = from + (to - from) * task / tasks;
        int last = from + (to - from) * (task + 1) / tasks;
        work.add(
            () -> {
              share.run(first, last);
              return null;
            });
      }
      executor.invokeAll(work);
    }

    /**
     * The budget in {@code order} for the first {@code count} sample queries, their mean recall
     * less {@code confidence} standard errors reaching {@code goal}.
     */
    int budget(LeafTraversal.Order order, int count, float goal, double confidence) {
      return smallestBudget(
          positions[order.ordinal()],
          walks[order.ordinal()],
          count,
          goal,
          confidence,
          entries,
          forest.maxLeafSize());
    }

    /**
     * Whether the pilot's first {@code count} queries found two orders within {@value #CLOSE_CALL}
     * of each other ({@link #best}'s measure): then its few queries decide nothing, and more are
     * read in both.
     */
    boolean isCloseCall(int count, float goal) {
      double first = Double.POSITIVE_INFINITY;
      double second = Double.POSITIVE_INFINITY;
      for (LeafTraversal.Order order : LeafTraversal.Order.values()) {
        if (walks[order.ordinal()] == null) {
          continue;
        }
        double cost = cost(order, count, goal);
        if (cost < first) {
          second = first;
          first = cost;
        } else if (cost < second) {
          second = cost;
        }
      }
      return second - first < Math.log(CLOSE_CALL);
    }

    /** The log of the product of {@code order}'s budgets at the pilot's three goals. */
    private double cost(LeafTraversal.Order order, int count, float goal) {
      return Math.log(budget(order, count, goal - PILOT_SPREAD, 0))
          + Math.log(budget(order, count, goal, 0))
          + Math.log(budget(order, count, (1 + goal) / 2, 0));
    }

    /** The budgets in {@code order} over the first {@code count} sample queries. */
    Budgets budgets(LeafTraversal.Order order, int count, float goal) {
      int for10 = budget(order, count, goal, CONFIDENCE);
      // not calibrated for 100 hits: fewer than 10 hits get the budget of 10 (forHits)
      return new Budgets(order, for10, for10);
    }

    /**
     * The order needing the smaller budgets over the first {@code count} sample queries (the
     * pilot), with its budget for {@code goal}. Orders are compared over three goals about {@code
     * goal}, by the product of their budgets: recall@10 over a few queries moves in steps, and at
     * one goal alone a step could make the worse order look better (text embeddings, one forest of
     * four: the order needing 1.7 times the entries of the other was chosen).
     */
    Budgets best(int count, float goal) {
      Budgets best = null;
      double bestCost = Double.POSITIVE_INFINITY;
      for (LeafTraversal.Order order : LeafTraversal.Order.values()) {
        if (walks[order.ordinal()] == null) {
          continue;
        }
        int for10 = budget(order, count, goal, 0);
        double cost = cost(order, count, goal);
        if (cost < bestCost) {
          bestCost = cost;
          // not calibrated for 100 hits: fewer than 10 hits get the budget of 10 (forHits)
          best = new Budgets(order, for10, for10);
        }
      }
      return best;
    }
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
      long[] positions,
      SearchWalk[] walks,
      int queries,
      float goal,
      double confidence,
      int entries,
      int maxLeafSize) {
    if (confidentRecall(positions, walks, queries, entries, confidence, entries, maxLeafSize)
        < goal) {
      return entries;
    }
    int low = 1;
    int high = entries;
    while (low < high) {
      int mid = (int) (((long) low + high) >>> 1);
      if (confidentRecall(positions, walks, queries, mid, confidence, entries, maxLeafSize)
          >= goal) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  /** The sample's mean recall at {@code budget} less {@code confidence} standard errors. */
  private static double confidentRecall(
      long[] positions,
      SearchWalk[] walks,
      int queries,
      long budget,
      double confidence,
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
    return mean - confidence * Math.sqrt(variance / queries);
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
    // in random order, so that the pilot, the first few, is a sample of its own
    for (int j = count - 1; j > 0; j--) {
      int t = random.nextInt(j + 1);
      int swap = picked[j];
      picked[j] = picked[t];
      picked[t] = swap;
    }
    return picked;
  }
}
