package io.github.luceneannoy.forest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/** Shared fixtures for the forest tests: on-heap vectors, a counting scorer and a tree walker. */
final class ForestTestUtil {
  private ForestTestUtil() {}

  /**
   * Vectors held in a {@code float[][]}, served the way disk-backed sources serve them: through one
   * buffer that every call overwrites. It also checks that nobody wrote into that buffer, which
   * {@link VectorSource#vector} forbids.
   */
  static final class ArrayVectorSource implements VectorSource {
    private final float[][] vectors;
    private final int dimension;
    private final float[] buffer;
    private int lastOrd = -1;

    ArrayVectorSource(float[][] vectors, int dimension) {
      this.vectors = vectors;
      this.dimension = dimension;
      this.buffer = new float[dimension];
    }

    ArrayVectorSource(float[][] vectors) {
      this(vectors, vectors[0].length);
    }

    @Override
    public int size() {
      return vectors.length;
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public float[] vector(int ord) {
      if (lastOrd >= 0 && Arrays.equals(buffer, vectors[lastOrd]) == false) {
        throw new AssertionError("caller modified the buffer returned for ord " + lastOrd);
      }
      System.arraycopy(vectors[ord], 0, buffer, 0, dimension);
      lastOrd = ord;
      return buffer;
    }

    @Override
    public VectorSource copy() {
      return new ArrayVectorSource(vectors, dimension);
    }
  }

  /** A similarity between two vectors, larger is closer. */
  interface Similarity {
    float score(float[] a, float[] b);
  }

  static final Similarity EUCLIDEAN = ForestTestUtil::euclideanScore;
  static final Similarity DOT_PRODUCT = ForestTestUtil::dotProductScore;

  /** Scores ordinals against a query and records how often each ordinal was scored. */
  static final class CountingScorer implements RandomVectorScorer {
    final float[][] vectors;
    final float[] query;
    final Similarity similarity;
    final int[] scoreCounts;
    final List<Integer> scoredOrds = new ArrayList<>();

    CountingScorer(float[][] vectors, float[] query, Similarity similarity) {
      this.vectors = vectors;
      this.query = query;
      this.similarity = similarity;
      this.scoreCounts = new int[vectors.length];
    }

    /** Euclidean, scored {@code 1 / (1 + d²)} as Lucene does. */
    CountingScorer(float[][] vectors, float[] query) {
      this(vectors, query, EUCLIDEAN);
    }

    @Override
    public float score(int ord) {
      scoreCounts[ord]++;
      scoredOrds.add(ord);
      return similarity.score(vectors[ord], query);
    }

    @Override
    public int maxOrd() {
      return vectors.length;
    }

    int totalScores() {
      return scoredOrds.size();
    }
  }

  static float dotProductScore(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return (float) sum;
  }

  static float euclideanScore(float[] a, float[] b) {
    double d2 = 0;
    for (int i = 0; i < a.length; i++) {
      double diff = a[i] - b[i];
      d2 += diff * diff;
    }
    return (float) (1 / (1 + d2));
  }

  static float[][] gaussianVectors(Random random, int n, int dim) {
    float[][] vectors = new float[n][dim];
    for (float[] v : vectors) {
      for (int d = 0; d < dim; d++) {
        v[d] = (float) random.nextGaussian();
      }
    }
    return vectors;
  }

  /** {@code n} vectors around {@code numClusters} random centers, {@code spread} apart at most. */
  static float[][] clusteredVectors(
      Random random, int n, int dim, int numClusters, float centerScale, float spread) {
    float[][] centers = gaussianVectors(random, numClusters, dim);
    float[][] vectors = new float[n][dim];
    for (int i = 0; i < n; i++) {
      float[] center = centers[random.nextInt(numClusters)];
      for (int d = 0; d < dim; d++) {
        vectors[i][d] = center[d] * centerScale + (float) random.nextGaussian() * spread;
      }
    }
    return vectors;
  }

  static float[][] deepCopy(float[][] vectors) {
    float[][] copy = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      copy[i] = vectors[i].clone();
    }
    return copy;
  }

  /** Ordinals sorted by decreasing score, ties by increasing ordinal. */
  static int[] bruteForceTopK(float[][] vectors, float[] query, int k, boolean[] accept) {
    return bruteForceTopK(vectors, query, k, accept, EUCLIDEAN);
  }

