package io.github.luceneannoy.forest;

/**
 * A forest held in arrays, as {@link ForestBuilder} produces it and the codec writes it.
 *
 * <p>Split node {@code i} has its children at {@code children[2i]} and {@code children[2i+1]}, and
 * its hyperplane at {@code planes[i*(d+1)]} (the offset) followed by the {@code d} coordinates of
 * the normal, where {@code d} is {@link #normalDimension()}. Leaves are concatenated in {@code
 * leaves}, each as its length followed by its ordinals in increasing order.
 */
public final class OnHeapForest implements Forest {
  private final int normalDimension;
  private final int maxLeafSize;
  private final int[] roots;
  private final int numSplits;
  private final int[] children;
  private final float[] planes;
  private final int[] leaves;
  private final int leavesLength;

  OnHeapForest(
      int normalDimension,
      int maxLeafSize,
      int[] roots,
      int numSplits,
      int[] children,
      float[] planes,
      int[] leaves,
      int leavesLength) {
    this.normalDimension = normalDimension;
    this.maxLeafSize = maxLeafSize;
    this.roots = roots;
    this.numSplits = numSplits;
    this.children = children;
    this.planes = planes;
    this.leaves = leaves;
    this.leavesLength = leavesLength;
  }

  @Override
  public int numTrees() {
    return roots.length;
  }

  @Override
  public int root(int tree) {
    return roots[tree];
  }

  @Override
  public int maxLeafSize() {
    return maxLeafSize;
  }

  /** Coordinates of each split normal. */
  public int normalDimension() {
    return normalDimension;
  }

  /** Number of split nodes over all trees. */
  public int numSplits() {
    return numSplits;
  }

  /** Child {@code side} (0 or 1) of split node {@code node}. */
  public int child(int node, int side) {
    return children[2 * node + side];
  }

  /** The offset of the hyperplane of split node {@code node}. */
  public float offset(int node) {
    return planes[node * (normalDimension + 1)];
  }

  /** The {@code i}-th coordinate of the normal of split node {@code node}. */
  public float normal(int node, int i) {
    return planes[node * (normalDimension + 1) + 1 + i];
  }

  /** Number of ints in the leaf array. */
  public int leavesLength() {
    return leavesLength;
  }

  /** The {@code i}-th int of the leaf array. */
  public int leafInt(int i) {
    return leaves[i];
  }

  @Override
  public float split(int node, float[] query, int[] out) {
    out[0] = children[2 * node];
    out[1] = children[2 * node + 1];
    int base = node * (normalDimension + 1);
    float margin = planes[base];
    // the query may be shorter than the normal (inner product), never longer
    for (int i = 0; i < query.length; i++) {
      margin += planes[base + 1 + i] * query[i];
    }
    return margin;
  }

  @Override
  public int leaf(int ref, int[] ords) {
    int pos = NodeRefs.leafPosition(ref);
    int count = leaves[pos];
    System.arraycopy(leaves, pos + 1, ords, 0, count);
    return count;
  }
}
