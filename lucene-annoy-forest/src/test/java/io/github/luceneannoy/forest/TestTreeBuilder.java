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

import io.github.luceneannoy.forest.ForestTestUtil.BufferedVectorSource;
import io.github.luceneannoy.forest.ForestTestUtil.Kind;
import io.github.luceneannoy.forest.ForestTestUtil.LeafView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The trees of {@link TreeBuilder} and how {@link ForestBuilder} writes them: every ordinal in
 * exactly one leaf, leaves and nodes within their limits, centroids that are means, and inputs
 * k-means cannot split (duplicates, zeros) cut into equal random parts rather than recursing
 * without end.
 */
public class TestTreeBuilder extends LuceneTestCase {

  /** What a walk of one tree found. */
  private static final class Shape {
    final List<Tree.Node> leaves = new ArrayList<>();
    final List<Tree.Node> inner = new ArrayList<>();
    int depth;
  }

  private static Tree build(
      float[][] vectors, Geometry geometry, int maxLeafSize, int branching, long seed)
      throws IOException {
    MappedVectors mapped = MappedVectors.of(new BufferedVectorSource(vectors), geometry);
    return new TreeBuilder(mapped, maxLeafSize, branching, seed).build();
  }

  /**
   * Checks every invariant of a tree over {@code vectors} (mapped by {@code geometry}): the root is
   * inner, each ordinal is in exactly one leaf, a leaf has 1 to {@code maxLeafSize} increasing
   * ordinals, an inner node 2 to {@code branching} children (the root may have a single leaf
   * child), sizes add up, and every centroid is the mean of the mapped vectors under its node.
   */
  private static Shape check(
      Tree tree, float[][] vectors, Geometry geometry, int maxLeafSize, int branching)
      throws IOException {
    MappedVectors mapped =
        MappedVectors.of(new ForestTestUtil.BufferedVectorSource(vectors), geometry);
    float[][] points = new float[vectors.length][];
    for (int i = 0; i < points.length; i++) {
      points[i] = mapped.vector(i).clone();
    }
    Tree.Node root = tree.root();
    assertFalse("the root is always inner", root.isLeaf());
    assertEquals(vectors.length, root.size());
    assertArrayEquals(
        "the root's centroid is the segment's centre", mapped.centre(), root.centroid(), 1e-5f);
    Shape shape = new Shape();
    int[] seen = new int[vectors.length];
    walk(root, 0, points, seen, shape, maxLeafSize, branching);
    for (int ord = 0; ord < seen.length; ord++) {
      assertEquals("ordinal " + ord, 1, seen[ord]);
    }
    if (root.children().size() == 1) {
      assertTrue("a lone child of the root is a leaf", root.children().get(0).isLeaf());
      assertTrue(vectors.length <= maxLeafSize);
    }
    return shape;
  }

  /** Returns the ordinals under {@code node}. */
  private static int walk(
      Tree.Node node,
      int depth,
      float[][] points,
      int[] seen,
      Shape shape,
      int maxLeafSize,
      int branching) {
    shape.depth = Math.max(shape.depth, depth);
    double[] sum = new double[points[0].length];
    if (node.isLeaf()) {
      shape.leaves.add(node);
      int[] ords = node.ords();
      assertTrue("leaf of " + ords.length, ords.length >= 1 && ords.length <= maxLeafSize);
      assertEquals(ords.length, node.size());
      for (int i = 0; i < ords.length; i++) {
        assertTrue(
            "leaf ordinals increase: " + Arrays.toString(ords), i == 0 || ords[i] > ords[i - 1]);
        seen[ords[i]]++;
        for (int j = 0; j < sum.length; j++) {
          sum[j] += points[ords[i]][j];
        }
      }
    } else {
      shape.inner.add(node);
      int count = node.children().size();
      assertTrue(
          "inner node of " + count + " children",
          count >= (depth == 0 ? 1 : 2) && count <= branching);
      int size = 0;
      for (Tree.Node child : node.children()) {
        size += child.size();
        walk(child, depth + 1, points, seen, shape, maxLeafSize, branching);
        for (int j = 0; j < sum.length; j++) {
          sum[j] += (double) child.centroid()[j] * child.size();
        }
      }
      assertEquals("an inner node's size is its children's", size, node.size());
      // every inner node has more than a leaf's worth, or it would be a leaf
      assertTrue(depth == 0 || node.size() > maxLeafSize);
    }
    double scale = 0;
    for (int j = 0; j < sum.length; j++) {
      scale = Math.max(scale, Math.abs(sum[j] / node.size()));
    }
    for (int j = 0; j < sum.length; j++) {
      assertEquals(
          "centroid coordinate " + j, sum[j] / node.size(), node.centroid()[j], 1e-4 * (1 + scale));
    }
    return node.size();
  }

