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

/**
 * One calibration query after another ({@link BudgetCalibration}): a vector of the segment read as
 * a query, with its exact neighbours ({@link SampleNeighbours}), and where a search for {@value
 * BudgetCalibration#K} hits in a given leaf order gathers each of them ({@link #position}).
 * Reusable across queries; not thread-safe.
 */
final class SampleQuery {
  private static final int K = BudgetCalibration.K;

  private final IOSupplier<Forest> views;
  private final VectorSource vectors;
  private final LeafTraversal traversal = new LeafTraversal();
  private final QueryCode code;
  private final LeafBlock block;
  private final float[] mapped;
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
  private int self;
  private int[] neighbours = new int[0];

  /** Where {@link #boundLeaf} puts the indices of the codes that may pass the bar. */
  private final int[] passing;

  SampleQuery(IOSupplier<Forest> views, Forest forest, VectorSource vectors) {
    this.views = views;
    this.vectors = vectors;
    int size = forest.size();
    this.code = new QueryCode(forest.centre(), forest.rotation());
    this.block =
        new LeafBlock(forest.maxLeafSize(), forest.rotation().paddedDimension() / Long.SIZE);
    this.mapped = new float[forest.dimension()];
    this.position = new int[size];
    Arrays.fill(position, -1);
    this.passing = new int[forest.maxLeafSize()];
    this.leafLower = new float[forest.maxLeafSize()];
    this.leafUpper = new float[forest.maxLeafSize()];
    this.wanted = new boolean[size];
    this.offered = new int[size];
  }

  /**
   * Makes vector {@code self} the query, whose nearest (itself left out) are {@code neighbours}.
   */
  void set(int self, int[] neighbours, Geometry geometry) throws IOException {
    this.self = self;
    this.neighbours = neighbours;
    geometry.mapQuery(vectors.vector(self).clone(), mapped);
    code.set(mapped);
  }

  /**
   * Finds at which position a search in {@code order} gathers each of the query's neighbours,
   * reading leaves until it has seen them all or read {@code cap} entries (those not seen then are
   * never found), and records its {@link #walk}.
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
    Forest forest = views.get();
    traversal.start(forest, order, code, mapped);
    walk.clear();
    visit++;
    bar.reset(ForestSearcher.minimumScored(K));
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
      walk.add(start, offerLeaf(boundLeaf(count)));
    }
    for (int ord : neighbours) {
      wanted[ord] = false;
    }
  }

  /** Whether the last {@link #position} stopped at its cap with a neighbour still missing. */
  boolean missedAny() {
    for (int ord : neighbours) {
      if (position[ord] < 0) {
        return true;
      }
    }
    return false;
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
   * once; one that fails may pass in another tree); returns the {@link SearchWalk} flags: whether
   * the leaf added a candidate, and whether the bar was set before it.
   */
  private int offerLeaf(int kept) {
    int flags = bar.isFinite() ? SearchWalk.READY : 0;
    for (int i = 0; i < kept; i++) {
      int ord = block.ords[passing[i]];
      if (ord == self) {
        continue;
      }
      float low = leafLower[i];
      if (offered[ord] != visit && low <= bar.bar()) {
        offered[ord] = visit;
        if (bar.offer(low, leafUpper[i])) {
          flags |= SearchWalk.GREW;
        }
      }
    }
    return flags;
  }

  /**
   * The search positions of the query's {@value #K} nearest, into {@code out} from {@code from}.
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
