package io.github.luceneannoy.forest;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import java.io.IOException;
import org.apache.lucene.tests.util.LuceneTestCase;

/** The projection trees are built in: orthonormal, deterministic, and it finds the data's axes. */
public class TestProjection extends LuceneTestCase {

  public void testRowsAreOrthonormal() throws IOException {
    float[][] vectors = ForestTestUtil.gaussianVectors(random(), 500, 40);
    Projection p = Projection.learn(new ArrayVectorSource(vectors), 8, random().nextLong());
    assertEquals(8, p.rows());
    assertEquals(40, p.columns());
    for (int a = 0; a < 8; a++) {
      for (int b = 0; b < 8; b++) {
        double dot = 0;
        for (int i = 0; i < 40; i++) {
          dot += (double) p.get(a, i) * p.get(b, i);
        }
        assertEquals(a + "·" + b, a == b ? 1 : 0, dot, 1e-4);
      }
    }
  }

  public void testFindsTheDominantDirections() throws IOException {
    // vectors spread widely along two axes (3 and 17) and barely along the others
    int dim = 30;
    float[][] vectors = new float[400][dim];
    for (float[] v : vectors) {
      for (int i = 0; i < dim; i++) {
        v[i] = 0.01f * (float) random().nextGaussian();
      }
      v[3] = 10 * (float) random().nextGaussian();
      v[17] = 5 * (float) random().nextGaussian();
    }
    Projection p = Projection.learn(new ArrayVectorSource(vectors), 2, random().nextLong());
    // the sample's own correlation between the two axes tilts the eigenvectors a little
    assertEquals(1.0, Math.abs(p.get(0, 3)), 1e-2);
    assertEquals(1.0, Math.abs(p.get(1, 17)), 1e-2);
  }

  public void testRankDeficientDataStillGivesAnOrthonormalBasis() throws IOException {
    // every vector on one line: one real direction, the other rows made up
    int dim = 12;
    float[][] vectors = new float[100][dim];
    for (float[] v : vectors) {
      float t = (float) random().nextGaussian();
      for (int i = 0; i < dim; i++) {
        v[i] = t * (i + 1);
      }
    }
    Projection p = Projection.learn(new ArrayVectorSource(vectors), 5, random().nextLong());
    for (int a = 0; a < 5; a++) {
      double norm = 0;
      for (int i = 0; i < dim; i++) {
        assertTrue(Float.isFinite(p.get(a, i)));
        norm += (double) p.get(a, i) * p.get(a, i);
      }
      assertEquals(1, norm, 1e-4);
    }
  }

  public void testDeterministicAndUsedByTheBuilder() throws IOException {
    float[][] vectors = ForestTestUtil.gaussianVectors(random(), 300, 70);
    long seed = random().nextLong();
    ForestBuilder builder = new ForestBuilder(SplitRule.EUCLIDEAN, 3, 8, 16, seed);
    assertTrue(builder.projects(70));
    assertFalse(builder.projects(32));
    OnHeapForest a = builder.build(new ArrayVectorSource(vectors));
    OnHeapForest b = builder.build(new ArrayVectorSource(vectors));
    assertNotNull(a.projection());
    assertEquals(16, a.normalDimension());
    ForestTestUtil.assertSameForest(a, b);
    for (int r = 0; r < 16; r++) {
      for (int c = 0; c < 70; c++) {
        assertEquals(a.projection().get(r, c), b.projection().get(r, c), 0f);
      }
    }
    assertNull(new ForestBuilder(SplitRule.EUCLIDEAN, 3, 8, 16, seed).build(new ArrayVectorSource(
        ForestTestUtil.gaussianVectors(random(), 50, 32))).projection());
  }

  public void testInvalidRows() {
    ArrayVectorSource source = new ArrayVectorSource(ForestTestUtil.gaussianVectors(random(), 10, 4));
    expectThrows(IllegalArgumentException.class, () -> Projection.learn(source, 0, 1));
    expectThrows(IllegalArgumentException.class, () -> Projection.learn(source, 4, 1));
  }
}