  static int[] bruteForceTopK(
      float[][] vectors, float[] query, int k, boolean[] accept, Similarity similarity) {
    List<Integer> ords = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      if (accept == null || accept[i]) {
        ords.add(i);
      }
    }
    float[] scores = new float[vectors.length];
    for (int ord : ords) {
      scores[ord] = similarity.score(vectors[ord], query);
    }
    ords.sort((a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : a - b);
    int[] top = new int[Math.min(k, ords.size())];
    for (int i = 0; i < top.length; i++) {
      top[i] = ords.get(i);
    }
    return top;
  }

  /** What a walk of one tree found. */
  static final class TreeShape {
    final List<int[]> leaves = new ArrayList<>();
    final List<Integer> leafPositions = new ArrayList<>();
    final List<Integer> splitNodes = new ArrayList<>();
    int maxDepth;
  }

  /**
   * Walks tree {@code tree} through the public accessors, asserting the structural invariants every
   * tree must satisfy whatever the data: split references in range, split children numbered after
   * their parent, leaves of {@code 1..maxLeafSize} strictly increasing ordinals, {@link
   * Forest#leaf} agreeing with the raw leaf ints, and a proper binary tree (one split fewer than
   * leaves).
   */
  static TreeShape walkTree(OnHeapForest forest, int tree) throws IOException {
    TreeShape shape = new TreeShape();
    int[] buffer = new int[forest.maxLeafSize()];
    // explicit stack of (ref, depth): degenerate trees must not be able to overflow the test
    List<int[]> stack = new ArrayList<>();
    stack.add(new int[] {forest.root(tree), 0});
    while (stack.isEmpty() == false) {
      int[] top = stack.remove(stack.size() - 1);
      int ref = top[0];
      int depth = top[1];
      shape.maxDepth = Math.max(shape.maxDepth, depth);
      if (NodeRefs.isLeaf(ref)) {
        int position = NodeRefs.leafPosition(ref);
        assertTrue("leaf position " + position, position >= 0 && position < forest.leavesLength());
        int count = forest.leafInt(position);
        assertTrue("leaf size " + count, count >= 1 && count <= forest.maxLeafSize());
        assertTrue(position + count < forest.leavesLength());
        int[] ords = new int[count];
        for (int i = 0; i < count; i++) {
          ords[i] = forest.leafInt(position + 1 + i);
          if (i > 0 && ords[i] <= ords[i - 1]) {
            fail("leaf ordinals not strictly increasing: " + Arrays.toString(ords));
          }
        }
        assertEquals(count, forest.leaf(ref, buffer));
        assertArrayEquals(ords, Arrays.copyOf(buffer, count));
        shape.leaves.add(ords);
        shape.leafPositions.add(position);
      } else {
        assertTrue("split ref " + ref, ref < forest.numSplits());
        shape.splitNodes.add(ref);
        for (int side = 0; side < 2; side++) {
          int child = forest.child(ref, side);
          if (NodeRefs.isLeaf(child) == false && child <= ref) {
            fail("split " + ref + " has split child " + child + ": not pre-order");
          }
          stack.add(new int[] {child, depth + 1});
        }
      }
    }
    assertEquals(
        "a binary tree whose splits are all non-trivial has one split fewer than leaves",
        shape.leaves.size() - 1,
        shape.splitNodes.size());
    return shape;
  }

  /**
   * Asserts that every tree holds each ordinal of {@code 0..n-1} exactly once, and that the trees
   * together use every split node and every leaf int exactly once (no sharing, no garbage).
   */
  static List<TreeShape> assertWellFormed(OnHeapForest forest, int n) throws IOException {
    List<TreeShape> shapes = new ArrayList<>();
    boolean[] splitSeen = new boolean[forest.numSplits()];
    int leafInts = 0;
    for (int t = 0; t < forest.numTrees(); t++) {
      TreeShape shape = walkTree(forest, t);
      int[] seen = new int[n];
      for (int[] leaf : shape.leaves) {
        for (int ord : leaf) {
          assertTrue("ordinal out of range: " + ord, ord >= 0 && ord < n);
          seen[ord]++;
        }
        leafInts += 1 + leaf.length;
      }
      for (int ord = 0; ord < n; ord++) {
        assertEquals("tree " + t + ", ordinal " + ord, 1, seen[ord]);
      }
      for (int node : shape.splitNodes) {
        assertTrue("split node " + node + " reached twice", splitSeen[node] == false);
        splitSeen[node] = true;
      }
      shapes.add(shape);
    }
    for (int node = 0; node < splitSeen.length; node++) {
      assertTrue("split node " + node + " unreachable", splitSeen[node]);
    }
    assertEquals(forest.leavesLength(), leafInts);
    return shapes;
  }

