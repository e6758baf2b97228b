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
import org.apache.lucene.util.LongHeap;
import org.apache.lucene.util.NumericUtils;

/**
 * The exact nearest neighbours of a few of a segment's own vectors, each leaving itself out, for
 * calibration ({@link BudgetCalibration}). Every vector is in every tree, so one tree's leaves hold
 * them all: they are read once for the whole group of queries, each leaf's codes bounded against
 * every query's bar, and only the few vectors whose lower bound passes a query's bar are scored
 * exactly, in order of their lower bounds, until the next exceeds the {@code k}-th exact distance.
 *
 * <p>A query's bar is the {@code k}-th smallest upper bound of the vectors bounded so far (each is
 * once in the tree, so none counts twice): no vector farther than that is among its {@code k}
 * nearest. Each query reads the leaf that holds it first, so that its bar starts near where it
 * ends; a leaf whose every vector lies beyond the bar (its centroid's distance less its {@link
 * #radius}) is passed over.
 *
 * <p>This costs a few bit counts per vector and query, where reading the forest in search order
 * until the nearest are met costs a traversal of most of it for queries whose last neighbour lies
 * far in that order (on text embeddings, four times the budget met only 0.994 of them).
 */
final class SampleNeighbours {
  private static final ForestKernels KERNELS = ForestKernels.get();

  /** How far distances computed in floats may be off, relatively: some 100 float steps. */
  private static final double SLACK = 1 + 1e-5;

  private final Forest forest;
  private final VectorSource vectors;
  private final int k;
  private final int[] selves;
  private final float[][] mapped;
  private final QueryCode[] codes;
  private final CandidateBar[] bars;
  private final Candidates[] candidates;
  private final LeafBlock block;
  private final float[] centroid;
  private final int[] passing;
  private final float[] lower;
  private final float[] upper;
  private final int paddedDimension;
  private double radius;

  private SampleNeighbours(Forest forest, VectorSource vectors, int[] selves, int k)
      throws IOException {
    this.forest = forest;
    this.vectors = vectors;
    this.k = k;
    this.selves = selves;
    int queries = selves.length;
    mapped = new float[queries][];
    codes = new QueryCode[queries];
    bars = new CandidateBar[queries];
    candidates = new Candidates[queries];
    for (int q = 0; q < queries; q++) {
      mapped[q] = new float[forest.dimension()];
      forest.geometry().mapQuery(vectors.vector(selves[q]).clone(), mapped[q]);
      codes[q] = new QueryCode(forest.centre(), forest.rotation());
      codes[q].set(mapped[q]);
      bars[q] = new CandidateBar();
      bars[q].reset(k);
      candidates[q] = new Candidates();
    }
    paddedDimension = forest.rotation().paddedDimension();
    block = new LeafBlock(forest.maxLeafSize(), paddedDimension / Long.SIZE);
    centroid = new float[forest.dimension()];
    passing = new int[forest.maxLeafSize()];
    lower = new float[forest.maxLeafSize()];
    upper = new float[forest.maxLeafSize()];
  }

  /**
   * The {@code k} nearest of each of {@code selves}, nearest first, from {@code forest} (a view of
   * its own) and the segment's {@code vectors}; fewer where the segment has fewer other vectors.
   */
  static int[][] find(Forest forest, VectorSource vectors, int[] selves, int k) throws IOException {
    return new SampleNeighbours(forest, vectors, selves, k).find();
  }

  private int[][] find() throws IOException {
    int[] leaves = leavesOf(forest, 0);
    int[] own = ownLeaves(leaves);
    // the queries by the leaf that holds them, to read each such leaf once
    Integer[] byLeaf = new Integer[selves.length];
    for (int q = 0; q < selves.length; q++) {
      byLeaf[q] = q;
    }
    Arrays.sort(byLeaf, (a, b) -> Integer.compare(own[a], own[b]));
    int read = -1;
    for (int q : byLeaf) {
      if (own[q] != read) {
        read = own[q];
        readLeaf(leaves, read);
      }
      bound(q, leaves[read + 2]);
    }
    for (int i = 0; i < leaves.length; i += 3) {
      readLeaf(leaves, i);
      for (int q = 0; q < selves.length; q++) {
        if (own[q] != i) {
          bound(q, leaves[i + 2]);
        }
      }
    }
    int[][] nearest = new int[selves.length][];
    for (int q = 0; q < selves.length; q++) {
      nearest[q] = candidates[q].nearest(mapped[q], bars[q].bar(), vectors, forest, k);
    }
    return nearest;
  }

  /** Where in {@code leaves} the triple of the leaf that holds each query starts. */
  private int[] ownLeaves(int[] leaves) throws IOException {
    // the queries' ordinals, sorted, to look each leaf's up in: nothing as large as the segment
    long[] byOrd = new long[selves.length];
    for (int q = 0; q < selves.length; q++) {
      byOrd[q] = ((long) selves[q] << 32) | q;
    }
    Arrays.sort(byOrd);
    int[] own = new int[selves.length];
    for (int i = 0; i < leaves.length; i += 3) {
      forest.readLeafOrdinals(leaves[i], leaves[i + 1], leaves[i + 2], block);
      for (int e = 0; e < leaves[i + 2]; e++) {
        long key = (long) block.ords[e] << 32;
        // the first query of this ordinal, and any more (a query may repeat)
        for (int at = -Arrays.binarySearch(byOrd, key - 1) - 1;
            at < byOrd.length && (byOrd[at] >>> 32) == block.ords[e];
            at++) {
          own[(int) byOrd[at]] = i;
        }
      }
    }
    return own;
  }

