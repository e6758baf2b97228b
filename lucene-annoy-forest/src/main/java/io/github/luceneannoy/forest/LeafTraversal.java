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

/**
 * The leaves of a forest in the order a search reads them, for one query, over all trees at once,
 * in one of two orders ({@link Order}), chosen per segment by {@link BudgetCalibration}.
 *
 * <p>{@link Order#CENTROID}: best-first by the distance from the query to a node's centroid, at
 * every level (as a flat partition, IVF, orders its lists). {@link Order#BOUND}: nodes are expanded
 * best-first by a lower bound on the distance from the query to the region of the node: a child's
 * region lies beyond the plane halfway between its centroid and the centroid of the sibling nearest
 * the query, so its bound is the larger of its parent's and the query's distance to that plane,
 * {@code (|q - c_i|² - |q - c_best|²) / (2 |c_i - c_best|)}, 0 for the nearest child itself (the
 * bound Annoy's best-first search uses for its two-child splits, generalised to k children). The
 * leaves this yields wait in a small buffer of {@value #LOOKAHEAD}, from which the one whose
 * centroid is nearest the query is read first, as a flat partition (IVF) would order them.
 *
 * <p>Why two orders: on Fashion-MNIST the bound order found a query's neighbours with fewer
 * candidates (recall@10 of the first 1,000 candidates 0.968 against 0.922 for centroid order, two
 * trees of 16 children per node), on text embeddings centroid order did (0.972 against 0.960 at
 * 8,000): which clusters hold a query's neighbours depends on how their sizes vary, which the data
 * decides.
 *
 * <p>Distances to the children's centroids are estimated from their one-bit codes relative to the
 * parent's centroid ({@link LeafCoder}), starting from the exact distance to the segment's centre
 * at the roots: a node costs a few {@link Long#bitCount} per child instead of a dot product of the
 * full dimension (on Fashion-MNIST's 784 dimensions, 40 ns instead of 300 on Java 17). A leaf is
 * ordered by its estimate until it reaches the front; then its centroid is read and it goes back by
 * its exact distance, which the search needs for the leaf's codes anyway. So about the leaves read
 * are measured, and a leaf whose estimate flattered it falls behind: on text embeddings, recall@10
 * 0.952 took 13% fewer leaf entries than with estimates alone.
 *
 * <p>Reusable across queries ({@link #start}); not thread-safe.
 */
public final class LeafTraversal {
  /** How leaves are ordered; the {@link #id()} is written to disk. */
  public enum Order {
    BOUND(0),
    CENTROID(1);

    private final int id;

    Order(int id) {
      this.id = id;
    }

    public int id() {
      return id;
    }

    /** The order with this on-disk id. */
    public static Order fromId(int id) {
      for (Order order : values()) {
        if (order.id == id) {
          return order;
        }
      }
      throw new IllegalArgumentException("unknown leaf order id: " + id);
    }
  }

  /** Leaves waiting to be ordered by centroid distance. */
  static final int LOOKAHEAD = 16;

  private static final ForestKernels KERNELS = ForestKernels.get();

  /** The distance of a leaf whose centroid has not been measured yet: ordered by its estimate. */
  private static final float UNMEASURED = Float.NaN;

  private final ProbeHeap nodes = new ProbeHeap();
  private final ProbeHeap leaves = new ProbeHeap();
  private NodeRecord record;
  private Forest forest;
  private Order order;
  private QueryCode query;
  private float[] mappedQuery;
  private float[] centroid = new float[0];
  private float[] distances = new float[0];
  private float leafDistance;
  private int leafRef;
  private int leafSize;
  private int leafFirstEntry;
  private long nodesRead;

  /** Whether {@link #expand} queues inner nodes as {@link #pending} rather than by distance. */
  private boolean flat;

  /** Inner nodes of a flat tree still to be read, with their estimated centroid distances. */
  private int[] pending = new int[64];

