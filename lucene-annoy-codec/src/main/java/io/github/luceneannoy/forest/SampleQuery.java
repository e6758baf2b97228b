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
import org.apache.lucene.util.IOSupplier;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.PriorityQueue;

/**
 * One calibration query after another ({@link BudgetCalibration}): a vector of the segment read as
 * a query, its traversal of the forest as a search for {@value BudgetCalibration#K} hits would run
 * it, and its exact neighbours among the vectors it offered. Reusable across queries; not
 * thread-safe.
 */
final class SampleQuery {
  private static final int K = BudgetCalibration.K;

  private static final ForestKernels KERNELS = ForestKernels.get();

  private record Neighbour(int ord, float distance) {}

  private final IOSupplier<Forest> views;
  private Forest forest;
  private final VectorSource vectors;
  private final LeafTraversal traversal = new LeafTraversal();
  private final QueryCode code;
  private final LeafBlock block;
  private final float[] mapped;
  private final float[] candidate;
  private final int[] position;
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

  /** The vectors the last {@link #run} offered to the bar, with their bounds then. */
  private int[] offeredOrds = new int[64];

  private float[] offeredLower = new float[64];
  private float[] offeredUpper = new float[64];

  private int offeredCount;

  /** Where {@link #boundLeaf} puts the indices of the codes that may pass the bar. */
  private final int[] passing;

  /** The vectors the last {@link #run} met, itself first, whose positions it set. */
  private int[] met = new int[64];

  private int metCount;
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

  SampleQuery(IOSupplier<Forest> views, Forest forest, VectorSource vectors) {
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
    Arrays.fill(position, -1);
    this.passing = new int[forest.maxLeafSize()];
    this.leafLower = new float[forest.maxLeafSize()];
    this.leafUpper = new float[forest.maxLeafSize()];
    this.wanted = new boolean[size];
    this.offered = new int[size];
  }

