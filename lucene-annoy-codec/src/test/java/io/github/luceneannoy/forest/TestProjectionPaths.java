package io.github.luceneannoy.forest;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import java.io.IOException;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The projection is learned with the moment matrix formed, or applied implicitly when that is
 * cheaper (high dimensions, few vectors: a 4,096² matrix is 128 MiB). Both must find the same
 * subspace; the implicit one must work where the matrix would be prohibitive.
 */
public class TestProjectionPaths extends LuceneTestCase {

  /** Energy of the vectors kept by the projection: Σ ‖R x‖². */
  private static double captured(Projection p, float[][] vectors) {
    double sum = 0;
    float[] out = new float[p.rows()];
    for (float[] v : vectors) {
      p.project(v, out);
      for (float y : out) {
        sum += (double) y * y;
      }
    }
    return sum;
  }

  public void testBothPathsFindTheSameSubspace() throws IOException {
    Random random = new Random(random().nextLong());
    int dim = 48;
    // a decaying spectrum: the leading directions are well separated
    float[][] vectors = new float[600][dim];
    for (float[] v : vectors) {
      for (int i = 0; i < dim; i++) {
        v[i] = (float) (random.nextGaussian() * Math.pow(0.85, i));
      }
    }
    long seed = random.nextLong();
    Projection formed = Projection.learn(new ArrayVectorSource(vectors), 8, seed, false);
    Projection implicit = Projection.learn(new ArrayVectorSource(vectors), 8, seed, true);
    double a = captured(formed, vectors);
    double b = captured(implicit, vectors);
    assertEquals(a, b, a * 1e-4);
    // row by row, up to sign
    for (int r = 0; r < 8; r++) {
      double dot = 0;
      for (int i = 0; i < dim; i++) {
        dot += (double) formed.get(r, i) * implicit.get(r, i);
      }
      assertEquals("row " + r, 1.0, Math.abs(dot), 1e-3);
    }
  }

  public void testFewVectorsOfTheMaximumDimension() throws IOException {
    Random random = new Random(random().nextLong());
    int dim = 4096;
    float[][] vectors = new float[3][dim];
    for (float[] v : vectors) {
      for (int i = 0; i < dim; i++) {
        v[i] = (float) random.nextGaussian();
      }
    }
    Projection p = Projection.learn(new ArrayVectorSource(vectors), 32, random.nextLong());
    assertEquals(dim, p.columns());
    // three vectors span three dimensions, all within 32 rows: no energy is lost
    double total = 0;
    for (float[] v : vectors) {
      for (float x : v) {
        total += (double) x * x;
      }
    }
    assertEquals(total, captured(p, vectors), total * 1e-3);
  }
}