  public void testInvariantsOnRandomData() throws IOException {
    Random random = random();
    for (int iter = 0; iter < atLeast(10); iter++) {
      Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
      Geometry geometry = Geometry.values()[random.nextInt(Geometry.values().length)];
      int n = 1 + random.nextInt(3000);
      int dim = 1 + random.nextInt(20);
      int maxLeafSize = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
      int branching = 2 + random.nextInt(20);
      float[][] vectors = ForestTestUtil.vectors(random, kind, n, dim);
      Tree tree = build(vectors, geometry, maxLeafSize, branching, random.nextLong());
      Shape shape = check(tree, vectors, geometry, maxLeafSize, branching);
      if (VERBOSE) {
        System.out.println(
            kind
                + " "
                + geometry
                + " n="
                + n
                + " dim="
                + dim
                + " L="
                + maxLeafSize
                + " B="
                + branching
                + ": "
                + shape.leaves.size()
                + " leaves, "
                + shape.inner.size()
                + " inner, depth "
                + shape.depth);
      }
    }
  }

  /** One vector, two vectors, a leaf's worth: a root with one leaf. */
  public void testTinyInputs() throws IOException {
    Random random = random();
    for (int n : new int[] {1, 2, 3, 16}) {
      float[][] vectors = ForestTestUtil.vectors(random, Kind.GAUSSIAN, n, 1 + random.nextInt(5));
      Tree tree = build(vectors, Geometry.EUCLIDEAN, 16, 16, random.nextLong());
      check(tree, vectors, Geometry.EUCLIDEAN, 16, 16);
      assertEquals(1, tree.root().children().size());
      Tree.Node leaf = tree.root().children().get(0);
      assertTrue(leaf.isLeaf());
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      assertArrayEquals(all, leaf.ords());
    }
    // two vectors and leaves of one: two leaves under the root
    float[][] two = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 2, 3);
    Tree tree = build(two, Geometry.EUCLIDEAN, 1, 2 + random.nextInt(10), random.nextLong());
    Shape shape = check(tree, two, Geometry.EUCLIDEAN, 1, 16);
    assertEquals(2, shape.leaves.size());
    assertEquals(1, shape.inner.size());
  }

  /** Leaves of one vector: as many leaves as vectors, whatever the branching. */
  public void testLeavesOfOne() throws IOException {
    Random random = random();
    for (int branching : new int[] {2, 3, 16}) {
      int n = 1 + random.nextInt(200);
      float[][] vectors = ForestTestUtil.vectors(random, Kind.UNIFORM, n, 2);
      Shape shape =
          check(
              build(vectors, Geometry.EUCLIDEAN, 1, branching, random.nextLong()),
              vectors,
              Geometry.EUCLIDEAN,
              1,
              branching);
      assertEquals(n, shape.leaves.size());
    }
  }

  /**
   * Vectors that are all the same (or all zero): k-means cannot split them, so each node is cut
   * into equal random parts: sizes differ by at most one, and the tree is as shallow as a balanced
   * one.
   */
  public void testIdenticalVectorsTerminateInEqualParts() throws IOException {
    Random random = random();
    for (boolean zero : new boolean[] {true, false}) {
      int n = 500 + random.nextInt(3000);
      int dim = 1 + random.nextInt(10);
      float[] value =
          zero ? new float[dim] : ForestTestUtil.vectors(random, Kind.GAUSSIAN, 1, dim)[0];
      float[][] vectors = new float[n][];
      Arrays.fill(vectors, value);
      int maxLeafSize = 1 + random.nextInt(50);
      int branching = 2 + random.nextInt(15);
      // angular maps zero to zero; inner product adds the same coordinate to each
      Geometry geometry = Geometry.values()[random.nextInt(3)];
      Tree tree = build(vectors, geometry, maxLeafSize, branching, random.nextLong());
      Shape shape = check(tree, vectors, geometry, maxLeafSize, branching);
      for (Tree.Node node : shape.inner) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Tree.Node child : node.children()) {
          min = Math.min(min, child.size());
          max = Math.max(max, child.size());
        }
        assertTrue("children of sizes " + min + " .. " + max, max - min <= 1);
      }
      // each cut divides by at least two
      double balanced = Math.ceil(Math.log((double) n / maxLeafSize) / Math.log(2)) + 1;
      assertTrue(
          "depth " + shape.depth + " for " + n + " identical vectors",
          shape.depth <= Math.max(1, balanced));
    }
  }

  /**
   * A few distinct points, each many times: k-means separates the points, then cuts each point's
   * copies at random. Leaves never mix points once the clusters are apart.
   */
  public void testFewDistinctPointsRepeated() throws IOException {
    Random random = random();
    int points = 2 + random.nextInt(4);
    int dim = 2 + random.nextInt(6);
    float[][] distinct = ForestTestUtil.vectors(random, Kind.GAUSSIAN, points, dim);
    for (float[] p : distinct) {
      for (int i = 0; i < dim; i++) {
        p[i] *= 100;
      }
    }
    int n = 1000 + random.nextInt(1000);
    float[][] vectors = new float[n][];
    int[] label = new int[n];
    for (int i = 0; i < n; i++) {
      label[i] = random.nextInt(points);
      vectors[i] = distinct[label[i]];
    }
    int maxLeafSize = 10 + random.nextInt(40);
    int branching = points + random.nextInt(8);
    Shape shape =
        check(
            build(vectors, Geometry.EUCLIDEAN, maxLeafSize, branching, random.nextLong()),
            vectors,
            Geometry.EUCLIDEAN,
            maxLeafSize,
            branching);
    int mixed = 0;
    for (Tree.Node leaf : shape.leaves) {
      Set<Integer> labels = new HashSet<>();
      for (int ord : leaf.ords()) {
        labels.add(label[ord]);
      }
      mixed += labels.size() > 1 ? 1 : 0;
    }
    // k-means++ may pair two points in one cluster at the top; below, every split separates them
    assertTrue(mixed + " mixed leaves of " + shape.leaves.size(), mixed <= points);
  }

  /** The top split of well-separated clusters, one per child, separates them exactly. */
  public void testTopSplitSeparatesClusters() throws IOException {
    Random random = random();
    int clusters = 2 + random.nextInt(3);
    int dim = 4 + random.nextInt(12);
    float[][] centres = ForestTestUtil.vectors(random, Kind.GAUSSIAN, clusters, dim);
    for (float[] c : centres) {
      for (int i = 0; i < dim; i++) {
        c[i] *= 100;
      }
    }
    int n = clusters * 300;
    float[][] vectors = new float[n][dim];
    int[] label = new int[n];
    for (int i = 0; i < n; i++) {
      label[i] = i % clusters;
      for (int j = 0; j < dim; j++) {
        vectors[i][j] = centres[label[i]][j] + (float) random.nextGaussian();
      }
    }
    // n / maxLeafSize clusters wanted, exactly the branching
    Tree tree = build(vectors, Geometry.EUCLIDEAN, 300, clusters, random.nextLong());
    check(tree, vectors, Geometry.EUCLIDEAN, 300, clusters);
    List<Tree.Node> top = tree.root().children();
    assertEquals(clusters, top.size());
    for (Tree.Node child : top) {
      assertTrue(child.isLeaf());
      Set<Integer> labels = new HashSet<>();
      for (int ord : child.ords()) {
        labels.add(label[ord]);
      }
      assertEquals("a top cluster mixes " + labels, 1, labels.size());
      assertEquals(300, child.size());
    }
  }

  public void testSameSeedSameTree() throws IOException {
    Random random = random();
    float[][] vectors =
        ForestTestUtil.vectors(random, Kind.CLUSTERED, 1000 + random.nextInt(1000), 8);
    long seed = random.nextLong();
    Tree a = build(vectors, Geometry.EUCLIDEAN, 20, 8, seed);
    Tree b = build(vectors, Geometry.EUCLIDEAN, 20, 8, seed);
    Tree c = build(vectors, Geometry.EUCLIDEAN, 20, 8, seed + 1);
    assertTrue(sameTree(a.root(), b.root()));
    assertFalse(sameTree(a.root(), c.root()));
  }

  private static boolean sameTree(Tree.Node a, Tree.Node b) {
    if (a.isLeaf() != b.isLeaf() || Arrays.equals(a.centroid(), b.centroid()) == false) {
      return false;
    }
    if (a.isLeaf()) {
      return Arrays.equals(a.ords(), b.ords());
    }
    if (a.children().size() != b.children().size()) {
      return false;
    }
    for (int i = 0; i < a.children().size(); i++) {
      if (sameTree(a.children().get(i), b.children().get(i)) == false) {
        return false;
      }
    }
    return true;
  }

  public void testRejectsBadParameters() throws IOException {
    MappedVectors mapped =
        MappedVectors.of(new ArrayVectorSource(new float[][] {{1, 2}}), Geometry.EUCLIDEAN);
    expectThrows(IllegalArgumentException.class, () -> new TreeBuilder(mapped, 0, 16, 1));
    expectThrows(IllegalArgumentException.class, () -> new TreeBuilder(mapped, 16, 1, 1));
    expectThrows(
        IllegalArgumentException.class, () -> new ForestBuilder(Geometry.EUCLIDEAN, 0, 16, 16, 1));
  }

  /**
   * The forest as written and read back ({@link OnHeapForest}, which lays records out as the files
   * do): children's records follow their parent's, leaves are numbered in the order stored, each
   * tree's first entries run from {@code tree·n} without gaps, every ordinal is in one leaf per
   * tree, and {@link ForestLayout}'s counts match.
   */
  public void testWrittenForestMatchesItsLayout() throws IOException {
    Random random = random();
    int n = 1 + random.nextInt(3000);
    int dim = 1 + random.nextInt(40);
    int numTrees = 1 + random.nextInt(4);
    int maxLeafSize = 1 + random.nextInt(100);
    int branching = 2 + random.nextInt(16);
    Geometry geometry = Geometry.values()[random.nextInt(3)];
    float[][] vectors = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], n, dim);
    OnHeapForest forest =
        OnHeapForest.build(
            new BufferedVectorSource(vectors),
            geometry,
            numTrees,
            maxLeafSize,
            branching,
            random.nextLong(),
            null);
    assertEquals(numTrees, forest.numTrees());
    assertEquals(n, forest.size());
    assertEquals(geometry.mappedDimension(dim), forest.dimension());
    int[][] seen = new int[numTrees][n];
    List<Integer> leafNumbers = new ArrayList<>();
    long[] nextEntry = new long[numTrees];
    for (int t = 0; t < numTrees; t++) {
      nextEntry[t] = (long) t * n;
    }
    int[] nodes = {0};
    int[] lastRef = {-1};
    ForestTestUtil.walk(
        forest,
        new ForestTestUtil.ForestVisitor() {
          @Override
          public void node(int tree, int ref, int depth, NodeRecord record) {
            nodes[0]++;
            assertTrue("records in pre-order: " + ref + " after " + lastRef[0], ref > lastRef[0]);
            lastRef[0] = ref;
            assertTrue(record.count >= 1 && record.count <= branching);
            for (int c = 0; c < record.count; c++) {
              assertTrue(record.sizes[c] >= 1);
              for (int d = 0; d < record.count; d++) {
                assertEquals(record.siblingDistance(c, d), record.siblingDistance(d, c), 0f);
                assertTrue(
                    c == d ? record.siblingDistance(c, d) == 0 : record.siblingDistance(c, d) >= 0);
              }
            }
          }

          @Override
          public void leaf(int tree, int depth, LeafView leaf) {
            leafNumbers.add(leaf.number);
            assertEquals("leaves are stored entry after entry", nextEntry[tree], leaf.firstEntry);
            nextEntry[tree] += leaf.ords.length;
            assertTrue(leaf.ords.length >= 1 && leaf.ords.length <= maxLeafSize);
            for (int ord : leaf.ords) {
              seen[tree][ord]++;
            }
          }
        });
    for (int t = 0; t < numTrees; t++) {
      assertEquals((long) (t + 1) * n, nextEntry[t]);
      for (int ord = 0; ord < n; ord++) {
        assertEquals("tree " + t + ", ordinal " + ord, 1, seen[t][ord]);
      }
    }
    for (int i = 0; i < leafNumbers.size(); i++) {
      assertEquals("leaves numbered in the order stored", i, (int) leafNumbers.get(i));
    }
    assertEquals(forest.leafCount(), leafNumbers.size());
    assertEquals(forest.nodeCount(), nodes[0]);
  }
}
