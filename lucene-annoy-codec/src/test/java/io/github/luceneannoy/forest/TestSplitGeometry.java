package io.github.luceneannoy.forest;

import static io.github.luceneannoy.forest.ForestTestUtil.forEachOrd;
import static io.github.luceneannoy.forest.ForestTestUtil.gaussianVectors;
import static io.github.luceneannoy.forest.ForestTestUtil.margin;
import static io.github.luceneannoy.forest.ForestTestUtil.normalNorm;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.tests.util.LuceneTestCase;

/** The hyperplanes the builder chooses, and the sides it puts vectors on, for each split rule. */
public class TestSplitGeometry extends LuceneTestCase {
  /** Normals are stored as bytes times a scale: a unit normal keeps its length within this. */
  private static final double BYTE_ROUNDING = 2e-2;


  /**
   * Two tight clusters around {@code o + c} and {@code o - c}, ordinals below {@code n/2} around
   * the first. The random {@code o} keeps the midpoint off the origin, so a wrong offset shows.
   */
  private static float[][] twoClusters(int n, int dim, float separation) {
    float[] o = gaussianVectors(random(), 1, dim)[0];
    float[] c = gaussianVectors(random(), 1, dim)[0];
    double norm = 0;
    for (float x : c) {
      norm += x * x;
    }
    float scale = (float) (separation / 2 / Math.sqrt(norm));
    float[][] vectors = gaussianVectors(random(), n, dim);
    for (int i = 0; i < n; i++) {
      float sign = i < n / 2 ? 1 : -1;
      for (int d = 0; d < dim; d++) {
        vectors[i][d] += o[d] * separation + sign * c[d] * scale;
      }
    }
    return vectors;
  }

