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

import static io.github.luceneannoy.forest.ForestTestUtil.dot;
import static io.github.luceneannoy.forest.ForestTestUtil.squaredNorm;

import java.util.Arrays;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * {@link FastRotation} must be an orthogonal map (the codes' estimates are distances only if it
 * preserves them), defined by its seed and dimension alone (the reader rebuilds it), and must mix
 * coordinates (the codes' error bound assumes every coordinate carries a comparable share).
 */
public class TestFastRotation extends LuceneTestCase {

  /** Dimensions around the padding's boundaries, and some common ones. */
  private static final int[] DIMENSIONS = {1, 2, 3, 7, 63, 64, 65, 100, 127, 128, 129, 384, 784};

  private static int randomDimension() {
    return DIMENSIONS[random().nextInt(DIMENSIONS.length)];
  }

  private static float[] rotate(FastRotation rotation, float[] in) {
    float[] out = new float[rotation.paddedDimension()];
    rotation.rotate(in, out, new float[rotation.paddedDimension()]);
    return out;
  }

  private static float[] gaussian(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  public void testPaddedDimension() {
    for (int dim : DIMENSIONS) {
      int padded = FastRotation.paddedDimension(dim);
      assertEquals("dim " + dim, 0, padded % 64);
      assertTrue("dim " + dim + " padded to " + padded, padded >= dim && padded < dim + 64);
      assertEquals(padded, new FastRotation(dim, random().nextLong()).paddedDimension());
      assertEquals(dim, new FastRotation(dim, random().nextLong()).dimension());
    }
    assertEquals(64, FastRotation.paddedDimension(1));
    assertEquals(64, FastRotation.paddedDimension(64));
    assertEquals(128, FastRotation.paddedDimension(65));
    assertEquals(832, FastRotation.paddedDimension(784));
    expectThrows(IllegalArgumentException.class, () -> new FastRotation(0, 1));
    expectThrows(IllegalArgumentException.class, () -> new FastRotation(-3, 1));
  }

  /** Norms and dot products of random vectors are kept, to float rounding. */
  public void testPreservesNormsAndDotProducts() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      for (int iter = 0; iter < atLeast(5); iter++) {
        float[] a = gaussian(random, dim);
        float[] b = random.nextBoolean() ? gaussian(random, dim) : a.clone();
        // scales far from 1 too: nothing in the rotation may depend on the norm
        float scale = (float) Math.pow(10, random.nextInt(7) - 3);
        for (int i = 0; i < dim; i++) {
          a[i] *= scale;
        }
        float[] ra = rotate(rotation, a);
        float[] rb = rotate(rotation, b);
        double na = Math.sqrt(squaredNorm(a));
        double nb = Math.sqrt(squaredNorm(b));
        assertEquals("dim " + dim + " norm", na, Math.sqrt(squaredNorm(ra)), 1e-5 * na);
        assertEquals("dim " + dim + " norm", nb, Math.sqrt(squaredNorm(rb)), 1e-5 * nb);
        assertEquals("dim " + dim + " dot", dot(a, b), dot(ra, rb), 1e-5 * na * nb);
      }
    }
  }

  /**
   * The images of the unit vectors are orthonormal: the rotation's matrix has orthonormal columns,
   * over the vectors' own dimension and, with a padded dimension, over all of it.
   */
  public void testBasisGoesToOrthonormalVectors() {
    for (int dim : new int[] {1, 2, 3, 63, 64, 65, 128, randomDimension()}) {
      FastRotation rotation = new FastRotation(dim, random().nextLong());
      float[][] images = new float[dim][];
      for (int i = 0; i < dim; i++) {
        float[] unit = new float[dim];
        unit[i] = 1;
        images[i] = rotate(rotation, unit);
      }
      for (int i = 0; i < dim; i++) {
        for (int j = i; j < dim; j++) {
          assertEquals(
              "dim " + dim + ": <R e" + i + ", R e" + j + ">",
              i == j ? 1 : 0,
              dot(images[i], images[j]),
              1e-5);
        }
      }
    }
  }

  /** A linear map: R(a·x + y) = a·R(x) + R(y). */
  public void testLinear() {
    Random random = random();
    int dim = randomDimension();
    FastRotation rotation = new FastRotation(dim, random.nextLong());
    float[] x = gaussian(random, dim);
    float[] y = gaussian(random, dim);
    float a = (float) random.nextGaussian();
    float[] combined = new float[dim];
    for (int i = 0; i < dim; i++) {
      combined[i] = a * x[i] + y[i];
    }
    float[] rx = rotate(rotation, x);
    float[] ry = rotate(rotation, y);
    float[] rc = rotate(rotation, combined);
    double scale = Math.sqrt(squaredNorm(combined)) + Math.abs(a) * Math.sqrt(squaredNorm(x));
    for (int i = 0; i < rc.length; i++) {
      assertEquals("coordinate " + i, a * rx[i] + ry[i], rc[i], 1e-5 * scale);
    }
    assertEquals(0, squaredNorm(rotate(rotation, new float[dim])), 0);
  }

  /**
   * The rotation is defined by its seed and dimension: a new instance gives the same bits, whatever
   * was in the output and scratch arrays before, and the input is left alone.
   */
  public void testDeterministicPerSeed() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      long seed = random.nextLong();
      float[] in = gaussian(random, dim);
      float[] copy = in.clone();
      float[] expected = rotate(new FastRotation(dim, seed), in);
      FastRotation again = new FastRotation(dim, seed);
      float[] out = new float[again.paddedDimension()];
      float[] scratch = new float[again.paddedDimension()];
      // stale contents, as a reused buffer holds: the padding must be read as 0 anyway
      Arrays.fill(out, Float.NaN);
      Arrays.fill(scratch, 1e30f);
      again.rotate(in, out, scratch);
      assertArrayEquals("dim " + dim, expected, out, 0f);
      assertArrayEquals("the input was modified", copy, in, 0f);
      // and the instance has no state between calls
      again.rotate(gaussian(random, dim), out, scratch);
      again.rotate(in, out, scratch);
      assertArrayEquals("dim " + dim, expected, out, 0f);
    }
  }

  public void testDifferentSeedsDiffer() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      long seed = random.nextLong();
      float[] in = gaussian(random, dim);
      float[] a = rotate(new FastRotation(dim, seed), in);
      float[] b = rotate(new FastRotation(dim, seed + 1), in);
      // two independent rotations of one vector are nearly orthogonal when the dimension is large,
      // and differ by much more than rounding in any dimension
      double distance = Math.sqrt(ForestTestUtil.squaredDistance(a, b));
      assertTrue(
          "dim " + dim + ": seeds " + seed + " and " + (seed + 1) + " rotate alike",
          distance > 1e-3 * Math.sqrt(squaredNorm(in)));
    }
  }

  /**
   * No coordinate of a rotated vector keeps much of its energy, even for the vectors a rotation
   * mixes worst: unit vectors and vectors with a few non-zero coordinates (Fashion-MNIST's always
   * zero border pixels). For a uniformly random rotation of {@code p} coordinates the largest share
   * is about {@code 2 ln(p) / p} (0.13 at 64), and above a half with a probability of about 1e-8.
   */
  public void testMixesCoordinates() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      int p = rotation.paddedDimension();
      double worst = 0;
      for (int iter = 0; iter < Math.min(dim, 64); iter++) {
        float[] sparse = new float[dim];
        int nonZero = 1 + random.nextInt(Math.min(dim, 3));
        for (int j = 0; j < nonZero; j++) {
          sparse[random.nextInt(dim)] = (float) random.nextGaussian();
        }
        double norm = squaredNorm(sparse);
        if (norm == 0) {
          continue;
        }
        float[] rotated = rotate(rotation, sparse);
        for (float x : rotated) {
          worst = Math.max(worst, x * x / norm);
        }
      }
      if (VERBOSE) {
        System.out.println(
            "dim " + dim + " (padded " + p + "): largest share of a coordinate " + worst);
      }
      assertTrue(
          "dim " + dim + ": a coordinate keeps " + worst + " of a sparse vector's energy",
          worst < 0.5);
    }
  }

  /** Dimension 2: a plane's vectors spread over 64 coordinates, with their geometry intact. */
  public void testDimensionTwo() {
    FastRotation rotation = new FastRotation(2, random().nextLong());
    assertEquals(64, rotation.paddedDimension());
    for (int degrees = 0; degrees < 360; degrees += 15) {
      double angle = Math.toRadians(degrees);
      float[] v = {(float) Math.cos(angle), (float) Math.sin(angle)};
      float[] r = rotate(rotation, v);
      assertEquals(1, squaredNorm(r), 1e-5);
      int nonZero = 0;
      for (float x : r) {
        nonZero += x != 0 ? 1 : 0;
      }
      assertTrue(degrees + "°: only " + nonZero + " non-zero coordinates", nonZero >= 32);
      float[] w = {(float) -Math.sin(angle), (float) Math.cos(angle)};
      assertEquals(
          "perpendicular vectors stay perpendicular", 0, dot(r, rotate(rotation, w)), 1e-5);
    }
  }
}
