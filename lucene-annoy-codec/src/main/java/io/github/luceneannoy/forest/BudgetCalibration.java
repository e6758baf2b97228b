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
 * <p>For each sample query the whole forest is traversed in search order, noting at which position
 * each vector is first gathered, and every vector's distance is estimated from its code (once, from
 * the first tree that reaches it); the exact nearest {@value #DEEP_K} are found by scoring the
 * vectors whose lower bound beats the {@value #DEEP_K}-th smallest upper bound in order of their
 * lower bounds, until the next exceeds the {@value #DEEP_K}-th exact distance. Then recall at
 * budget {@code B} is the share of true neighbours gathered before position {@code B}, and the
 * budget for {@code k} hits is the smallest {@code B} at which the sample's mean recall@k, less its
 * standard error times {@value #CONFIDENCE}, reaches the target plus {@value #MARGIN}, at {@code k
 * = 10} and {@code k = 100}; a search for other {@code k} derives its budget from them ({@link
 * Budgets#forHits}). Both leaf orders are measured, and the one needing fewer candidates for 10
 * hits is kept.
 *
 * <p>Cost: for each sample query a read of the whole forest, one estimate per vector and a few
 * hundred exact distances: on 60,000 text embeddings (two trees) about 0.4 s against 2 s for
 * building the trees, at {@value #SAMPLE_QUERIES} queries.
 *
 * <p>Why not more sample queries: the sample's recall varies from segment to segment by about 0.01
 * at 64 to 128 queries, and held-out queries differ from the segment's own vectors by about as much
 * either way (measured on Fashion-MNIST, where they are harder, and text embeddings, where they are
 * easier); with twice the queries and a smaller margin, one Fashion-MNIST segment in four fell
 * below 0.95. The margin kept here landed at 0.957 - 0.984 in the runs measured.
 */
public final class BudgetCalibration {
  /** Sample queries per segment: recall is then measured on 640 neighbours at k = 10. */
  static final int SAMPLE_QUERIES = 64;

  /** The deeper of the two calibrated hit counts. */
  static final int DEEP_K = 100;

  /** The shallower one: what a plain {@code KnnFloatVectorQuery} asks for most often. */
  static final int SHALLOW_K = 10;

  /** Tasks the sample queries are split into when an executor is given. */
  private static final int TASKS = 4;

  /**
   * Recall added to the target when calibrating: what the estimate bounds lose in the scoring phase
   * (0.001 - 0.003 at {@link ForestSearcher#ERROR_BOUND}).
   */
  static final float MARGIN = 0.005f;

  /**
   * Standard errors of the sample's mean recall kept between it and the target: 1.645, a one-sided
   * 95% bound.
   */
  static final double CONFIDENCE = 1.645;

  private static final ForestKernels KERNELS = ForestKernels.get();

  /**
   * The calibrated order and budgets: candidates to gather for 10 and for 100 hits.
   *
   * @param order the order of leaves that needs the fewer candidates for 10 hits
   * @param for10 candidates for 10 hits
   * @param for100 candidates for 100 hits, at least {@code for10}
   */
  public record Budgets(LeafTraversal.Order order, int for10, int for100) {

    /**
     * Candidates to gather for {@code k} hits: {@code for10·k/10} from 10 hits up, as a query's own
     * budget grows ({@link io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery}'s candidates per
     * hit), and below 10 on the line through the two calibrated points in log-log scale; never
     * fewer than {@link ForestSearcher#minimumScored}{@code (k)}.
     *
     * <p>Why linear above 10 and not the calibrated line: users raise {@code k} (a query's fan-out)
     * to raise recall@10, and recall@10 follows the candidates gathered, not {@code k}. On
     * Fashion-MNIST the calibrated line (for100 = 1.6·for10) gave fan-out 80 a recall@10 of 0.983;
     * linear growth reaches 0.99 by fan-out 20, as HNSW's beam does.
     */
    public int forHits(int k) {
      double budget;
      if (k >= SHALLOW_K) {
        budget = (double) for10 * k / SHALLOW_K;
      } else {
        double slope = Math.log((double) for100 / for10) / Math.log((double) DEEP_K / SHALLOW_K);
        budget = for10 * Math.pow((double) k / SHALLOW_K, slope);
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
    if (size <= DEEP_K + 1) {
      // scoring every vector is as cheap as anything else
      return new Budgets(LeafTraversal.Order.BOUND, entries, entries);
    }
    int samples = Math.min(SAMPLE_QUERIES, size);
    int[] sample = sample(size, samples, seed);
    LeafTraversal.Order[] orders = LeafTraversal.Order.values();
    long[][] shallow = new long[orders.length][samples * SHALLOW_K];
    long[][] deep = new long[orders.length][samples * DEEP_K];
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
                trial.truthPositions(SHALLOW_K, shallow[order.ordinal()], s * SHALLOW_K);
                trial.truthPositions(DEEP_K, deep[order.ordinal()], s * DEEP_K);
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
      int for10 = smallestBudget(shallow[order.ordinal()], samplesDone, SHALLOW_K, goal, entries);
      int for100 =
          Math.max(
              for10, smallestBudget(deep[order.ordinal()], samplesDone, DEEP_K, goal, entries));
      if (best == null || for10 < best.for10()) {
        best = new Budgets(order, for10, for100);
      }
    }
    return best;
  }

  /**
   * The smallest budget at which the sample's mean recall, less {@value #CONFIDENCE} standard
   * errors, reaches {@code goal}: the positions are {@code k} per sample query, query after query.
   * Recall varies from query to query (and a query's neighbours are found together or not), so the
   * sample's mean alone would miss the target about half the time on a segment where it lands
   * close; with the standard error, a noisier segment is given a larger budget.
   */
  private static int smallestBudget(long[] positions, int queries, int k, float goal, int entries) {
    long[] sorted = positions.clone();
    Arrays.sort(sorted);
    // the budgets worth trying are just past each position; recall only changes there
    int low = 0;
    int high = sorted.length - 1;
    if (confidentRecall(positions, queries, k, sorted[high] + 1) < goal) {
      return entries;
    }
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (confidentRecall(positions, queries, k, sorted[mid] + 1) >= goal) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return (int) Math.min(entries, Math.max(1, sorted[low] + 1));
  }

  /** The sample's mean recall at {@code budget} less {@value #CONFIDENCE} standard errors. */
  private static double confidentRecall(long[] positions, int queries, int k, long budget) {
    double sum = 0;
    double squares = 0;
    for (int q = 0; q < queries; q++) {
      int found = 0;
      for (int i = q * k; i < (q + 1) * k; i++) {
        if (positions[i] < budget) {
          found++;
        }
      }
      double recall = (double) found / k;
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
    private final int[] freshEntries;
    private final float[] heap = new float[DEEP_K];
    private final boolean[] wanted;
    private int[] neighbours = new int[0];
    private int self;

    /** Vectors below the bar, as (sortable lower bound, ordinal). */
    private long[] byLower = new long[64];

    /** The nearest scored so far, farthest on top. */
    private final PriorityQueue<Neighbour> nearest =
        new PriorityQueue<>(DEEP_K) {
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
      this.freshEntries = new int[forest.maxLeafSize()];
      this.wanted = new boolean[size];
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
      while (traversal.next()) {
        int leaf = traversal.leafNumber();
        int first = traversal.leafFirstEntry();
        int count = traversal.leafSize();
        forest.readLeafOrdinals(leaf, first, count, block);
        // a vector is estimated once, from the first tree that reaches it: half the entries of a
        // two-tree forest are seen again
        int fresh = 0;
        for (int e = 0; e < count; e++) {
          int ord = block.ords[e];
          if (position[ord] >= 0) {
            // searches count entries, a vector once per tree that holds it
            gathered += ord == self ? 0 : 1;
          } else {
            position[ord] = gathered++;
            freshEntries[fresh++] = e;
          }
        }
        if (fresh == 0) {
          continue;
        }
        forest.readLeafCodes(leaf, first, count, block);
        float leafDistance = traversal.leafDistance();
        float leafScale = (float) Math.sqrt(leafDistance);
        if (2 * fresh >= count) {
          // most are new: all at once, a group of codes per step
          code.allBounds(
              block.codes,
              count,
              leafDistance,
              leafScale,
              ForestSearcher.ERROR_BOUND,
              leafLower,
              leafUpper);
          for (int i = 0; i < fresh; i++) {
            int e = freshEntries[i];
            lower[block.ords[e]] = leafLower[e];
            upper[block.ords[e]] = leafUpper[e];
          }
        } else {
          for (int i = 0; i < fresh; i++) {
            int e = freshEntries[i];
            float estimate = code.estimate(block.codes, e, leafDistance);
            float error = code.error(block.codes, e, leafScale, ForestSearcher.ERROR_BOUND);
            lower[block.ords[e]] = estimate - error;
            upper[block.ords[e]] = estimate + error;
          }
        }
      }
      int k = Math.min(DEEP_K, size - 1);
      // the k-th smallest upper bound, itself left out: no vector whose lower bound exceeds it is
      // among the k nearest
      float bar = kthSmallest(upper, self, k);
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
      while (missing > 0 && traversal.next()) {
        int leaf = traversal.leafNumber();
        int count = traversal.leafSize();
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
      }
      for (int ord : neighbours) {
        wanted[ord] = false;
      }
    }

    /**
     * The {@code k}-th smallest of {@code values}, leaving out index {@code skip}: a max-heap of
     * {@code k}.
     */
    private float kthSmallest(float[] values, int skip, int k) {
      int n = 0;
      for (int i = 0; i < values.length; i++) {
        if (i == skip) {
          continue;
        }
        float v = values[i];
        if (n < k) {
          int j = n++;
          while (j > 0 && heap[(j - 1) >>> 1] < v) {
            heap[j] = heap[(j - 1) >>> 1];
            j = (j - 1) >>> 1;
          }
          heap[j] = v;
        } else if (v < heap[0]) {
          int j = 0;
          while (true) {
            int c = 2 * j + 1;
            if (c >= k) {
              break;
            }
            if (c + 1 < k && heap[c + 1] > heap[c]) {
              c++;
            }
            if (heap[c] <= v) {
              break;
            }
            heap[j] = heap[c];
            j = c;
          }
          heap[j] = v;
        }
      }
      return heap[0];
    }

    /**
     * The search positions of the last query's {@code k} nearest, into {@code out} from {@code
     * from}.
     */
    void truthPositions(int k, long[] out, int from) {
      for (int i = 0; i < k; i++) {
        // fewer neighbours than k (a tiny segment): count the missing ones as found at once
        out[from + i] = i < neighbours.length ? position[neighbours[i]] : 0;
      }
    }
  }
}