  /** Reads the leaf whose triple starts at {@code at} in {@code leaves}. */
  private void readLeaf(int[] leaves, int at) throws IOException {
    forest.readLeafCentroid(leaves[at], leaves[at + 1], leaves[at + 2], centroid);
    forest.readLeaf(leaves[at], leaves[at + 1], leaves[at + 2], block);
    radius = radius(block.codes, leaves[at + 2], paddedDimension);
  }

  /**
   * Bounds the {@code count} codes of the leaf just read for query {@code q}: offers them to its
   * bar, and keeps those below it as candidates.
   */
  private void bound(int q, int count) {
    CandidateBar bar = bars[q];
    float distance = KERNELS.squareDistance(mapped[q], centroid);
    double gap = Math.sqrt(distance) - radius;
    if (gap > 0 && gap * gap > bar.bar() * SLACK) {
      // no vector of the leaf is nearer than the bar: the triangle inequality
      return;
    }
    int kept =
        codes[q].boundsBelowTightBar(
            block.codes,
            count,
            distance,
            (float) Math.sqrt(distance),
            ForestSearcher.ERROR_BOUND,
            bar.bar(),
            passing,
            lower,
            upper);
    int self = selves[q];
    for (int j = 0; j < kept; j++) {
      int ord = block.ords[passing[j]];
      if (ord != self) {
        bar.offer(lower[j], upper[j]);
        if (lower[j] <= bar.bar()) {
          candidates[q].add(lower[j], ord);
        }
      }
    }
  }

  /**
   * An upper bound of the distances of a leaf's first {@code count} vectors from its centroid, from
   * their codes ({@link LeafCoder}): {@code |r| = scale·a·sqrt(p)}, where {@code a} follows from
   * {@code error / scale = 2·sqrt(p)·sqrt(1 - a²)/sqrt(p - 1)}; enlarged by a little for the
   * rounding of the stored floats.
   */
  static double radius(CodeBlock codes, int count, int paddedDimension) {
    double root = Math.sqrt(paddedDimension);
    double ratio = Math.sqrt(paddedDimension - 1) / (2 * root);
    double largest = 0;
    for (int e = 0; e < count; e++) {
      double scale = codes.scale[e];
      if (scale == 0) {
        // the vector is the centroid
        continue;
      }
      double sine = codes.error[e] / scale * ratio;
      double a = Math.sqrt(Math.max(0, 1 - sine * sine));
      largest = Math.max(largest, scale * a * root);
    }
    return largest * SLACK;
  }

  /**
   * The leaves of tree {@code tree}, as (number, first entry, size) triples in the order of a
   * depth-first walk.
   */
  static int[] leavesOf(Forest forest, int tree) throws IOException {
    int words = forest.rotation().paddedDimension() / Long.SIZE;
    NodeRecord record = new NodeRecord(forest.maxChildren(), words);
    int[] out = new int[48];
    int n = 0;
    int[] stack = new int[64];
    int depth = 0;
    stack[depth++] = forest.root(tree);
    while (depth > 0) {
      int ref = stack[--depth];
      forest.readNode(ref, record);
      for (int c = 0; c < record.count; c++) {
        int child = record.refs[c];
        if (NodeRefs.isLeaf(child)) {
          if (n + 3 > out.length) {
            out = Arrays.copyOf(out, out.length * 2);
          }
          out[n++] = NodeRefs.leafNumber(child);
          out[n++] = record.firstEntries[c];
          out[n++] = record.sizes[c];
        } else {
          if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
          }
          stack[depth++] = child;
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** One query's vectors below its bar, as (sortable lower bound, ordinal). */
  private static final class Candidates {
    private long[] entries = new long[16];
    private int size;

    void add(float lower, int ord) {
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, size * 2);
      }
      entries[size++] = ((long) NumericUtils.floatToSortableInt(lower) << 32) | ord;
    }

    /**
     * The {@code k} nearest, nearest first, scored exactly in order of their lower bounds: of the
     * candidates whose lower bound passes {@code bar}, the final one (most were added below an
     * earlier, higher bar).
     */
    int[] nearest(float[] query, float bar, VectorSource vectors, Forest forest, int k)
        throws IOException {
      int below = 0;
      for (int i = 0; i < size; i++) {
        if (NumericUtils.sortableIntToFloat((int) (entries[i] >>> 32)) <= bar) {
          entries[below++] = entries[i];
        }
      }
      size = below;
      Arrays.sort(entries, 0, size);
      float squared = KERNELS.dot(query, query);
      // farthest on top: (distance, ordinal) packed so that ties keep the smaller ordinal
      LongHeap heap = new LongHeap(k);
      for (int i = 0; i < size; i++) {
        float bound = NumericUtils.sortableIntToFloat((int) (entries[i] >>> 32));
        if (heap.size() == k && bound > distanceOf(heap.top())) {
          break;
        }
        int ord = (int) entries[i];
        float distance =
            forest.geometry().mappedDistance(query, squared, vectors.vector(ord), forest.maxNorm());
        // negated, so that Lucene's min-heap keeps the farthest on top
        heap.insertWithOverflow(-pack(distance, ord));
      }
      int[] ords = new int[heap.size()];
      for (int i = ords.length - 1; i >= 0; i--) {
        ords[i] = (int) (-heap.pop());
      }
      return ords;
    }

    private static long pack(float distance, int ord) {
      return ((long) NumericUtils.floatToSortableInt(distance) << 32) | ord;
    }

    private static float distanceOf(long negated) {
      return NumericUtils.sortableIntToFloat((int) ((-negated) >>> 32));
    }
  }
}
