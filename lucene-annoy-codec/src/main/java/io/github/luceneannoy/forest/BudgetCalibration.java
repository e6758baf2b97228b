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
 * <p>Each sample query reads the forest in a leaf order as a search for {@value #K} hits does
 * ({@link QueryCode#bounds}, the same bar), recording where each vector is first gathered and which
 * leaves add candidates ({@link SearchWalk}). Its nearest {@value #K} are found among the vectors
 * it offered to the bar (one that never passed it cannot be among them), scored exactly in order of
 * their lower bounds until the next exceeds the {@value #K}-th exact distance. Recall at budget
 * {@code B} is the share of those neighbours gathered before the search stops (at {@code B} or
 * earlier, {@link ForestSearcher#stallWindow}), and the budget is the smallest {@code B} at which
 * the sample's mean recall@10, less its standard error times {@value #CONFIDENCE}, reaches the
 * target plus {@value #MARGIN}. Searches for other {@code k} derive their budget from it ({@link
 * Budgets#forHits}).
 *
 * <p>A pilot of {@value #PILOT_QUERIES} queries reads the whole forest in every leaf order: its
 * neighbours are exact, it chooses the order that needs the fewer entries, and its mean recall
 * tells how far the other queries must read, {@value #CAP_FACTOR} times the budget it calls for
 * (and again, from the full sample, should it call for more than twice that). Those read in the
 * chosen order only, and their neighbours are the nearest they met. Where the budget is a small
 * part of the forest, many more queries fit the same work ({@link #SAMPLE_WORK}), and the standard
 * error shrinks.
 *
 * <p>How well the default meets its target on held-out queries, and what calibration costs, is in
 * {@code docs/how-it-works.md} ("Calibration").
 */
public final class BudgetCalibration {
  /**
   * Sample queries that read the whole forest: their neighbours are exact, they choose the leaf
   * order, and the budget they call for tells how far the others must read ({@link #CAP_FACTOR}).
   * With 16, text embeddings chose the worse order for one forest of four (1.7 times the entries,
   * for a lower held-out recall); with 32, none of 24 forests (12 of each data set) did.
   */
  static final int PILOT_QUERIES = 32;

  /**
   * The calibration's work, in reads of the whole forest: the pilot's and the other queries', each
   * costing the share of the forest it reads. Queries after the pilot read only a few times the
   * budget, so more of them fit where the budget is a small part of the forest: about 250 for text
   * embeddings (the budget is a tenth of the forest), the most ({@value #MAX_SAMPLE_QUERIES}) for
   * Fashion-MNIST (a hundredth).
   */
  static final int SAMPLE_WORK = 192;

  /**
   * How far below the goal the lowest of the pilot's three goals lies ({@link Samples#best}): the
   * highest lies halfway between the goal and 1.
   */
  static final float PILOT_SPREAD = 0.05f;

  /** Sample queries at least, however far they read. */
  static final int MIN_SAMPLE_QUERIES = 128;

  /** Sample queries at most: where the budget is a small part of the forest. */
  static final int MAX_SAMPLE_QUERIES = 512;

  /**
   * How far the queries after the pilot read, in budgets: their neighbours are the nearest among
   * the vectors met so far, and a true neighbour met later makes a query's recall look higher than
   * it is. With no margin, held-out recall at the calibrated budget was 0.950 on Fashion-MNIST and
   * 0.952 on text embeddings at 4 (text, where recall climbs slowly, reaches only 0.994 at four
   * times the budget for 0.95), 0.953 and 0.959 at 8 (means of eight samples, on-heap forests).
   */
  static final int CAP_FACTOR = 8;

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
   * vectors. Held-out recall@10 of 1,000 queries at the calibrated budget (target 0.95) on six
   * on-heap forests of 60,000 vectors per data set: Fashion-MNIST 0.9535 - 0.966, text embeddings
   * 0.962 - 0.969 at 0.004; with no margin and no confidence term, 0.943 - 0.953 and 0.942 - 0.956.
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
    int[] sample = sample(size, Math.min(MAX_SAMPLE_QUERIES, size), seed);
    Samples samples = new Samples(views, forest, vectors, sample, executor, orders);
    // the pilot reads the whole forest for each query: its neighbours are exact, and it tells how
    // far the other queries must read for theirs
    int pilot = Math.min(PILOT_QUERIES, sample.length);
    samples.run(0, pilot, entries);
    // the pilot chooses the order; the others read only in it, as far as its mean recall over the
    // pilot calls for (a reach, not a default: no confidence term)
    Budgets lead = samples.best(pilot, goal);
    samples.lead = lead.order();
    int cap = readLimit(lead.for10(), entries);
    int count = sampleCount(pilot, entries, cap, sample.length);
    samples.run(pilot, count, cap);
    Budgets best = samples.lead(count, goal);
    // where the sample calls for more than the pilot foresaw, its queries read too little for
    // their neighbours: read further, until they read at least half the reach the budget asks
    int reach;
    while (cap < entries
        && (long) (reach = samples.budget(samples.lead, count, goal, CONFIDENCE)) * CAP_FACTOR
            > 2L * cap) {
      cap = readLimit(reach, entries);
      samples.run(pilot, count, cap);
      best = samples.lead(count, goal);
    }
    return best;
  }

  /** How far the queries after the pilot read, for a budget of {@code budget}. */
  private static int readLimit(int budget, int entries) {
    return (int) Math.min(entries, (long) budget * CAP_FACTOR);
  }

  /**
   * How many sample queries to run: as many as cost {@value #SAMPLE_WORK} reads of the whole
   * forest, each query after the pilot reading {@code cap} entries; at least {@value
   * #MIN_SAMPLE_QUERIES}, at most {@code available}.
   */
  static int sampleCount(int pilot, int entries, int cap, int available) {
    long rest = (long) (SAMPLE_WORK - pilot) * entries / Math.max(1, cap);
    long count = Math.max(MIN_SAMPLE_QUERIES, pilot + rest);
    return (int) Math.min(available, count);
  }

  /** The sample queries' positions and walks, per leaf order, as they are run. */
  private static final class Samples {
    private final IOSupplier<Forest> views;
    private final Forest forest;
    private final VectorSource vectors;
    private final int[] sample;
    private final TaskExecutor executor;
    private final LeafTraversal.Order[] orders;
    private final long[][] positions;
    private final SearchWalk[][] walks;
    private final int entries;

    /**
     * The order in which queries read the forest for their neighbours; until it is chosen (the
     * pilot), every order is measured.
     */
    LeafTraversal.Order lead;

    Samples(
        IOSupplier<Forest> views,
        Forest forest,
        VectorSource vectors,
        int[] sample,
        TaskExecutor executor,
        LeafTraversal.Order[] orders) {
      this.views = views;
      this.orders = orders;
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
    }

    /** Runs sample queries {@code from} to {@code to}, reading at most {@code cap} entries. */
    void run(int from, int to, int cap) throws IOException {
      if (from >= to) {
        return;
      }
      int tasks = executor == null ? 1 : Math.min(to - from, TASKS);
      List<Callable<Void>> work = new ArrayList<>(tasks);
      for (int task = 0; task < tasks; task++) {
        int first = from + (to - from) * task / tasks;
        int last = from + (to - from) * (task + 1) / tasks;
        work.add(
            () -> {
              SampleQuery query = new SampleQuery(views, forest, vectors.copy());
              for (int s = first; s < last; s++) {
                LeafTraversal.Order reading = lead == null ? orders[0] : lead;
                query.run(sample[s], cap, reading);
                // each task writes its own samples' slots
                keep(query, reading, s);
                for (LeafTraversal.Order order : orders) {
                  if (lead == null && order != reading) {
                    // replaces the first order's positions and walk, kept already
                    query.position(order, cap);
                    keep(query, order, s);
                  }
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
    }

    /** Keeps the positions and walk of {@code query}'s last traversal as sample {@code s}'s. */
    private void keep(SampleQuery query, LeafTraversal.Order order, int s) {
      query.truthPositions(positions[order.ordinal()], s * K);
      walks[order.ordinal()][s] = query.walk.compact();
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

    /** The budgets in the {@link #lead} order over the first {@code count} sample queries. */
    Budgets lead(int count, float goal) {
      int for10 = budget(lead, count, goal, CONFIDENCE);
      // not calibrated for 100 hits: fewer than 10 hits get the budget of 10 (forHits)
      return new Budgets(lead, for10, for10);
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
      for (LeafTraversal.Order order : orders) {
        int for10 = budget(order, count, goal, 0);
        double cost =
            Math.log(budget(order, count, goal - PILOT_SPREAD, 0))
                + Math.log(for10)
                + Math.log(budget(order, count, (1 + goal) / 2, 0));
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