  public void testEuclideanRootSeparatesTwoClusters() throws IOException {
    int n = 200;
    int dim = 8;
    float separation = 100;
    float[][] vectors = twoClusters(n, dim, separation);
    OnHeapForest forest =
        new ForestBuilder(SplitRule.EUCLIDEAN, 4, 10, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    for (int t = 0; t < forest.numTrees(); t++) {
      int root = forest.root(t);
      assertFalse(NodeRefs.isLeaf(root));
      // unit before rounding to bytes; rounding moves each coordinate by at most scale/2
      assertEquals(1.0, normalNorm(forest, root), BYTE_ROUNDING);
      double side = Math.signum(margin(forest, root, vectors[0]));
      assertTrue(side != 0);
      for (int i = 0; i < n; i++) {
        double expectedSide = i < n / 2 ? side : -side;
        assertEquals("ord " + i, expectedSide, Math.signum(margin(forest, root, vectors[i])), 0);
      }
      // the tree puts each cluster in the child its margins point to
      int positiveChild = forest.child(root, 1);
      int firstClusterSide = side > 0 ? 1 : 0;
      forEachOrd(
          forest,
          positiveChild,
          ord -> assertEquals(firstClusterSide == 1, ord < n / 2));
      // a unit normal along the centroid difference makes margins signed distances: the clusters'
      // margins differ by about the separation
      double[] meanMargin = new double[2];
      for (int i = 0; i < n; i++) {
        meanMargin[i < n / 2 ? 0 : 1] += margin(forest, root, vectors[i]) / (n / 2);
      }
      double gap = Math.abs(meanMargin[0] - meanMargin[1]);
      assertTrue("gap " + gap, gap > 0.9 * separation && gap < 1.1 * separation);
      // and the plane bisects them: the clusters sit at opposite, roughly equal distances
      double skew = Math.abs(meanMargin[0] + meanMargin[1]) / 2;
      assertTrue("skew " + skew, skew < 0.1 * separation);
    }
  }

  public void testEuclideanNormalsAreUnitOrZero() throws IOException {
    float[][] vectors = gaussianVectors(random(), 500, 6);
    OnHeapForest forest =
        new ForestBuilder(SplitRule.EUCLIDEAN, 3, 4, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    int unit = 0;
    for (int node = 0; node < forest.numSplits(); node++) {
      double norm = normalNorm(forest, node);
      // zero only for the random-halves fallback
      if (norm != 0) {
        assertEquals("node " + node, 1.0, norm, BYTE_ROUNDING);
        unit++;
      }
    }
    assertTrue(unit > forest.numSplits() / 2);
  }

  public void testVectorsLieOnTheSideOfTheirSubtree() throws IOException {
    for (SplitRule rule : SplitRule.values()) {
      float[][] vectors = gaussianVectors(random(), 400, 5);
      OnHeapForest forest =
          new ForestBuilder(rule, 2, 3, random().nextLong()).build(new ArrayVectorSource(vectors));
      // inner-product splits are decided on the augmented vectors
      float[][] splitVectors = rule == SplitRule.INNER_PRODUCT ? augment(vectors) : vectors;
      int decided = assertSidesMatchHyperplanes(forest, splitVectors);
      assertTrue(rule + ": only " + decided + " strict margins", decided > 1000);
    }
  }

  public void testAngularPlanesPassThroughTheOrigin() throws IOException {
    // data far from the origin: a Euclidean split would need an offset here
    float[][] vectors = gaussianVectors(random(), 400, 4);
    for (float[] v : vectors) {
      v[0] += 5;
    }
    OnHeapForest angular =
        new ForestBuilder(SplitRule.ANGULAR, 3, 5, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    for (int node = 0; node < angular.numSplits(); node++) {
      assertEquals(0f, angular.offset(node), 0f);
    }
    assertSidesMatchHyperplanes(angular, vectors);

    OnHeapForest euclidean =
        new ForestBuilder(SplitRule.EUCLIDEAN, 1, 5, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    int withOffset = 0;
    for (int node = 0; node < euclidean.numSplits(); node++) {
      withOffset += Math.abs(euclidean.offset(node)) > 1e-3 ? 1 : 0;
    }
    assertTrue("the data must be one on which offsets matter", withOffset > 0);
  }

  public void testInnerProductSplitsAugmentedVectors() throws IOException {
    int dim = 6;
    float[][] vectors = gaussianVectors(random(), 400, dim);
    // norms spread over two orders of magnitude, so the extra coordinate carries information
    for (float[] v : vectors) {
      float scale = (float) Math.exp(random().nextDouble() * 4 - 2);
      for (int d = 0; d < dim; d++) {
        v[d] *= scale;
      }
    }
    OnHeapForest forest =
        new ForestBuilder(SplitRule.INNER_PRODUCT, 3, 4, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    assertEquals(dim + 1, SplitRule.INNER_PRODUCT.normalDimension(dim));
    assertEquals(dim + 1, forest.normalDimension());

    float[][] augmented = augment(vectors);
    int usesExtra = 0;
    for (int node = 0; node < forest.numSplits(); node++) {
      assertEquals(0f, forest.offset(node), 0f);
      usesExtra += Math.abs(forest.normal(node, dim)) > 1e-3 ? 1 : 0;
    }
    assertTrue(usesExtra > 0);
    int decided = assertSidesMatchHyperplanes(forest, augmented);
    assertTrue("only " + decided + " strict margins", decided > 1000);
  }

  public void testMaxNormAugmentationEqualizesNorms() throws IOException {
    int dim = 1 + random().nextInt(8);
    float[][] vectors = gaussianVectors(random(), 50, dim);
    vectors[random().nextInt(50)] = new float[dim];
    for (float[] v : vectors) {
      float scale = 1 + random().nextInt(10);
      for (int d = 0; d < dim; d++) {
        v[d] *= scale;
      }
    }
    float[][] expected = augment(vectors);
    VectorSource source = SplitRule.INNER_PRODUCT.prepare(new ArrayVectorSource(vectors));
    VectorSource copy = source.copy();
    assertEquals(dim + 1, source.dimension());
    assertEquals(vectors.length, source.size());
    double maxNorm = 0;
    for (float[] v : vectors) {
      maxNorm = Math.max(maxNorm, Math.sqrt(dot(v, v)));
    }
    for (int ord = 0; ord < vectors.length; ord++) {
      float[] a = source.vector(ord);
      assertArrayEquals(expected[ord], a, 1e-4f * (float) maxNorm);
      assertEquals(maxNorm, Math.sqrt(dot(a, a)), 1e-4 * maxNorm);
      assertArrayEquals(a, copy.vector(ord), 0f);
    }
    // other rules split the vectors as they are
    ArrayVectorSource plain = new ArrayVectorSource(vectors);
    assertSame(plain, SplitRule.EUCLIDEAN.prepare(plain));
    assertSame(plain, SplitRule.ANGULAR.prepare(plain));
  }

  /** {@code (x, sqrt(M² - |x|²))} computed independently of the code under test. */
  private static float[][] augment(float[][] vectors) {
    double maxSquared = 0;
    for (float[] v : vectors) {
      maxSquared = Math.max(maxSquared, dot(v, v));
    }
    float[][] out = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      out[i] = Arrays.copyOf(vectors[i], vectors[i].length + 1);
      double extra = Math.sqrt(Math.max(0, maxSquared - dot(vectors[i], vectors[i])));
      out[i][vectors[i].length] = (float) extra;
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  /**
   * For every split node, asserts that the ordinals under child 0 have margins {@code <= 0} and
   * those under child 1 margins {@code >= 0}, up to float rounding (ties may go either way).
   * Returns how many (node, vector) pairs had a margin clearly away from zero.
   */
  private static int assertSidesMatchHyperplanes(OnHeapForest forest, float[][] splitVectors) {
    int[] decided = new int[1];
    for (int node = 0; node < forest.numSplits(); node++) {
      final int splitNode = node;
      for (int side = 0; side < 2; side++) {
        final int expectedSide = side;
        forEachOrd(
            forest,
            forest.child(node, side),
            ord -> {
              float[] x = splitVectors[ord];
              double m = margin(forest, splitNode, x);
              double tolerance = 1e-4 * (1 + Math.sqrt(dot(x, x)));
              if (Math.abs(m) > tolerance) {
                decided[0]++;
                assertEquals(
                    "node " + splitNode + ", ord " + ord + ", margin " + m,
                    expectedSide == 1,
                    m > 0);
              }
            });
      }
    }
    return decided[0];
  }
}
