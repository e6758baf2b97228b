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

import static io.github.luceneannoy.forest.ForestTestUtil.mean;
import static io.github.luceneannoy.forest.ForestTestUtil.squaredDistance;

import io.github.luceneannoy.forest.ForestTestUtil.Kind;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * {@link QueryCode}: a query rotated about the segment's centre and rounded to {@value
 * QueryCode#BITS} bits per coordinate. Its dot products with sign codes must be those of the
 * rounded query exactly (but for float rounding), and within the documented rounding error of those
 * of the query itself.
 */
public class TestQueryCode extends LuceneTestCase {

  private static final int[] DIMENSIONS = {2, 3, 63, 64, 65, 384, 784};

  /** {@code u = R(q - g)}, computed apart from the code. */
  private static float[] rotated(FastRotation rotation, float[] query, float[] centre) {
    float[] difference = new float[query.length];
    for (int i = 0; i < query.length; i++) {
      difference[i] = query[i] - centre[i];
    }
    float[] u = new float[rotation.paddedDimension()];
    rotation.rotate(difference, u, new float[u.length]);
    return u;
  }

  /** Random sign codes: {@code count} codes of {@code words} longs, each with its count of ones. */
  private static CodeBlock randomCodes(Random random, int count, int words) {
    CodeBlock codes = new CodeBlock(count, words);
    for (int e = 0; e < count; e++) {
      int ones = 0;
      // some codes mostly ones or mostly zeros: the count of ones enters the dot product
      double density = random.nextInt(4) == 0 ? random.nextDouble() : 0.5;
      for (int w = 0; w < words; w++) {
        long bits = 0;
        for (int b = 0; b < 64; b++) {
          if (random.nextDouble() < density) {
            bits |= 1L << b;
          }
        }
        codes.bits[e * words + w] = bits;
        ones += Long.bitCount(bits);
      }
      codes.ones[e] = ones;
    }
    return codes;
  }

  private static boolean bit(CodeBlock codes, int e, int i) {
    return (codes.bits[e * codes.words + i / 64] >>> (i % 64) & 1) != 0;
  }