  private float[] pendingDistances = new float[64];
  private int pendingCount;

  /**
   * Starts a traversal of {@code forest} in {@code order} for a query prepared as {@code query},
   * {@code mappedQuery} in the forest's mapped space.
   */
  public void start(Forest forest, Order order, QueryCode query, float[] mappedQuery)
      throws IOException {
    begin(forest, order, query, mappedQuery, false);
  }

  /**
   * Starts a traversal in centroid order whose first tree is flat: all its inner nodes are read at
   * once, so that each of its leaves is ranked by its own centroid, not behind its ancestors'. The
   * other trees are read as {@link #start} reads them.
   *
   * <p>For a search whose filter rejects the query's neighbourhood ({@link ForestSearcher}): its
   * neighbours lie in whatever accepted region is nearest, and an inner node's centroid, which
   * averages accepted and rejected regions, says little of which that is. On clustered data (20
   * clusters in 16 dimensions, the even ones accepted, queries in the odd; 12,000 vectors, leaves
   * of 32, 8 seeds of 100 queries) recall@10 rose from 0.888 (lowest seed 0.817) to 0.969 (0.942)
   * for as many entries gathered. The first tree holds every vector; making every tree flat gained
   * no more (0.970) and cost Fashion-MNIST's class filters 5 - 10% of their speed, the first tree
   * alone no measurable part of it.
   */
  public void startFlat(Forest forest, QueryCode query, float[] mappedQuery) throws IOException {
    begin(forest, Order.CENTROID, query, mappedQuery, true);
  }

  private void begin(
      Forest forest, Order order, QueryCode query, float[] mappedQuery, boolean flatFirstTree)
      throws IOException {
    this.forest = forest;
    this.order = order;
    this.query = query;
    this.mappedQuery = mappedQuery;
    if (centroid.length != forest.dimension()) {
      centroid = new float[forest.dimension()];
    }
    int words = forest.rotation().paddedDimension() / Long.SIZE;
    if (record == null
        || record.maxChildren() != forest.maxChildren()
        || record.codes.words != words) {
      record = new NodeRecord(forest.maxChildren(), words);
      distances = new float[forest.maxChildren()];
    }
    nodes.clear();
    leaves.clear();
    nodesRead = 0;
    // nothing left over from a traversal that a damaged node cut short
    pendingCount = 0;
    forest.startTraversal();
    for (int t = 0; t < forest.numTrees(); t++) {
      flat = flatFirstTree && t == 0;
      expand(forest.root(t), 0, query.centreDistance());
      while (pendingCount > 0) {
        pendingCount--;
        expand(pending[pendingCount], 0, pendingDistances[pendingCount]);
      }
    }
    flat = false;
  }

  /**
   * Moves to the next leaf; returns false when every leaf of every tree has been returned. The leaf
   * is then number {@link #leafNumber()}, of {@link #leafSize()} entries from {@link
   * #leafFirstEntry()}.
   */
  public boolean next() throws IOException {
    if (order == Order.CENTROID) {
      return nextByCentroid();
    }
    while (true) {
      while (leaves.size() < LOOKAHEAD && nodes.size() > 0) {
        float bound = nodes.topKey();
        int ref = nodes.topRef();
        int size = nodes.topSize();
        int firstEntry = nodes.topFirstEntry();
        float distance = nodes.topDistance();
        nodes.pop();
        if (NodeRefs.isLeaf(ref)) {
          leaves.push(distance, ref, size, firstEntry, UNMEASURED);
        } else {
          expand(ref, bound, distance);
        }
      }
      if (leaves.size() == 0) {
        return false;
      }
      if (measureTop(leaves)) {
        continue;
      }
      leafRef = leaves.topRef();
      leafSize = leaves.topSize();
      leafFirstEntry = leaves.topFirstEntry();
      leafDistance = leaves.topDistance();
      leaves.pop();
      return true;
    }
  }

