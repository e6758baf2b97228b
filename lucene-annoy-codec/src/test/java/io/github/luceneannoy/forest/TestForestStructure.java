package io.github.luceneannoy.forest;

import static io.github.luceneannoy.forest.ForestTestUtil.assertWellFormed;
import static io.github.luceneannoy.forest.ForestTestUtil.gaussianVectors;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import io.github.luceneannoy.forest.ForestTestUtil.TreeShape;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.tests.util.LuceneTestCase;

/** Structural invariants of built forests: partition of the ordinals, leaf bounds, numbering. */
public class TestForestStructure extends LuceneTestCase {

  private static SplitRule randomRule() {
    return SplitRule.values()[random().nextInt(SplitRule.values().length)];
  }

  public void testEveryTreePartitionsTheOrdinals() throws IOException {
    int[][] treesAndLeafSizes = {{1, 1}, {1, 7}, {3, 2}, {4, 16}, {8, 5}, {2, 100}};
    for (int[] config : treesAndLeafSizes) {
      int numTrees = config[0];
      int maxLeafSize = config[1];
      int n = 1 + random().nextInt(700);
      int dim = 1 + random().nextInt(12);
      SplitRule rule = randomRule();
      float[][] vectors = gaussianVectors(random(), n, dim);
      OnHeapForest forest =
          new ForestBuilder(rule, numTrees, maxLeafSize, random().nextLong())
              .build(new ArrayVectorSource(vectors));
      assertEquals(numTrees, forest.numTrees());
      assertEquals(maxLeafSize, forest.maxLeafSize());
      assertEquals(rule.normalDimension(dim), forest.normalDimension());
      List<TreeShape> shapes = assertWellFormed(forest, n);
      for (TreeShape shape : shapes) {
        // leaves are only made when a range fits, so a tree over more than maxLeafSize ordinals
        // must have split at its root
        assertEquals(n > maxLeafSize, shape.splitNodes.isEmpty() == false);
      }
    }
  }

  public void testRootIsALeafWhenEverythingFits() throws IOException {
    int n = 1 + random().nextInt(20);
    float[][] vectors = gaussianVectors(random(), n, 3);
    OnHeapForest forest =
        new ForestBuilder(randomRule(), 3, n + random().nextInt(3), random().nextLong())
            .build(new ArrayVectorSource(vectors));
    assertEquals(0, forest.numSplits());
    int[] ords = new int[forest.maxLeafSize()];
    for (int t = 0; t < forest.numTrees(); t++) {
      assertTrue(NodeRefs.isLeaf(forest.root(t)));
      assertEquals(n, forest.leaf(forest.root(t), ords));
      for (int i = 0; i < n; i++) {
        assertEquals(i, ords[i]);
      }
    }
  }

  public void testSplitReportsChildrenAndMargin() throws IOException {
    int dim = 2 + random().nextInt(10);
    for (SplitRule rule : SplitRule.values()) {
      float[][] vectors = gaussianVectors(random(), 300, dim);
      OnHeapForest forest =
          new ForestBuilder(rule, 2, 4, random().nextLong()).build(new ArrayVectorSource(vectors));
      assertTrue(forest.numSplits() > 0);
      int[] children = new int[2];
      for (int iter = 0; iter < 50; iter++) {
        int node = random().nextInt(forest.numSplits());
        // queries have the data's dimension even when normals are longer (inner product)
        float[] query = gaussianVectors(random(), 1, dim)[0];
        float margin = forest.split(node, query, children);
        assertEquals(forest.child(node, 0), children[0]);
        assertEquals(forest.child(node, 1), children[1]);
        double expected = ForestTestUtil.margin(forest, node, query);
        assertEquals(expected, margin, 1e-4 * (1 + Math.abs(expected)));
      }
    }
  }

  public void testEmptySourceGivesNoTrees() throws IOException {
    for (SplitRule rule : SplitRule.values()) {
      OnHeapForest forest =
          new ForestBuilder(rule, 5, 8, random().nextLong())
              .build(new ArrayVectorSource(new float[0][], 6));
      assertEquals(0, forest.numTrees());
      assertEquals(0, forest.numSplits());
      assertEquals(0, forest.leavesLength());
      assertEquals(rule.normalDimension(6), forest.normalDimension());
    }
  }

  public void testRejectsInvalidParameters() {
    SplitRule rule = SplitRule.ANGULAR;
    expectThrows(IllegalArgumentException.class, () -> new ForestBuilder(rule, 0, 8, 1));
    expectThrows(IllegalArgumentException.class, () -> new ForestBuilder(rule, 4, 0, 1));
    expectThrows(IllegalArgumentException.class, () -> new ForestBuilder(rule, -1, 8, 1));
  }

  public void testSplitRuleIdsAreStable() {
    // ids are written to disk: changing them would make old segments unreadable
    assertEquals(0, SplitRule.EUCLIDEAN.id());
    assertEquals(1, SplitRule.ANGULAR.id());
    assertEquals(2, SplitRule.INNER_PRODUCT.id());
    for (SplitRule rule : SplitRule.values()) {
      assertSame(rule, SplitRule.fromId(rule.id()));
    }
    expectThrows(IllegalArgumentException.class, () -> SplitRule.fromId(3));
    expectThrows(IllegalArgumentException.class, () -> SplitRule.fromId(-1));
    assertEquals(7, SplitRule.EUCLIDEAN.normalDimension(7));
    assertEquals(7, SplitRule.ANGULAR.normalDimension(7));
    assertEquals(8, SplitRule.INNER_PRODUCT.normalDimension(7));
  }

  public void testNodeRefsRoundTrip() {
    int[] positions = {0, 1, 2, 1000, random().nextInt(Integer.MAX_VALUE), Integer.MAX_VALUE};
    for (int position : positions) {
      int ref = NodeRefs.leafRef(position);
      assertTrue(NodeRefs.isLeaf(ref));
      assertEquals(position, NodeRefs.leafPosition(ref));
    }
    assertFalse(NodeRefs.isLeaf(0));
    assertFalse(NodeRefs.isLeaf(Integer.MAX_VALUE));
  }
}
