package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.util.ArrayUtil;

/**
 * Builds a forest of independent random-projection trees over a {@link VectorSource}.
 *
 * <p>Tree {@code t} draws its random choices from a generator seeded with {@link #treeSeed(long,
 * int)}, a function of the forest seed and {@code t} only, so the same vectors in the same order
 * give the same forest, whatever thread or segment builds it.
 */
public final class ForestBuilder {
  private final SplitRule rule;
  private final int numTrees;
  private final int maxLeafSize;
  private final long seed;
  private final int projectionDimension;
  private final int sketchDimension;

  /** A builder that splits in the vectors' own space (no projection). */
  public ForestBuilder(SplitRule rule, int numTrees, int maxLeafSize, long seed) {
    this(rule, numTrees, maxLeafSize, 0, seed);
  }

  /**
   * @param rule how nodes are split
   * @param numTrees number of trees, at least 1
   * @param maxLeafSize largest number of ordinals in a leaf, at least 1
   * @param projectionDimension when positive and less than half the vectors' dimension, trees are
   *     built and searched in a {@link Projection} to this many coordinates
   * @param seed forest seed
   */
  public ForestBuilder(SplitRule rule, int numTrees, int maxLeafSize, int projectionDimension, long seed) {
    this(rule, numTrees, maxLeafSize, projectionDimension, 0, seed);
  }

  /**
   * As {@link #ForestBuilder(SplitRule, int, int, int, long)}, with sketches of {@code
   * sketchDimension} projected coordinates (at least {@code projectionDimension}, and fewer than
   * half the vectors' dimension) for projected fields of at least {@link #SKETCH_MIN_VECTORS}
   * vectors; 0 for no sketches.
   */
  public ForestBuilder(
      SplitRule rule, int numTrees, int maxLeafSize, int projectionDimension, int sketchDimension, long seed) {
    if (sketchDimension != 0 && sketchDimension < projectionDimension) {
      throw new IllegalArgumentException(
          "sketchDimension must be 0 or >= projectionDimension " + projectionDimension + ", got " + sketchDimension);
    }
    this.sketchDimension = sketchDimension;
    if (projectionDimension < 0) {
      throw new IllegalArgumentException("projectionDimension must be >= 0, got " + projectionDimension);
    }
    this.projectionDimension = projectionDimension;
    if (numTrees < 1) {
      throw new IllegalArgumentException("numTrees must be >= 1, got " + numTrees);
    }
    if (maxLeafSize < 1) {
      throw new IllegalArgumentException("maxLeafSize must be >= 1, got " + maxLeafSize);
    }
    this.rule = rule;
    this.numTrees = numTrees;
    this.maxLeafSize = maxLeafSize;
    this.seed = seed;
  }