  private boolean nextByCentroid() throws IOException {
    while (nodes.size() > 0) {
      int ref = nodes.topRef();
      if (NodeRefs.isLeaf(ref)) {
        if (measureTop(nodes)) {
          continue;
        }
        leafRef = ref;
        leafSize = nodes.topSize();
        leafFirstEntry = nodes.topFirstEntry();
        leafDistance = nodes.topDistance();
        nodes.pop();
        return true;
      }
      float distance = nodes.topDistance();
      nodes.pop();
      expand(ref, distance, distance);
    }
    return false;
  }

  /**
   * If the leaf on top of {@code heap} is still ordered by its estimated distance, replaces it by
   * its exact distance and returns true (another leaf may now be on top). Leaves are measured only
   * when they reach the top, so a search measures about the leaves it reads, whose centroids it
   * reads anyway.
   */
  private boolean measureTop(ProbeHeap heap) throws IOException {
    if (Float.isNaN(heap.topDistance()) == false) {
      return false;
    }
    int ref = heap.topRef();
    int size = heap.topSize();
    int firstEntry = heap.topFirstEntry();
    heap.pop();
    forest.readLeafCentroid(NodeRefs.leafNumber(ref), firstEntry, size, centroid);
    float exact = KERNELS.squareDistance(mappedQuery, centroid);
    if (Float.isNaN(exact)) {
      // a damaged centroid (the checksum reports it): read last, and measured all the same
      exact = Float.POSITIVE_INFINITY;
    }
    heap.push(exact, ref, size, firstEntry, exact);
    return true;
  }

  /** The current leaf's number ({@link NodeRefs#leafNumber}). */
  public int leafNumber() {
    return NodeRefs.leafNumber(leafRef);
  }

  public int leafSize() {
    return leafSize;
  }

  public int leafFirstEntry() {
    return leafFirstEntry;
  }

  /** The exact squared distance from the query to the current leaf's centroid. */
  public float leafDistance() {
    return leafDistance;
  }

  /** Inner nodes read so far. */
  public long nodesRead() {
    return nodesRead;
  }

  /**
   * Reads node {@code ref}, whose region is at least {@code bound} from the query and whose
   * centroid is about {@code distance} (squared) from it, and queues its children.
   */
  private void expand(int ref, float bound, float distance) throws IOException {
    forest.readNode(ref, record);
    nodesRead++;
    int count = record.count;
    int best = 0;
    query.estimates(record.codes, count, distance, distances);
    for (int c = 0; c < count; c++) {
      distances[c] = Math.max(0, distances[c]);
      if (distances[c] < distances[best]) {
        best = c;
      }
    }
    if (flat) {
      for (int c = 0; c < count; c++) {
        int child = record.refs[c];
        if (NodeRefs.isLeaf(child)) {
          nodes.push(distances[c], child, record.sizes[c], record.firstEntries[c], UNMEASURED);
        } else {
          if (pendingCount == pending.length) {
            pending = Arrays.copyOf(pending, pendingCount * 2);
            pendingDistances = Arrays.copyOf(pendingDistances, pendingCount * 2);
          }
          pending[pendingCount] = child;
          pendingDistances[pendingCount++] = distances[c];
        }
      }
      return;
    }
    if (order == Order.CENTROID) {
      for (int c = 0; c < count; c++) {
        int child = record.refs[c];
        nodes.push(
            distances[c],
            child,
            record.sizes[c],
            record.firstEntries[c],
            NodeRefs.isLeaf(child) ? UNMEASURED : distances[c]);
      }
      return;
    }
    for (int c = 0; c < count; c++) {
      float childBound = bound;
      float separation = record.siblingDistance(c, best);
      if (c != best && separation > 0) {
        childBound = Math.max(bound, (distances[c] - distances[best]) / (2 * separation));
      }
      nodes.push(childBound, record.refs[c], record.sizes[c], record.firstEntries[c], distances[c]);
    }
  }
}
