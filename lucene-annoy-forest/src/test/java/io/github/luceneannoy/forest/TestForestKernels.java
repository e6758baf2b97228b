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

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Both kernel implementations against arithmetic in doubles, over lengths around every vector
 * boundary; the one-bit code loop against a naive count; and the choice between the
 * implementations. The build's test JVM reads {@code jdk.incubator.vector} (the pom's {@code
 * vector.module}), so the vector implementation is tested wherever the hardware has vectors of 8
 * floats or more; elsewhere its tests are skipped.
 */
public class TestForestKernels extends LuceneTestCase {

  private static boolean moduleReadable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * The vector implementation, loaded by name as {@link ForestKernels} does, or null where this JVM
   * or its hardware cannot run it.
   */
  private static ForestKernels vectorKernels() {
    if (moduleReadable() == false) {
      return null;
    }
    try {
      ForestKernels kernels =
          (ForestKernels)
              Class.forName(ForestKernels.class.getPackageName() + ".PanamaForestKernels")
                  .getDeclaredConstructor()
                  .newInstance();
      return ((PanamaForestKernels) kernels).floatsPerVector() >= ForestKernels.MIN_VECTOR_FLOATS
          ? kernels
          : null;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static List<ForestKernels> implementations() {
    List<ForestKernels> all = new ArrayList<>();
    all.add(new ScalarForestKernels());
    ForestKernels vector = vectorKernels();
    if (vector != null) {
      all.add(vector);
      all.add(maskedCountKernels());
    }
    return all;
  }

  /**
   * The vector implementation counting bits by shifts and masks, as on Java 17 and 18, whether or
   * not this JDK has the lane-wise bit count.
   */
  private static ForestKernels maskedCountKernels() {
    try {
      return (ForestKernels)
          Class.forName(ForestKernels.class.getPackageName() + ".PanamaForestKernels")
              .getDeclaredConstructor(boolean.class)
              .newInstance(false);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** A leaf's worth of codes with plausible corrections (384 bits each, one word stored). */
  private static CodeBlock randomCodes(Random random, int capacity) {
    CodeBlock codes = new CodeBlock(capacity, 1);
    for (int e = 0; e < capacity; e++) {
      codes.additive[e] = (float) random.nextGaussian() * 10 + 50;
      codes.scale[e] = random.nextFloat() * 0.1f;
      codes.error[e] = random.nextFloat() * 0.5f;
      codes.ones[e] = random.nextInt(385);
    }
    return codes;
  }

  private static float[] randomFloats(Random random, int length) {
    float[] v = new float[length];
    for (int i = 0; i < length; i++) {
      v[i] = (float) random.nextGaussian() * 10;
    }
    return v;
  }

  public void testDotAndSquareDistanceMatchDoubleArithmetic() {
    Random random = random();
    for (ForestKernels kernels : implementations()) {
      for (int length = 0; length <= 300; length++) {
        float[] a = randomFloats(random, length);
        float[] b = randomFloats(random, length);
        double dot = 0;
        double dotMagnitude = 0;
        double distance = 0;
        for (int i = 0; i < length; i++) {
          dot += (double) a[i] * b[i];
          dotMagnitude += Math.abs((double) a[i] * b[i]);
          double d = (double) a[i] - b[i];
          distance += d * d;
        }
        String what = kernels.description() + ", length " + length;
        assertEquals(what, dot, kernels.dot(a, b), 1e-5 * dotMagnitude + 1e-6);
        assertEquals(what, distance, kernels.squareDistance(a, b), 1e-5 * distance + 1e-6);
        assertEquals(what, 0, kernels.squareDistance(a, a), 0f);
      }
    }
  }

  /**
   * Both loops run over the first vector's length when the second is longer, as a stored vector
   * against a query mapped for the inner product (one more coordinate) has it: Lucene's own loop,
   * which the scalar implementation calls, refuses vectors of two lengths, and calibration of an
   * inner-product field failed on Java 17 without the vector module. A shorter second vector is
   * refused.
   */
  public void testSecondVectorMayBeLonger() {
    Random random = random();
    for (ForestKernels kernels : implementations()) {
      for (int length = 1; length <= 130; length++) {
        float[] a = randomFloats(random, length);
        float[] b = randomFloats(random, length + 1 + random.nextInt(3));
        float[] prefix = Arrays.copyOf(b, length);
        double magnitude = 0;
        for (int i = 0; i < length; i++) {
          magnitude += Math.abs((double) a[i] * b[i]) + (double) a[i] * a[i] + (double) b[i] * b[i];
        }
        String what = kernels.description() + ", length " + length;
        assertEquals(what, kernels.dot(a, prefix), kernels.dot(a, b), 1e-5 * magnitude + 1e-6);
        assertEquals(
            what,
            kernels.squareDistance(a, prefix),
            kernels.squareDistance(a, b),
            1e-5 * magnitude + 1e-6);
        expectThrows(RuntimeException.class, () -> kernels.dot(b, a));
        expectThrows(RuntimeException.class, () -> kernels.squareDistance(b, a));
      }
    }
  }

  /** The vector implementation gives the scalar one's results, but for float rounding. */
  public void testVectorAgreesWithScalar() {
    ForestKernels vector = vectorKernels();
    assumeTrue("the vector API is not usable in this JVM", vector != null);
    ForestKernels scalar = new ScalarForestKernels();
    Random random = random();
    for (int iter = 0; iter < atLeast(200); iter++) {
      int length = random.nextInt(1000);
      float[] a = randomFloats(random, length);
      float[] b = randomFloats(random, length);
      double magnitude = 0;
      for (int i = 0; i < length; i++) {
        magnitude += Math.abs((double) a[i] * b[i]) + (double) a[i] * a[i] + (double) b[i] * b[i];
      }
      assertEquals(scalar.dot(a, b), vector.dot(a, b), 1e-5 * magnitude + 1e-6);
      assertEquals(
          scalar.squareDistance(a, b), vector.squareDistance(a, b), 1e-5 * magnitude + 1e-6);
    }
  }

  /**
   * {@link ForestKernels#hadamard64} is the Walsh-Hadamard matrix ({@code H[i][j] = (-1)^{|i &
   * j|}}) times the block, in every implementation: exact on small integers, whose sums are exact
   * in any order; only its own block changes.
   */
  public void testHadamardIsTheMatrixProduct() {
    Random random = random();
    int block = ForestKernels.HADAMARD_BLOCK;
    for (ForestKernels kernels : implementations()) {
      for (int iter = 0; iter < 20; iter++) {
        int from = block * random.nextInt(3);
        float[] v = new float[from + 2 * block];
        for (int i = 0; i < v.length; i++) {
          v[i] = random.nextInt(201) - 100;
        }
        float[] expected = v.clone();
        for (int i = 0; i < block; i++) {
          long sum = 0;
          for (int j = 0; j < block; j++) {
            long x = (long) v[from + j];
            sum += (Integer.bitCount(i & j) & 1) == 0 ? x : -x;
          }
          expected[from + i] = sum;
        }
        kernels.hadamard64(v, from);
        assertArrayEquals(kernels.description(), expected, v, 0f);
      }
    }
  }

  /**
   * The vector transform gives the scalar one's floats bit for bit on any input: rotations, and the
   * codes made from them, are the same whichever kernels a JVM runs.
   */
  public void testVectorHadamardIsBitIdentical() {
    ForestKernels vector = vectorKernels();
    assumeTrue("the vector API is not usable in this JVM", vector != null);
    ForestKernels scalar = new ScalarForestKernels();
    Random random = random();
    int block = ForestKernels.HADAMARD_BLOCK;
    for (int iter = 0; iter < atLeast(200); iter++) {
      int from = block * random.nextInt(4);
      float[] v = new float[from + block];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
      }
      float[] w = v.clone();
      scalar.hadamard64(v, from);
      vector.hadamard64(w, from);
      for (int i = 0; i < v.length; i++) {
        assertEquals(
            "coordinate " + i, Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(w[i]));
      }
    }
  }

  /**
   * {@link ForestKernels#ordinalViolations} is negative exactly when an ordinal lies outside {@code
   * [0, last]} or does not exceed the one before it, wherever in the leaf (the first, inside a
   * vector, at a vector's first lane, in the tail), in every implementation.
   */
  public void testOrdinalViolations() {
    Random random = random();
    for (int iter = 0; iter < atLeast(300); iter++) {
      int count = 1 + random.nextInt(100);
      int last = count + random.nextInt(1000);
      int[] ords = new int[count];
      int next = random.nextInt(last - count + 2);
      for (int e = 0; e < count; e++) {
        ords[e] = next;
        next += 1 + random.nextInt(Math.max(1, (last - next) / Math.max(1, count - e)));
        next = Math.min(next, last - (count - e - 2));
      }
      boolean damaged = random.nextBoolean();
      if (damaged) {
        int e = random.nextInt(count);
        switch (random.nextInt(4)) {
          case 0:
            ords[e] = -1 - random.nextInt(Integer.MAX_VALUE);
            break;
          case 1:
            ords[e] = last + 1 + random.nextInt(Integer.MAX_VALUE - last);
            break;
          default:
            if (count == 1) {
              ords[e] = -1;
            } else {
              // repeated or out of order
              int other = e == 0 ? 1 : e - 1;
              ords[Math.max(e, other)] = ords[Math.min(e, other)] - random.nextInt(2);
            }
        }
      }
      boolean valid = true;
      for (int e = 0; e < count; e++) {
        valid &= ords[e] >= 0 && ords[e] <= last && (e == 0 || ords[e] > ords[e - 1]);
      }
      assertTrue("an undamaged leaf is valid", damaged || valid);
      for (ForestKernels kernels : implementations()) {
        assertEquals(
            kernels + " " + Arrays.toString(ords),
            valid,
            kernels.ordinalViolations(ords, count, last) >= 0);
      }
    }
  }

  /**
   * {@link ForestKernels#keepBelowBar} keeps exactly the codes whose estimate exceeds the bar by no
   * more than their margin, with the bounds the formula gives, in order; and the vector
   * implementation keeps the same codes with bit-identical bounds (searches must not depend on the
   * JVM's flags), at bars that keep none, some and all, at every count (the tail past whole
   * vectors), whatever lies in the arrays past the codes.
   */
  public void testKeepBelowBar() {
    Random random = random();
    for (int iter = 0; iter < atLeast(100); iter++) {
      int count = 1 + random.nextInt(300);
      // arrays with room past the codes, as a leaf's (the vector loop may read into it), or not
      int capacity = count + (random.nextBoolean() ? 0 : random.nextInt(40));
      CodeBlock codes = randomCodes(random, capacity);
      int[] high = new int[capacity];
      int[] low = new int[capacity];
      int[] dots = new int[capacity];
      for (int e = 0; e < capacity; e++) {
        high[e] = random.nextInt(1000);
        low[e] = random.nextInt(1000);
        dots[e] = 4 * high[e] + low[e];
      }
      BoundTerms terms = new BoundTerms();
      terms.twiceLow = (float) random.nextGaussian();
      terms.twiceStep = random.nextFloat() * 0.2f;
      terms.sum = (float) random.nextGaussian() * 20;
      terms.centroidDistance = random.nextFloat() * 30;
      terms.centroidScale = random.nextFloat() * 5;
      terms.rounding = random.nextFloat() * 0.05f;
      terms.squaredBound = 6.25f;
      float[] bars = {Float.NEGATIVE_INFINITY, 40, 60, 80, Float.POSITIVE_INFINITY};
      terms.bar = bars[random.nextInt(bars.length)];
      List<ForestKernels> all = implementations();
      int[][] passing = new int[all.size()][count];
      float[][] lower = new float[all.size()][count];
      float[][] upper = new float[all.size()][count];
      int[] kept = new int[all.size()];
      for (int k = 0; k < all.size(); k++) {
        kept[k] =
            all.get(k).keepBelowBar(codes, dots, count, terms, passing[k], lower[k], upper[k]);
      }
      // the scalar implementation against the formula, in double precision but for the cut
      int expected = 0;
      for (int e = 0; e < count; e++) {
        double signDot =
            terms.twiceLow * codes.ones[e] + terms.twiceStep * (4.0 * high[e] + low[e]) - terms.sum;
        double estimate =
            codes.additive[e] + terms.centroidDistance - 2.0 * codes.scale[e] * signDot;
        double codeError = codes.error[e] * terms.centroidScale;
        double queryError = codes.scale[e] * terms.rounding;
        double margin =
            Math.sqrt(terms.squaredBound * (codeError * codeError + queryError * queryError));
        double over = estimate - terms.bar;
        if (over > margin * (1 + 1e-4) + 1e-3) {
          continue;
        }
        if (over < margin * (1 - 1e-4) - 1e-3) {
          assertTrue("code " + e + " dropped", expected < kept[0]);
          assertEquals(e, passing[0][expected]);
          assertEquals(estimate - margin, lower[0][expected], 1e-3 * (1 + Math.abs(estimate)));
          assertEquals(estimate + margin, upper[0][expected], 1e-3 * (1 + Math.abs(estimate)));
          expected++;
        } else {
          // at the cut float rounding decides: follow the implementation
          if (expected < kept[0] && passing[0][expected] == e) {
            expected++;
          }
        }
      }
      assertEquals(expected, kept[0]);
      for (int k = 1; k < all.size(); k++) {
        assertEquals(kept[0], kept[k]);
        for (int i = 0; i < kept[0]; i++) {
          assertEquals(passing[0][i], passing[k][i]);
          assertEquals(Float.floatToIntBits(lower[0][i]), Float.floatToIntBits(lower[k][i]));
          assertEquals(Float.floatToIntBits(upper[0][i]), Float.floatToIntBits(upper[k][i]));
        }
      }
    }
  }

  /**
   * {@link ForestKernels#slacks}: the formula (in double precision, away from float rounding), and
   * bit-identical between implementations at every count (the tail past whole vectors), whatever
   * lies in the arrays past the codes: a code's fate must not depend on the JVM's flags.
   */
  public void testSlacks() {
    Random random = random();
    for (int iter = 0; iter < atLeast(100); iter++) {
      int count = 1 + random.nextInt(300);
      int capacity = count + (random.nextBoolean() ? 0 : random.nextInt(40));
      CodeBlock codes = randomCodes(random, capacity);
      int[] dots = new int[capacity];
      for (int e = 0; e < capacity; e++) {
        dots[e] = random.nextInt(4000);
      }
      SlackTerms terms = new SlackTerms();
      terms.set(
          random.nextFloat() * 30,
          40 + random.nextFloat() * 40,
          (float) random.nextGaussian() * 2,
          random.nextFloat() * 0.4f,
          (float) random.nextGaussian() * 40,
          2.5f,
          random.nextFloat() * 5,
          random.nextFloat() * 0.1f);
      List<ForestKernels> all = implementations();
      float[][] slack = new float[all.size()][capacity];
      for (int k = 0; k < all.size(); k++) {
        // what lies past the codes stays untouched
        Arrays.fill(slack[k], Float.NaN);
        all.get(k).slacks(codes, dots, count, terms, slack[k]);
      }
      for (int e = 0; e < count; e++) {
        double s = codes.scale[e];
        double over =
            Math.max(
                0,
                codes.additive[e]
                    + (double) terms.gap
                    - s
                        * ((double) terms.perOne * codes.ones[e]
                            + (double) terms.perDot * dots[e]
                            - terms.twiceSum));
        double err = codes.error[e];
        double expected = over * over - (err * err * terms.errorWeight + s * s * terms.scaleWeight);
        assertEquals(expected, slack[0][e], 1e-3 * (1 + Math.abs(expected)));
        for (int k = 1; k < all.size(); k++) {
          assertEquals(
              "code " + e + " of " + count,
              Float.floatToIntBits(slack[0][e]),
              Float.floatToIntBits(slack[k][e]));
        }
      }
      for (int k = 0; k < all.size(); k++) {
        for (int e = count; e < capacity; e++) {
          assertTrue(Float.isNaN(slack[k][e]));
        }
      }
    }
  }

  /**
   * {@link ForestKernels#codeDots}: {@code Σ_bit 2^bit · popcount(code & plane_bit)}, that is the
   * sum over coordinates with a one bit in the code of the query's 4-bit level there, at any offset
   * into the codes.
   */
  public void testCodeDotsMatchNaiveCount() {
    Random random = random();
    for (ForestKernels kernels : implementations()) {
      for (int words = 1; words <= 14; words++) {
        int offset = random.nextInt(3 * words + 1);
        long[] codes = new long[offset + words + random.nextInt(3)];
        for (int i = 0; i < codes.length; i++) {
          // dense, sparse and random words
          codes[i] =
              random.nextInt(4) == 0
                  ? -1L
                  : random.nextInt(4) == 0 ? 1L << random.nextInt(64) : random.nextLong();
        }
        int[] levels = new int[64 * words];
        long[] planes = new long[4 * words];
        for (int i = 0; i < levels.length; i++) {
          levels[i] = random.nextInt(16);
          for (int bit = 0; bit < 4; bit++) {
            if ((levels[i] >>> bit & 1) != 0) {
              planes[(i / 64) * 4 + bit] |= 1L << (i % 64);
            }
          }
        }
        int expected = 0;
        for (int i = 0; i < levels.length; i++) {
          if ((codes[offset + i / 64] >>> (i % 64) & 1) != 0) {
            expected += levels[i];
          }
        }
        assertEquals(
            kernels.description() + ", " + words + " words",
            expected,
            kernels.codeDots(codes, offset, words, planes));
      }
      // every bit set and every level 15: the largest value
      long[] ones = {-1L, -1L};
      long[] full = new long[8];
      java.util.Arrays.fill(full, -1L);
      assertEquals(2 * 64 * 15, kernels.codeDots(ones, 0, 2, full));
      assertEquals(0, kernels.codeDots(new long[2], 0, 2, full));
    }
  }

  /**
   * {@link ForestKernels#groupDots} over a group of interleaved codes gives each code's {@link
   * ForestKernels#highDots} read at its stride, at any offset and output position, in every
   * implementation; and the high and low halves make {@link ForestKernels#codeDots}, as the four
   * planes' {@link ForestKernels#planeDots} (and {@link ForestKernels#groupPlaneDots}) weighted by
   * their bits do.
   */
  public void testGroupDotsMatchStridedCodeDots() {
    Random random = random();
    int group = CodeBlock.GROUP;
    for (ForestKernels kernels : implementations()) {
      // past 31 words (1,984 dimensions) the masked counts widen their byte sums more than once
      for (int words : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31, 32, 33, 64}) {
        int offset = random.nextInt(2 * words * group + 1);
        long[] codes = new long[offset + words * group + random.nextInt(3)];
        for (int i = 0; i < codes.length; i++) {
          codes[i] =
              random.nextInt(4) == 0
                  ? -1L
                  : random.nextInt(4) == 0 ? 1L << random.nextInt(64) : random.nextLong();
        }
        long[] planes = new long[4 * words];
        for (int i = 0; i < planes.length; i++) {
          planes[i] = random.nextLong();
        }
        int at = random.nextInt(3 * group);
        int[] dots = new int[at + group + random.nextInt(3)];
        kernels.groupDots(codes, offset, words, planes, 2, dots, at);
        int[] lows = new int[dots.length];
        kernels.groupDots(codes, offset, words, planes, 0, lows, at);
        int[] full = new int[dots.length];
        kernels.groupFullDots(codes, offset, words, planes, full, at);
        int[][] single = new int[4][dots.length];
        for (int plane = 0; plane < 4; plane++) {
          kernels.groupPlaneDots(codes, offset, words, planes, plane, single[plane], at);
        }
        for (int j = 0; j < group; j++) {
          long[] code = new long[words];
          for (int w = 0; w < words; w++) {
            code[w] = codes[offset + w * group + j];
          }
          String what = kernels.description() + ", " + words + " words, code " + j;
          int high = kernels.highDots(code, 0, 1, words, planes);
          assertEquals(what, high, dots[at + j]);
          assertEquals(what, high, kernels.highDots(codes, offset + j, group, words, planes));
          int low = kernels.lowDots(codes, offset + j, group, words, planes);
          assertEquals(what, kernels.codeDots(code, 0, words, planes), 4 * high + low);
          assertEquals(what, low, kernels.lowDots(code, 0, 1, words, planes));
          assertEquals(what, low, lows[at + j]);
          assertEquals(what, 4 * high + low, full[at + j]);
          int weighted = 0;
          for (int plane = 0; plane < 4; plane++) {
            int alone = kernels.planeDots(codes, offset + j, group, words, planes, plane);
            assertEquals(what + ", plane " + plane, alone, single[plane][at + j]);
            assertEquals(
                what + ", plane " + plane,
                alone,
                kernels.planeDots(code, 0, 1, words, planes, plane));
            weighted += alone << plane;
          }
          assertEquals(what, 4 * high + low, weighted);
          assertEquals(what, high, 2 * single[3][at + j] + single[2][at + j]);
        }
      }
      // every bit set in codes and planes: the largest counts, which sums of narrow lanes overflow
      for (int words : new int[] {31, 32, 64}) {
        long[] codes = new long[words * group];
        long[] planes = new long[4 * words];
        java.util.Arrays.fill(codes, -1L);
        java.util.Arrays.fill(planes, -1L);
        int[] out = new int[group];
        String what = kernels.description() + ", " + words + " words of ones";
        kernels.groupFullDots(codes, 0, words, planes, out, 0);
        assertEquals(what, words * 64 * 15, out[group - 1]);
        kernels.groupDots(codes, 0, words, planes, 2, out, 0);
        assertEquals(what, words * 64 * 3, out[0]);
        kernels.groupPlaneDots(codes, 0, words, planes, 3, out, 0);
        assertEquals(what, words * 64, out[group - 1]);
      }
    }
  }

  /** Whether the JVM runs without C2, where {@link ForestKernels} keeps to scalar code. */
  private static boolean c1Only() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if ((arg.startsWith("-XX:TieredStopAtLevel=")
              && arg.equals("-XX:TieredStopAtLevel=4") == false)
          || arg.equals("-Xint")) {
        return true;
      }
    }
    return false;
  }

  public void testChoice() {
    assertTrue(ForestKernels.choose(false) instanceof ScalarForestKernels);
    ForestKernels chosen = ForestKernels.choose(true);
    boolean vector = vectorKernels() != null && c1Only() == false;
    assertEquals(
        chosen.description(),
        vector,
        chosen.getClass().getSimpleName().equals("PanamaForestKernels"));
    boolean allowed = Boolean.parseBoolean(System.getProperty("annoy.vectorization", "true"));
    assertEquals(ForestKernels.choose(allowed).getClass(), ForestKernels.get().getClass());
    assertSame("chosen once per JVM", ForestKernels.get(), ForestKernels.get());
  }
}