  public void testCentreDistanceIsExact() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      float[][] data = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], 20, dim);
      float[] centre = mean(data);
      QueryCode code = new QueryCode(centre, new FastRotation(dim, random.nextLong()));
      for (float[] query : data) {
        code.set(query);
        double expected = squaredDistance(query, centre);
        assertEquals("dim " + dim, expected, code.centreDistance(), 1e-5 * expected);
      }
    }
  }

  /**
   * {@code signDot} is {@code s·û} for the query rounded as documented: {@code û = lo + step·v},
   * with {@code lo} and {@code hi} the least and largest coordinates of {@code u}, {@code step =
   * (hi - lo)/15} and {@code v} the nearest level in {@code 0 .. 15}; and each rounded coordinate
   * is within half a step of the exact one.
   */
  public void testSignDotIsTheRoundedQuerysDotProduct() {
    Random random = random();
    int levels = (1 << QueryCode.BITS) - 1;
    for (int dim : DIMENSIONS) {
      float[][] data = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], 10, dim);
      float[] centre = mean(data);
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      int p = rotation.paddedDimension();
      int words = p / 64;
      QueryCode code = new QueryCode(centre, rotation);
      CodeBlock codes = randomCodes(random, 50, words);
      for (float[] query : data) {
        code.set(query);
        float[] u = rotated(rotation, query, centre);
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float x : u) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
        double step = (hi - lo) / (double) levels;
        double[] rounded = new double[p];
        double magnitude = 0;
        for (int i = 0; i < p; i++) {
          long v = step == 0 ? 0 : Math.min(levels, Math.round((u[i] - lo) / step));
          rounded[i] = lo + step * v;
          assertEquals(
              "dim " + dim + ", coordinate " + i, u[i], rounded[i], step / 2 + 1e-5 * (hi - lo));
          magnitude += Math.abs(rounded[i]);
        }
        assertEquals(
            "roundingError is step·sqrt(p/12)",
            step * Math.sqrt(p / 12.0),
            code.roundingError(),
            1e-4 * step * Math.sqrt(p));
        for (int e = 0; e < codes.capacity(); e++) {
          double expected = 0;
          for (int i = 0; i < p; i++) {
            expected += bit(codes, e, i) ? rounded[i] : -rounded[i];
          }
          float actual = code.signDot(codes.bits, e * words, codes.ones[e]);
          // a coordinate exactly halfway between two levels may round either way
          assertEquals("dim " + dim + ", code " + e, expected, actual, 1e-4 * magnitude + 2 * step);
        }
      }
    }
  }

  /**
   * Against the query itself, {@code signDot} errs by {@code s·(û - u)}: at most {@code
   * sqrt(3p)·roundingError} (every coordinate off by half a step at most), and for codes whose
   * signs do not depend on the rounding, about {@code roundingError} in the mean square, as its
   * documentation says ("the typical size").
   */
  public void testRoundingErrorIsTheTypicalError() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      float[][] data = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], 20, dim);
      float[] centre = mean(data);
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      int p = rotation.paddedDimension();
      QueryCode code = new QueryCode(centre, rotation);
      double sumSquares = 0;
      double sumRounding = 0;
      int count = 0;
      for (float[] query : data) {
        code.set(query);
        float[] u = rotated(rotation, query, centre);
        double magnitude = 0;
        for (float x : u) {
          magnitude += Math.abs(x);
        }
        CodeBlock codes = randomCodes(random, 50, p / 64);
        for (int e = 0; e < codes.capacity(); e++) {
          double exact = 0;
          for (int i = 0; i < p; i++) {
            exact += bit(codes, e, i) ? u[i] : -u[i];
          }
          double error = code.signDot(codes.bits, e * codes.words, codes.ones[e]) - exact;
          assertEquals(
              "dim " + dim, 0, error, Math.sqrt(3.0 * p) * code.roundingError() + 1e-4 * magnitude);
          sumSquares += error * error;
          sumRounding += (double) code.roundingError() * code.roundingError();
          count++;
        }
      }
      double ratio = Math.sqrt(sumSquares / count) / Math.sqrt(sumRounding / count);
      if (VERBOSE) {
        System.out.println("dim " + dim + ": RMS error / rounding error " + ratio);
      }
      assertTrue(
          "dim " + dim + ": RMS error " + ratio + " rounding errors", ratio > 0.5 && ratio < 1.5);
    }
  }

  /** A query at the segment's centre: nothing to round, every dot product 0. */
  public void testQueryAtTheCentre() {
    Random random = random();
    int dim = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
    float[] centre = mean(ForestTestUtil.vectors(random, Kind.GAUSSIAN, 10, dim));
    FastRotation rotation = new FastRotation(dim, random.nextLong());
    QueryCode code = new QueryCode(centre, rotation);
    code.set(centre.clone());
    assertEquals(0, code.centreDistance(), 0f);
    assertEquals(0, code.roundingError(), 0f);
    CodeBlock codes = randomCodes(random, 20, rotation.paddedDimension() / 64);
    for (int e = 0; e < codes.capacity(); e++) {
      assertEquals(0, code.signDot(codes.bits, e * codes.words, codes.ones[e]), 0f);
    }
  }

  /** {@link QueryCode#set} leaves nothing of the previous query behind. */
  public void testReusable() {
    Random random = random();
    int dim = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
    float[][] data = ForestTestUtil.vectors(random, Kind.UNIFORM, 5, dim);
    float[] centre = mean(data);
    FastRotation rotation = new FastRotation(dim, random.nextLong());
    CodeBlock codes = randomCodes(random, 10, rotation.paddedDimension() / 64);
    QueryCode reused = new QueryCode(centre, rotation);
    for (float[] query : data) {
      reused.set(data[random.nextInt(data.length)]);
      reused.set(query);
      QueryCode fresh = new QueryCode(centre, rotation);
      fresh.set(query);
      assertEquals(fresh.centreDistance(), reused.centreDistance(), 0f);
      assertEquals(fresh.roundingError(), reused.roundingError(), 0f);
      for (int e = 0; e < codes.capacity(); e++) {
        assertEquals(
            fresh.signDot(codes.bits, e * codes.words, codes.ones[e]),
            reused.signDot(codes.bits, e * codes.words, codes.ones[e]),
            0f);
      }
    }
  }

  /** A code serves the forest whose centre and rotation it was made with, by identity. */
  public void testServes() {
    float[] centre = {1, 2, 3};
    FastRotation rotation = new FastRotation(3, 7);
    QueryCode code = new QueryCode(centre, rotation);
    assertTrue(code.serves(centre, rotation));
    assertFalse(code.serves(centre.clone(), rotation));
    assertFalse(code.serves(centre, new FastRotation(3, 7)));
  }

  /**
   * The error bound: {@code bound} times the code's error factor at the query's distance from the
   * centroid and the rounding's share in quadrature; the rounding's share remains at distance 0.
   */
  public void testErrorBound() {
    Random random = random();
    int dim = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
    float[][] data = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 20, dim);
    float[] centre = mean(data);
    FastRotation rotation = new FastRotation(dim, random.nextLong());
    LeafCoder coder = new LeafCoder(rotation, centre);
    coder.centroid(data[0]);
    CodeBlock codes = new CodeBlock(data.length, coder.words());
    for (int e = 0; e < data.length; e++) {
      coder.encode(data[e], codes, e);
    }
    QueryCode code = new QueryCode(centre, rotation);
    code.set(data[1]);
    for (int e = 0; e < data.length; e++) {
      float scale = 0.5f + random.nextFloat();
      float one = code.error(codes, e, scale, 1);
      double codeError = codes.error[e] * scale;
      double rounding = 2 * codes.scale[e] * code.roundingError();
      assertEquals(Math.hypot(codeError, rounding), one, 1e-5f * one);
      assertEquals(2.5f * one, code.error(codes, e, scale, 2.5f), 1e-5f * one);
      assertEquals(
          2 * codes.scale[e] * code.roundingError(), code.error(codes, e, 0, 1), 1e-5f * one);
      assertTrue(one >= 0);
    }
  }
}