  /**
   * Reads the forest for vector {@code self} in {@code order} as a search for {@value #K} hits
   * would, through its first {@code cap} entries (and on until it has met more than {@value #K}
   * vectors), and finds the exact nearest of the vectors it offered, itself left out.
   */
  void run(int self, int cap, LeafTraversal.Order order) throws IOException {
    this.self = self;
    float[] query = vectors.vector(self).clone();
    forest.geometry().mapQuery(query, mapped);
    code.set(mapped);
    // the last query's marks, cleared one by one: a query that reads little costs little
    for (int i = 0; i < metCount; i++) {
      position[met[i]] = -1;
    }
    metCount = 0;
    position[self] = Integer.MAX_VALUE;
    met(self);
    int gathered = 0;
    forest = views.get();
    traversal.start(forest, order, code, mapped);
    startWalk();
    while ((gathered < cap || metCount <= K) && traversal.next()) {
      int leaf = traversal.leafNumber();
      int first = traversal.leafFirstEntry();
      int count = traversal.leafSize();
      int start = gathered;
      forest.readLeafOrdinals(leaf, first, count, block);
      forest.readLeafCodes(leaf, first, count, block);
      for (int e = 0; e < count; e++) {
        int ord = block.ords[e];
        if (position[ord] < 0) {
          position[ord] = gathered;
          met(ord);
        }
        // searches count entries, a vector once per tree that holds it
        gathered += ord == self ? 0 : 1;
      }
      walk.add(start, offerLeaf(boundLeaf(count), true));
    }
    // the nearest met are among the vectors offered: one that never passed the search's bar (the
    // 14th smallest upper bound so far, at least the 10th smallest of all) is not among them
    int k = Math.min(K, offeredCount);
    // the k-th smallest upper bound: no vector whose lower bound exceeds it is among the k
    // nearest
    bar.reset(k);
    for (int i = 0; i < offeredCount; i++) {
      bar.offer(Float.NEGATIVE_INFINITY, offeredUpper[i]);
    }
    float bar = this.bar.bar();
    int kept = 0;
    for (int i = 0; i < offeredCount; i++) {
      int ord = offeredOrds[i];
      float lower = offeredLower[i];
      if (lower > bar) {
        continue;
      }
      if (kept == byLower.length) {
        byLower = Arrays.copyOf(byLower, kept * 2);
      }
      byLower[kept++] = ((long) NumericUtils.floatToSortableInt(lower) << 32) | ord;
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

  private void met(int ord) {
    if (metCount == met.length) {
      met = Arrays.copyOf(met, metCount * 2);
    }
    met[metCount++] = ord;
  }

  /**
   * Finds at which position a search in {@code order} gathers each of the last query's neighbours,
   * reading leaves until it has seen them all or read {@code cap} entries (those not seen then are
   * never found).
   */
  void position(LeafTraversal.Order order, int cap) throws IOException {
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
    while (missing > 0 && gathered < cap && traversal.next()) {
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
      walk.add(start, offerLeaf(boundLeaf(count), false));
    }
    for (int ord : neighbours) {
      wanted[ord] = false;
    }
  }

  /** Starts recording a traversal: no leaf read, no vector offered, the bars of new searches. */
  private void startWalk() {
    walk.clear();
    visit++;
    offeredCount = 0;
    bar.reset(ForestSearcher.minimumScored(K));
  }

  /**
   * Bounds the distances of the current leaf's {@code count} codes from the query as a search for
   * 10 hits does, those that may pass its bar ({@link #passing}); returns how many.
   */
  private int boundLeaf(int count) {
    float leafDistance = traversal.leafDistance();
    return code.bounds(
        block.codes,
        count,
        leafDistance,
        (float) Math.sqrt(leafDistance),
        ForestSearcher.ERROR_BOUND,
        bar.bar(),
        passing,
        leafLower,
        leafUpper);
  }

  /**
   * Offers the current leaf's {@code kept} bounded entries to the bar of a search for 10 hits as
   * the search would ({@link ForestSearcher}: a vector whose lower bound passes the bar is offered,
   * once; one that fails may pass in another tree), noting the bounds of those offered when {@code
   * note} (the exact neighbours are found among them); returns the {@link SearchWalk} flags:
   * whether the leaf added a candidate, and whether the bar was set before it.
   */
  private int offerLeaf(int kept, boolean note) {
    int flags = bar.isFinite() ? SearchWalk.READY : 0;
    for (int i = 0; i < kept; i++) {
      int ord = block.ords[passing[i]];
      if (ord == self) {
        continue;
      }
      float low = leafLower[i];
      if (offered[ord] != visit && low <= bar.bar()) {
        offered[ord] = visit;
        if (note) {
          noteOffered(ord, low, leafUpper[i]);
        }
        if (bar.offer(low, leafUpper[i])) {
          flags |= SearchWalk.GREW;
        }
      }
    }
    return flags;
  }

  private void noteOffered(int ord, float low, float up) {
    if (offeredCount == offeredOrds.length) {
      offeredOrds = Arrays.copyOf(offeredOrds, offeredCount * 2);
      offeredLower = Arrays.copyOf(offeredLower, offeredCount * 2);
      offeredUpper = Arrays.copyOf(offeredUpper, offeredCount * 2);
    }
    offeredOrds[offeredCount] = ord;
    offeredLower[offeredCount] = low;
    offeredUpper[offeredCount] = up;
    offeredCount++;
  }

  /**
   * The search positions of the last query's {@value #K} nearest, into {@code out} from {@code
   * from}.
   */
  void truthPositions(long[] out, int from) {
    for (int i = 0; i < K; i++) {
      if (i >= neighbours.length) {
        // fewer neighbours than k (a tiny segment): count the missing ones as found at once
        out[from + i] = 0;
      } else {
        int at = position[neighbours[i]];
        out[from + i] = at < 0 ? Long.MAX_VALUE : at;
      }
    }
  }
}
