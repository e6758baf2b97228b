package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.RamUsageEstimator;
import org.apache.lucene.util.VectorUtil;

/**
 * Builds one tree: recursively splits the vectors by hyperplanes until every leaf holds at most
 * {@code maxLeafSize} ordinals.
 *
 * <p>Invariants: every ordinal {@code 0 .. size-1} appears in exactly one leaf; split nodes are
 * numbered in pre-order, so split children have larger numbers than their parent; both children of
 * a split are non-empty, so recursion always makes progress.
 *
 * <p>A split is accepted when its larger side holds less than {@link #MAX_IMBALANCE} of the node's
 * vectors; after {@link #SPLIT_ATTEMPTS} tries it falls back to a random halving with a zero
 * normal (a margin of 0 sends the search down both sides with equal priority), which keeps trees
 * balanced when many vectors are identical.
 */
final class TreeBuilder {
  /** Iterations of the two-means refinement of the centroids, as in Annoy. */
  static final int TWO_MEANS_ITERATIONS = 200;

  static final int SPLIT_ATTEMPTS = 3;
  static final double MAX_IMBALANCE = 0.95;

  private final VectorSource vectors;
  private final SplitRule rule;
  private final int maxLeafSize;
  private final int dim;
  private final SplittableRandom random;
  private final int[] ords;
  // scratch, reused for every node
  private final float[] p;
  private final float[] q;
  private final float[] normal;
  private final boolean[] sides;
  // the hyperplane of the node being split
  private float offset;

  // the quantized normal of the node being split, and its scale
  private final byte[] quantized;
  private float scale;

  // output
  private int numSplits;
  private int[] children = new int[16];
  private float[] offsets = new float[16];
  private float[] scales = new float[16];
  private byte[] normals;
  private int[] leaves = new int[16];
  private int leavesLength;

  TreeBuilder(VectorSource vectors, SplitRule rule, int maxLeafSize, long seed) {
    this.vectors = vectors;
    this.rule = rule;
    this.maxLeafSize = maxLeafSize;
    this.dim = vectors.dimension();
    this.random = new SplittableRandom(seed);
    this.ords = new int[vectors.size()];
    for (int i = 0; i < ords.length; i++) {
      ords[i] = i;
    }
    this.p = new float[dim];
    this.q = new float[dim];
    this.normal = new float[dim];
    this.sides = new boolean[vectors.size()];
    this.quantized = new byte[dim];
    this.normals = new byte[16 * dim];
  }

  /** Builds the tree and returns it; call once. */
  Tree build() throws IOException {
    int root = build(0, ords.length);
    return new Tree(root, numSplits, dim, children, offsets, scales, normals, leaves, leavesLength, ramBytesUsed());
  }

  /**
   * Heap held by this builder: arrays only grow while a tree is built, so called at the end this is
   * the tree's peak. It does not count the vector source, which the builder only reads.
   */
  private long ramBytesUsed() {
    return RamUsageEstimator.sizeOf(ords)
        + RamUsageEstimator.sizeOf(sides)
        + RamUsageEstimator.sizeOf(p) * 3
        + RamUsageEstimator.sizeOf(quantized)
        + RamUsageEstimator.sizeOf(children)
        + RamUsageEstimator.sizeOf(offsets)
        + RamUsageEstimator.sizeOf(scales)
        + RamUsageEstimator.sizeOf(normals)
        + RamUsageEstimator.sizeOf(leaves);
  }

  private int build(int from, int to) throws IOException {
    int count = to - from;
    if (count <= maxLeafSize) {
      return addLeaf(from, to);
    }
    int node = numSplits++;
    children = ArrayUtil.grow(children, 2 * numSplits);
    offsets = ArrayUtil.grow(offsets, numSplits);
    scales = ArrayUtil.grow(scales, numSplits);
    if ((long) numSplits * dim > normals.length) {
      normals = ArrayUtil.growExact(normals, ArrayUtil.oversize(Math.multiplyExact(numSplits, dim), Byte.BYTES));
    }
    int mid = split(from, to);
    offsets[node] = offset;
    scales[node] = scale;
    System.arraycopy(quantized, 0, normals, node * dim, dim);
    int left = build(from, mid);
    int right = build(mid, to);
    children[2 * node] = left;
    children[2 * node + 1] = right;
    return node;
  }

  /**
   * Chooses a hyperplane for {@code ords[from..to)}, leaves it in {@link #normal} and {@link
   * #offset}, and partitions the range so that the negative side comes first. Returns the index of
   * the first ordinal of the positive side.
   */
  private int split(int from, int to) throws IOException {
    int count = to - from;
    int mid = from;
    for (int attempt = 0; attempt < SPLIT_ATTEMPTS; attempt++) {
      twoMeans(from, to);
      mid = partition(from, to);
      int larger = Math.max(mid - from, to - mid);
      if (larger < MAX_IMBALANCE * count) {
        return mid;
      }
    }
    return randomHalves(from, to);
  }

