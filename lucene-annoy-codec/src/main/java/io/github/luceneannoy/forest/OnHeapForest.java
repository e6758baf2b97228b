package io.github.luceneannoy.forest;

import org.apache.lucene.util.ArrayUtil;

/**
 * A forest held in arrays, as {@link ForestBuilder} produces it and the codec writes it.
 *
 * <p>Split node {@code i} has its children at {@code children[2i]} and {@code children[2i+1]}, its
 * hyperplane's offset at {@code offsets[i]}, and its normal as {@code d} signed bytes at {@code
 * normals[i*d]} to be multiplied by {@code scales[i]}, where {@code d} is {@link
 * #normalDimension()}. Normals live in the space of the {@link #projection()} when there is one.
 * Leaves are concatenated in {@code leaves}, each as its length followed by
 * its ordinals in increasing order.
 */
public final class OnHeapForest implements Forest {
  private final Projection projection;
  private final OnHeapSketches sketches;
  private final int normalDimension;
  private final int maxLeafSize;
  private final int[] roots;
  private final int numSplits;
  private final int[] children;
  private final float[] offsets;
  private final float[] scales;
  private final byte[] normals;
  private final int[] leaves;
  private final int leavesLength;

  OnHeapForest(
      Projection projection,
      OnHeapSketches sketches,
      int normalDimension,
      int maxLeafSize,
      int[] roots,
      int numSplits,
      int[] children,
      float[] offsets,
      float[] scales,
      byte[] normals,
      int[] leaves,
      int leavesLength) {
    this.projection = projection;
    this.sketches = sketches;
    this.normalDimension = normalDimension;
    this.maxLeafSize = maxLeafSize;
    this.roots = roots;
    this.numSplits = numSplits;
    this.children = children;
    this.offsets = offsets;
    this.scales = scales;
    this.normals = normals;
    this.leaves = leaves;
    this.leavesLength = leavesLength;
  }

  @Override
  public Projection projection() {
    return projection;
  }

  @Override
  public OnHeapSketches sketches() {
    return sketches;
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
    return offsets[node];
  }

  /** The factor that turns the stored bytes of the normal of {@code node} into coordinates. */
  public float scale(int node) {
    return scales[node];
  }

  /** The stored byte of the {@code i}-th coordinate of the normal of split node {@code node}. */
  public byte quantizedNormal(int node, int i) {
    return normals[node * normalDimension + i];
  }

  /** The {@code i}-th coordinate of the normal of split node {@code node}. */
  public float normal(int node, int i) {
    return scales[node] * normals[node * normalDimension + i];
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
    // the query may be shorter than the normal (inner product), never longer
    return offsets[node] + scales[node] * Margins.dot(normals, node * normalDimension, query);
  }

  @Override
  public int leaf(int ref, int[] ords) {
    int pos = NodeRefs.leafPosition(ref);
    int count = leaves[pos];
    System.arraycopy(leaves, pos + 1, ords, 0, count);
    return count;
  }

  /** An output that collects a forest's trees into the arrays of an {@link OnHeapForest}. */
  static Collector collector(int normalDimension) {
    return new Collector(normalDimension);
  }

  /** Collects split records and leaf ints as {@link ForestBuilder#buildTrees} writes them. */
  static final class Collector implements ForestOutput {
    private final int normalDimension;
    private int numSplits;
    private int[] children = new int[16];
    private float[] offsets = new float[8];
    private float[] scales = new float[8];
    private byte[] normals = new byte[0];
    private int[] leaves = new int[16];
    private int leavesLength;

    private Collector(int normalDimension) {
      this.normalDimension = normalDimension;
    }

    @Override
    public void split(int left, int right, float offset, float scale, byte[] normal, int from, int length) {
      if (length != normalDimension) {
        throw new IllegalArgumentException("normal of " + length + " coordinates, expected " + normalDimension);
      }
      long normalBytes = (long) (numSplits + 1) * normalDimension;
      if (normalBytes > ArrayUtil.MAX_ARRAY_LENGTH) {
        throw new IllegalArgumentException(
            "forest too large for the heap: " + (numSplits + 1) + " split nodes of " + normalDimension
                + " bytes; use fewer trees or a larger maxLeafSize");
      }
      children = ArrayUtil.grow(children, 2 * numSplits + 2);
      offsets = ArrayUtil.grow(offsets, numSplits + 1);
      scales = ArrayUtil.grow(scales, numSplits + 1);
      normals = ArrayUtil.grow(normals, (int) normalBytes);
      children[2 * numSplits] = left;
      children[2 * numSplits + 1] = right;
      offsets[numSplits] = offset;
      scales[numSplits] = scale;
      System.arraycopy(normal, from, normals, numSplits * normalDimension, length);
      numSplits++;
    }

    @Override
    public void leafInts(int[] ints, int from, int length) {
      if ((long) leavesLength + length > ArrayUtil.MAX_ARRAY_LENGTH) {
        throw new IllegalArgumentException(
            "forest too large for the heap: more than " + ArrayUtil.MAX_ARRAY_LENGTH
                + " leaf ints; use fewer trees or a larger maxLeafSize");
      }
      leaves = ArrayUtil.grow(leaves, leavesLength + length);
      System.arraycopy(ints, from, leaves, leavesLength, length);
      leavesLength += length;
    }

    OnHeapForest toForest(Projection projection, OnHeapSketches sketches, int maxLeafSize, int[] roots) {
      return new OnHeapForest(
          projection, sketches, normalDimension, maxLeafSize, roots, numSplits, children, offsets, scales, normals, leaves,
          leavesLength);
    }
  }
}