  /** Calls {@code consumer} with every ordinal in the subtree of {@code ref}. */
  static void forEachOrd(OnHeapForest forest, int ref, IntConsumer consumer) {
    List<Integer> stack = new ArrayList<>();
    stack.add(ref);
    while (stack.isEmpty() == false) {
      int r = stack.remove(stack.size() - 1);
      if (NodeRefs.isLeaf(r)) {
        int position = NodeRefs.leafPosition(r);
        int count = forest.leafInt(position);
        for (int i = 0; i < count; i++) {
          consumer.accept(forest.leafInt(position + 1 + i));
        }
      } else {
        stack.add(forest.child(r, 0));
        stack.add(forest.child(r, 1));
      }
    }
  }

  /** The margin of {@code x} at split {@code node}, in double, over {@code x.length} coords. */
  static double margin(OnHeapForest forest, int node, float[] x) {
    double m = forest.offset(node);
    for (int i = 0; i < x.length; i++) {
      m += (double) forest.normal(node, i) * x[i];
    }
    return m;
  }

  static double normalNorm(OnHeapForest forest, int node) {
    double sum = 0;
    for (int i = 0; i < forest.normalDimension(); i++) {
      sum += (double) forest.normal(node, i) * forest.normal(node, i);
    }
    return Math.sqrt(sum);
  }

  /** Asserts that two forests are identical, array by array, through the public accessors. */
  static void assertSameForest(OnHeapForest expected, OnHeapForest actual) {
    assertEquals(expected.numTrees(), actual.numTrees());
    assertEquals(expected.normalDimension(), actual.normalDimension());
    assertEquals(expected.maxLeafSize(), actual.maxLeafSize());
    assertEquals(expected.numSplits(), actual.numSplits());
    assertEquals(expected.leavesLength(), actual.leavesLength());
    for (int t = 0; t < expected.numTrees(); t++) {
      assertEquals("root of tree " + t, expected.root(t), actual.root(t));
    }
    for (int node = 0; node < expected.numSplits(); node++) {
      assertEquals(expected.child(node, 0), actual.child(node, 0));
      assertEquals(expected.child(node, 1), actual.child(node, 1));
      assertEquals(bits(expected.offset(node)), bits(actual.offset(node)));
      for (int i = 0; i < expected.normalDimension(); i++) {
        assertEquals(bits(expected.normal(node, i)), bits(actual.normal(node, i)));
      }
    }
    for (int i = 0; i < expected.leavesLength(); i++) {
      assertEquals("leaf int " + i, expected.leafInt(i), actual.leafInt(i));
    }
  }

  /** Whether two forests differ anywhere. */
  static boolean sameForest(OnHeapForest a, OnHeapForest b) {
    try {
      assertSameForest(a, b);
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /**
   * Whether tree {@code ta} of {@code a} and tree {@code tb} of {@code b} have the same shape,
   * hyperplanes and leaves, whatever their node numbers.
   */
  static boolean sameTree(OnHeapForest a, int ta, OnHeapForest b, int tb) {
    return sameSubtree(a, a.root(ta), b, b.root(tb));
  }

  private static boolean sameSubtree(OnHeapForest a, int ra, OnHeapForest b, int rb) {
    if (NodeRefs.isLeaf(ra) != NodeRefs.isLeaf(rb)) {
      return false;
    }
    if (NodeRefs.isLeaf(ra)) {
      int pa = NodeRefs.leafPosition(ra);
      int pb = NodeRefs.leafPosition(rb);
      int count = a.leafInt(pa);
      if (count != b.leafInt(pb)) {
        return false;
      }
      for (int i = 1; i <= count; i++) {
        if (a.leafInt(pa + i) != b.leafInt(pb + i)) {
          return false;
        }
      }
      return true;
    }
    if (a.normalDimension() != b.normalDimension() || bits(a.offset(ra)) != bits(b.offset(rb))) {
      return false;
    }
    for (int i = 0; i < a.normalDimension(); i++) {
      if (bits(a.normal(ra, i)) != bits(b.normal(rb, i))) {
        return false;
      }
    }
    return sameSubtree(a, a.child(ra, 0), b, b.child(rb, 0))
        && sameSubtree(a, a.child(ra, 1), b, b.child(rb, 1));
  }

  private static int bits(float f) {
    return Float.floatToRawIntBits(f);
  }

  static double log2(int n) {
    return Math.log(n) / Math.log(2);
  }
}
