package io.github.luceneannoy.forest;

import static io.github.luceneannoy.forest.ForestTestUtil.assertWellFormed;
import static io.github.luceneannoy.forest.ForestTestUtil.gaussianVectors;
import static io.github.luceneannoy.forest.ForestTestUtil.log2;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import io.github.luceneannoy.forest.ForestTestUtil.TreeShape;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Data on which two-means finds no useful hyperplane. The build must still terminate with valid
 * leaves, and the random-halves fallback must keep trees shallow: a tree that peeled off one
 * vector per level would make every query walk (and every build recurse) n levels deep.
 */
public class TestDegenerateData extends LuceneTestCase {

  /** Builds and checks structure and depth; returns the trees' shapes. */
  private static List<TreeShape> buildAndCheck(
      SplitRule rule, float[][] vectors, int numTrees, int maxLeafSize) throws IOException {
    int n = vectors.length;
    OnHeapForest forest =
        new ForestBuilder(rule, numTrees, maxLeafSize, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    List<TreeShape> shapes = assertWellFormed(forest, n);
    assertSplitsBalancedOrHalved(forest);
    double maxDepth = 4 * log2(Math.max(2, n)) + 4;
    for (TreeShape shape : shapes) {
      assertTrue(
          rule + ", n=" + n + ", maxLeafSize=" + maxLeafSize + ": depth " + shape.maxDepth,
          shape.maxDepth <= maxDepth);
    }
    return shapes;
  }

  /**
   * Every split either keeps its larger side under {@link TreeBuilder#MAX_IMBALANCE} or is the
   * fallback: a zero hyperplane over two halves. Returns how many splits were exact halves under a
   * zero hyperplane.
   */
  private static int assertSplitsBalancedOrHalved(OnHeapForest forest) {
    int zeroHalves = 0;
    for (int node = 0; node < forest.numSplits(); node++) {
      int left = subtreeSize(forest, forest.child(node, 0));
      int right = subtreeSize(forest, forest.child(node, 1));
      boolean zero = ForestTestUtil.normalNorm(forest, node) == 0 && forest.offset(node) == 0;
      boolean halves = Math.abs(left - right) <= 1;
      if (Math.max(left, right) >= TreeBuilder.MAX_IMBALANCE * (left + right)) {
        assertTrue("node " + node + " splits " + left + "/" + right, zero && halves);
      }
      zeroHalves += zero && halves ? 1 : 0;
    }
    return zeroHalves;
  }

  private static int subtreeSize(OnHeapForest forest, int ref) {
    int[] size = new int[1];
    ForestTestUtil.forEachOrd(forest, ref, ord -> size[0]++);
    return size[0];
  }

  private static float[][] copies(float[] vector, int n) {
    float[][] vectors = new float[n][];
    for (int i = 0; i < n; i++) {
      vectors[i] = vector.clone();
    }
    return vectors;
  }

  public void testAllIdenticalVectors() throws IOException {
    float[] v = gaussianVectors(random(), 1, 8)[0];
    for (SplitRule rule : SplitRule.values()) {
      int n = 200 + random().nextInt(800);
      buildAndCheck(rule, copies(v, n), 3, 1);
      buildAndCheck(rule, copies(v, n), 3, 1 + random().nextInt(20));
    }
  }

  public void testManyDuplicates() throws IOException {
    // a few distinct vectors, each repeated many times, plus a sprinkle of unique ones
    float[][] distinct = gaussianVectors(random(), 3, 6);
    float[][] noise = gaussianVectors(random(), 50, 6);
    int n = 900;
    float[][] vectors = new float[n][];
    for (int i = 0; i < n; i++) {
      vectors[i] = i % 18 == 0 ? noise[i / 18].clone() : distinct[i % 3].clone();
    }
    for (SplitRule rule : SplitRule.values()) {
      buildAndCheck(rule, vectors, 3, 1);
      buildAndCheck(rule, vectors, 3, 10);
    }
  }

  public void testOneVectorDominates() throws IOException {
    // 97% identical: every hyperplane leaves more than 95% on one side, so only the fallback helps
    float[][] vectors = copies(gaussianVectors(random(), 1, 4)[0], 970);
    float[][] others = gaussianVectors(random(), 30, 4);
    float[][] all = new float[1000][];
    System.arraycopy(vectors, 0, all, 0, 970);
    System.arraycopy(others, 0, all, 970, 30);
    for (SplitRule rule : SplitRule.values()) {
      buildAndCheck(rule, all, 2, 1 + random().nextInt(4));
    }
  }

  public void testLopsidedSplitsFallBackToHalves() throws IOException {
    // 97% of the vectors in a speck, the rest far away: two-means always finds the speck-versus-
    // rest plane, which is too lopsided to keep, so the builder must halve instead
    int n = 1000;
    float[][] vectors = gaussianVectors(random(), n, 4);
    for (int i = 0; i < n; i++) {
      float scale = i < 970 ? 1e-3f : 100f;
      for (int d = 0; d < 4; d++) {
        vectors[i][d] *= scale;
      }
    }
    OnHeapForest forest =
        new ForestBuilder(SplitRule.EUCLIDEAN, 5, 8, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    assertWellFormed(forest, n);
    assertTrue(assertSplitsBalancedOrHalved(forest) > 0);
  }

  public void testZeroVectors() throws IOException {
    // angular splits normalize: zero vectors have no direction at all
    int n = 300 + random().nextInt(300);
    for (SplitRule rule : new SplitRule[] {SplitRule.ANGULAR, SplitRule.INNER_PRODUCT}) {
      buildAndCheck(rule, new float[n][5], 3, 1);
      buildAndCheck(rule, new float[n][5], 3, 8);
      float[][] mixed = gaussianVectors(random(), n, 5);
      for (int i = 0; i < n; i += 2) {
        mixed[i] = new float[5];
      }
      buildAndCheck(rule, mixed, 3, 4);
    }
  }

  public void testSingleVector() throws IOException {
    for (SplitRule rule : SplitRule.values()) {
      for (float[][] vectors : new float[][][] {gaussianVectors(random(), 1, 3), new float[1][3]}) {
        List<TreeShape> shapes = buildAndCheck(rule, vectors, 2, 1);
        for (TreeShape shape : shapes) {
          assertEquals(0, shape.splitNodes.size());
          assertArrayEquals(new int[] {0}, shape.leaves.get(0));
        }
      }
    }
  }

  public void testTwoVectors() throws IOException {
    float[] v = gaussianVectors(random(), 1, 3)[0];
    float[][][] pairs = {gaussianVectors(random(), 2, 3), copies(v, 2), new float[2][3]};
    for (SplitRule rule : SplitRule.values()) {
      for (float[][] pair : pairs) {
        for (TreeShape shape : buildAndCheck(rule, pair, 3, 1)) {
          assertEquals(1, shape.splitNodes.size());
          assertEquals(2, shape.leaves.size());
        }
        for (TreeShape shape : buildAndCheck(rule, pair, 3, 2)) {
          assertEquals(0, shape.splitNodes.size());
        }
      }
    }
  }

  public void testLeafSizeOneGivesSingletonLeaves() throws IOException {
    int n = 2 + random().nextInt(500);
    float[][] vectors = gaussianVectors(random(), n, 4);
    for (SplitRule rule : SplitRule.values()) {
      for (TreeShape shape : buildAndCheck(rule, vectors, 2, 1)) {
        assertEquals(n, shape.leaves.size());
        assertEquals(n - 1, shape.splitNodes.size());
      }
    }
  }
}