  /** The seed of tree {@code tree}: a SplitMix64 finalizer over the forest seed and tree number. */
  public static long treeSeed(long seed, int tree) {
    long z = seed + (tree + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Builds the forest on the calling thread. An empty source gives a forest with no trees. */
  public OnHeapForest build(VectorSource vectors) throws IOException {
    return build(vectors, null);
  }

  /**
   * Builds the forest, one task per tree on {@code executor} (or on the calling thread when it is
   * null). Trees are independent and seeded by their number, so the result is the same whatever
   * the executor and however its threads interleave; each task reads its own copy of the source.
   */
  public OnHeapForest build(VectorSource vectors, TaskExecutor executor) throws IOException {
    Projection projection = null;
    OnHeapSketches sketches = null;
    if (projects(vectors.dimension()) && vectors.size() > 0) {
      if (sketches(vectors.size())) {
        int rows = sketchRows(projectionDimension, sketchDimension, vectors.dimension());
        projection = Projection.learn(vectors, rows, seed).withSplitRows(projectionDimension);
        float[][] splitCoordinates = new float[vectors.size()][];
        sketches = OnHeapSketches.build(rule, vectors, projection, splitCoordinates);
        vectors = new ArrayVectorSource(splitCoordinates);
      } else {
        projection = Projection.learn(vectors, projectionDimension, seed);
        vectors = projection.applyOnHeap(vectors);
      }
    }
    int normalDimension = rule.normalDimension(vectors.dimension());
    if (vectors.size() == 0) {
      return new OnHeapForest(
          null, null, normalDimension, maxLeafSize, new int[0], 0, new int[0], new float[0], new float[0], new byte[0], new int[0], 0);
    }
    VectorSource prepared = rule.prepare(vectors);
    if (prepared.dimension() != normalDimension) {
      throw new IllegalStateException(
          "split rule " + rule + " produced dimension " + prepared.dimension() + ", expected " + normalDimension);
    }
    TreeBuilder.Tree[] trees = new TreeBuilder.Tree[numTrees];
    if (executor == null || numTrees == 1) {
      for (int t = 0; t < numTrees; t++) {
        trees[t] = new TreeBuilder(prepared, rule, maxLeafSize, treeSeed(seed, t)).build();
      }
    } else {
      List<Callable<TreeBuilder.Tree>> tasks = new ArrayList<>(numTrees);
      for (int t = 0; t < numTrees; t++) {
        VectorSource copy = prepared.copy();
        long treeSeed = treeSeed(seed, t);
        tasks.add(() -> new TreeBuilder(copy, rule, maxLeafSize, treeSeed).build());
      }
      trees = executor.invokeAll(tasks).toArray(trees);
    }
    return concatenate(projection, sketches, normalDimension, trees);
  }

  /**
   * Whether vectors of {@code dimension} coordinates are projected before splitting: when they have
   * more than twice the projection's coordinates, and the rule is not {@link
   * SplitRule#INNER_PRODUCT}. Below that size a projection saves little work and loses a large share
   * of the variance of data without much structure. Inner product ranks by the full vectors' norms,
   * which a projection changes: measured, recall@10 at defaults fell to 0.94 for some seeds on
   * 256-dimension data, so those fields split in their own coordinates.
   */
  public boolean projects(int dimension) {
    return projects(rule, projectionDimension, dimension);
  }

  /**
   * Smallest number of vectors that gets sketches. Learning the wider projection costs about as
   * much as projecting ten thousand vectors of it (measured, 784 dimensions, 128 rows: 0.9 s
   * against 0.26 s for 32 rows), and a small segment's exact scores are few and cheap anyway; a
   * small flushed segment is soon merged, and the merge sketches it.
   */
  public static final int SKETCH_MIN_VECTORS = 16_384;

  /** Whether a projected field of {@code size} vectors gets sketches. */
  public boolean sketches(int size) {
    return sketchDimension > 0 && size >= SKETCH_MIN_VECTORS;
  }

  /**
   * Projected coordinates kept per sketch: {@code sketchDimension}, but fewer than half the
   * dimension (beyond that a sketch is no longer small next to the vector), and never fewer than
   * the split coordinates, which come first.
   */
  public static int sketchRows(int projectionDimension, int sketchDimension, int dimension) {
    return Math.max(projectionDimension, Math.min(sketchDimension, (dimension - 1) / 2));
  }

  /** As {@link #projects(int)}, for a builder with this rule and projection dimension. */
  public static boolean projects(SplitRule rule, int projectionDimension, int dimension) {
    return projectionDimension > 0 && dimension > 2 * projectionDimension && rule != SplitRule.INNER_PRODUCT;
  }

  private OnHeapForest concatenate(
      Projection projection, OnHeapSketches sketches, int normalDimension, TreeBuilder.Tree[] trees) {
    long totalSplits = 0;
    long totalLeaves = 0;
    for (TreeBuilder.Tree tree : trees) {
      totalSplits += tree.numSplits();
      totalLeaves += tree.leavesLength();
    }
    int stride = normalDimension;
    if (totalSplits * stride > ArrayUtil.MAX_ARRAY_LENGTH || totalLeaves > ArrayUtil.MAX_ARRAY_LENGTH) {
      throw new IllegalArgumentException(
          "forest too large for one segment: " + totalSplits + " split nodes of " + stride + " bytes, "
              + totalLeaves + " leaf ints; use fewer trees or a larger maxLeafSize");
    }
    int[] roots = new int[trees.length];
    int[] children = new int[(int) (2 * totalSplits)];
    float[] offsets = new float[(int) totalSplits];
    float[] scales = new float[(int) totalSplits];
    byte[] normals = new byte[(int) (totalSplits * stride)];
    int[] leaves = new int[(int) totalLeaves];
    int splitBase = 0;
    int leafBase = 0;
    for (int t = 0; t < trees.length; t++) {
      TreeBuilder.Tree tree = trees[t];
      roots[t] = shift(tree.root(), splitBase, leafBase);
      for (int i = 0; i < 2 * tree.numSplits(); i++) {
        children[2 * splitBase + i] = shift(tree.children()[i], splitBase, leafBase);
      }
      System.arraycopy(tree.offsets(), 0, offsets, splitBase, tree.numSplits());
      System.arraycopy(tree.scales(), 0, scales, splitBase, tree.numSplits());
      System.arraycopy(tree.normals(), 0, normals, splitBase * stride, tree.numSplits() * stride);
      System.arraycopy(tree.leaves(), 0, leaves, leafBase, tree.leavesLength());
      splitBase += tree.numSplits();
      leafBase += tree.leavesLength();
    }
    return new OnHeapForest(
        projection, sketches, normalDimension, maxLeafSize, roots, splitBase, children, offsets, scales, normals, leaves, leafBase);
  }

  private static int shift(int ref, int splitBase, int leafBase) {
    if (NodeRefs.isLeaf(ref)) {
      return NodeRefs.leafRef(NodeRefs.leafPosition(ref) + leafBase);
    }
    return ref + splitBase;
  }
}