  /** Shuffles the range and cuts it in the middle; the hyperplane is degenerate (all zero). */
  private int randomHalves(int from, int to) {
    for (int i = to - 1; i > from; i--) {
      int j = from + random.nextInt(i - from + 1);
      int tmp = ords[i];
      ords[i] = ords[j];
      ords[j] = tmp;
    }
    Arrays.fill(normal, 0f);
    Arrays.fill(quantized, (byte) 0);
    scale = 0f;
    offset = 0f;
    return from + (to - from) / 2;
  }

  /** Two-means on a sample of the range, leaving the separating hyperplane in normal/offset. */
  private void twoMeans(int from, int to) throws IOException {
    int count = to - from;
    int i = random.nextInt(count);
    int j = random.nextInt(count - 1);
    if (j >= i) {
      j++;
    }
    System.arraycopy(vectors.vector(ords[from + i]), 0, p, 0, dim);
    System.arraycopy(vectors.vector(ords[from + j]), 0, q, 0, dim);
    boolean normalizes = rule.normalizes();
    if (normalizes) {
      normalize(p);
      normalize(q);
    }
    int pCount = 1;
    int qCount = 1;
    // squared norms of the centroids, kept current so a distance costs one dot product
    float pp = dot(p, p);
    float qq = dot(q, q);
    int iterations = Math.min(TWO_MEANS_ITERATIONS, 2 * count);
    for (int it = 0; it < iterations; it++) {
      float[] x = vectors.vector(ords[from + random.nextInt(count)]);
      float xx = dot(x, x);
      float scale = 1f;
      if (normalizes) {
        if (xx == 0f) {
          continue;
        }
        scale = (float) (1 / Math.sqrt(xx));
      }
      // |c - scale·x|² = |c|² - 2·scale·(c·x) + scale²·|x|²
      float xs = scale * scale * xx;
      double dp = pCount * (pp - 2 * scale * dot(p, x) + xs);
      double dq = qCount * (qq - 2 * scale * dot(q, x) + xs);
      if (dp < dq) {
        moveTowards(p, x, scale, pCount++);
        pp = dot(p, p);
      } else if (dq < dp) {
        moveTowards(q, x, scale, qCount++);
        qq = dot(q, q);
      }
    }
    for (int d = 0; d < dim; d++) {
      normal[d] = p[d] - q[d];
    }
    normalize(normal);
    quantizeNormal();
    if (rule.hasOffset()) {
      double o = 0;
      for (int d = 0; d < dim; d++) {
        o -= normal[d] * (p[d] + q[d]) * 0.5;
      }
      offset = (float) o;
    } else {
      offset = 0f;
    }
  }

  /**
   * Rounds the normal to {@code scale × byte} per coordinate, the precision it is stored with, and
   * continues with the rounded normal, so that the sides vectors are put on here are the sides the
   * stored hyperplane gives them. A quarter of the bytes of floats, for a direction that was a
   * heuristic anyway.
   */
  private void quantizeNormal() {
    float maxAbs = 0f;
    for (float x : normal) {
      maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    if (maxAbs == 0f) {
      scale = 0f;
      Arrays.fill(quantized, (byte) 0);
      return;
    }
    scale = maxAbs / 127f;
    for (int d = 0; d < dim; d++) {
      int b = Math.round(normal[d] / scale);
      quantized[d] = (byte) Math.max(-127, Math.min(127, b));
      normal[d] = quantized[d] * scale;
    }
  }

  /** Partitions by side of the current hyperplane; ties go to a random side. */
  private int partition(int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      float m = margin(vectors.vector(ords[i]));
      sides[i] = m > 0 || (m == 0 && random.nextBoolean());
    }
    int mid = from;
    for (int i = from; i < to; i++) {
      if (sides[i] == false) {
        int tmp = ords[i];
        ords[i] = ords[mid];
        ords[mid] = tmp;
        boolean s = sides[i];
        sides[i] = sides[mid];
        sides[mid] = s;
        mid++;
      }
    }
    return mid;
  }

  private float margin(float[] x) {
    return offset + dot(normal, x);
  }

  private int addLeaf(int from, int to) {
    int count = to - from;
    int position = leavesLength;
    leaves = ArrayUtil.grow(leaves, leavesLength + 1 + count);
    leaves[leavesLength++] = count;
    System.arraycopy(ords, from, leaves, leavesLength, count);
    Arrays.sort(leaves, leavesLength, leavesLength + count);
    leavesLength += count;
    return NodeRefs.leafRef(position);
  }

  private static float dot(float[] a, float[] b) {
    return VectorUtil.dotProduct(a, b);
  }

  /** Running mean: c = (c * n + x * scale) / (n + 1). */
  private static void moveTowards(float[] c, float[] x, float scale, int n) {
    float w = 1f / (n + 1);
    for (int i = 0; i < c.length; i++) {
      c[i] += (x[i] * scale - c[i]) * w;
    }
  }

  private static void normalize(float[] v) {
    double norm = Math.sqrt(dot(v, v));
    if (norm > 0) {
      float inv = (float) (1 / norm);
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
  }

  /**
   * One built tree, with node numbers local to the tree; {@code buildBytes} is the heap its builder
   * held at its peak, including these arrays.
   */
  record Tree(
      int root,
      int numSplits,
      int normalDimension,
      int[] children,
      float[] offsets,
      float[] scales,
      byte[] normals,
      int[] leaves,
      int leavesLength,
      long buildBytes) {}
}
