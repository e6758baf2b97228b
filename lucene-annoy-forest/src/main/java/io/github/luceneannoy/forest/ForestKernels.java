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
import java.util.logging.Logger;

/**
 * The loops a query and a build spend their time in: float dot products (centroids) and the dot
 * product of one-bit codes with a query's bit planes. Two implementations of the float loop: {@link
 * ScalarForestKernels}, which calls Lucene's {@link org.apache.lucene.util.VectorUtil} (its own
 * vector code where Lucene enables it, Java 20 and later with {@code --add-modules
 * jdk.incubator.vector}; plain Java otherwise), and {@link PanamaForestKernels} with the JDK's
 * vector API, which Java 17 and later ship as the incubator module {@code jdk.incubator.vector},
 * readable when the JVM is started with {@code --add-modules jdk.incubator.vector}: so on Java 17
 * the forest's loops are vectorized with that flag, where Lucene 9.12's are not. The code loop is
 * {@link Long#bitCount}, an intrinsic on every JVM, in the scalar implementation; the vector one
 * counts the bits of a group of codes at once where the JDK has a lane-wise bit count (Java 19 and
 * later).
 *
 * <p>The implementation is chosen once per JVM ({@link #get()}): the vector one when the module is
 * readable, the C2 compiler is on, the preferred vector holds at least 8 floats, a self-check
 * agrees with the scalar one and the system property {@code annoy.vectorization} is not {@code
 * false}; otherwise the scalar one. Results differ between the two only by float rounding.
 */
public abstract class ForestKernels {
  private static final Logger LOG = Logger.getLogger(ForestKernels.class.getName());

  /**
   * Fewest float lanes the vector implementation takes: below 256-bit registers the scalar loop,
   * which keeps four sums, is as fast.
   */
  static final int MIN_VECTOR_FLOATS = 8;

  ForestKernels() {}

  /**
   * Holds the choice apart from this class's own initialization, which a subclass's triggers: the
   * choice loads the vector subclass, and must not run while that subclass is half initialized.
   */
  private static final class Chosen {
    static final ForestKernels INSTANCE = choose(vectorizationAllowed());
  }

  /** The kernels of this JVM. */
  public static ForestKernels get() {
    return Chosen.INSTANCE;
  }

  /**
   * Whether {@link #groupFullDots} counts a whole group's bits per instruction: then a code's full
   * dot product costs little more than its high half, and a search bounds codes in one pass.
   */
  public boolean countsGroupsAtOnce() {
    return false;
  }

  /** What the kernels use, for logs and benchmark reports. */
  public abstract String description();

  /** {@code Σ a[i]·b[i]} over the length of {@code a}, which {@code b} has too. */
  public abstract float dot(float[] a, float[] b);

  /** {@code Σ (a[i] - b[i])²} over the length of {@code a}, which {@code b} has too. */
  public abstract float squareDistance(float[] a, float[] b);

  /**
   * The dot product of one code, {@code codes[offset .. offset + words)}, with a query's bit planes
   * ({@link QueryCode}: {@code planes[w·4 + bit]}), each plane weighted by its bit's value: {@code
   * Σ_bit 2^bit · popcount(code & plane_bit)}.
   */
  public final int codeDots(long[] codes, int offset, int words, long[] planes) {
    return codeDots(codes, offset, 1, words, planes);
  }

  /**
   * As {@link #codeDots(long[], int, int, long[])} for a code whose words lie {@code stride} apart.
   */
  public final int codeDots(long[] codes, int offset, int stride, int words, long[] planes) {
    int b0 = 0;
    int b1 = 0;
    int b2 = 0;
    int b3 = 0;
    for (int w = 0; w < words; w++) {
      long code = codes[offset + w * stride];
      int p = w << 2;
      b0 += Long.bitCount(code & planes[p]);
      b1 += Long.bitCount(code & planes[p + 1]);
      b2 += Long.bitCount(code & planes[p + 2]);
      b3 += Long.bitCount(code & planes[p + 3]);
    }
    return b0 + (b1 << 1) + (b2 << 2) + (b3 << 3);
  }

  /**
   * The high half of {@link #codeDots} for a code whose words lie {@code stride} apart: {@code
   * popcount(code & plane_2) + 2·popcount(code & plane_3)}, so that {@code codeDots = 4·highDots +
   * lowDots}. A search bounds every code from its high half first and completes the few that pass.
   */
  public final int highDots(long[] codes, int offset, int stride, int words, long[] planes) {
    int b2 = 0;
    int b3 = 0;
    for (int w = 0; w < words; w++) {
      long code = codes[offset + w * stride];
      int p = w << 2;
      b2 += Long.bitCount(code & planes[p + 2]);
      b3 += Long.bitCount(code & planes[p + 3]);
    }
    return b2 + (b3 << 1);
  }

  /**
   * One bit plane's part of {@link #codeDots}, unweighted: {@code popcount(code & plane_p)} for a
   * code whose words lie {@code stride} apart.
   */
  public final int planeDots(
      long[] codes, int offset, int stride, int words, long[] planes, int plane) {
    int dot = 0;
    for (int w = 0; w < words; w++) {
      dot += Long.bitCount(codes[offset + w * stride] & planes[(w << 2) + plane]);
    }
    return dot;
  }

  /**
   * The low half of {@link #codeDots}: {@code popcount(code & plane_0) + 2·popcount(code &
   * plane_1)}.
   */
  public final int lowDots(long[] codes, int offset, int stride, int words, long[] planes) {
    int b0 = 0;
    int b1 = 0;
    for (int w = 0; w < words; w++) {
      long code = codes[offset + w * stride];
      int p = w << 2;
      b0 += Long.bitCount(code & planes[p]);
      b1 += Long.bitCount(code & planes[p + 1]);
    }
    return b0 + (b1 << 1);
  }

  /** Coordinates a {@link #hadamard64} transforms: the blocks of {@link FastRotation}. */
  static final int HADAMARD_BLOCK = 64;

  /**
   * The Walsh-Hadamard transform of {@code v[from .. from + 64)}, in place, unscaled: six stages of
   * butterflies, pairs {@code h = 1, 2, .., 32} apart, each pair {@code (x, y)} becoming {@code (x
   * + y, x - y)}. Implementations do the same additions in the same order, so that rotations, and
   * the codes made from them, are bit-identical whichever kernels run.
   *
   * <p>Here the first three stages work on groups of 8 held in locals; the last three combine
   * groups, loops that C2 turns into vector instructions.
   */
  public void hadamard64(float[] v, int from) {
    for (int g = from; g < from + HADAMARD_BLOCK; g += 8) {
      float x0 = v[g], x1 = v[g + 1], x2 = v[g + 2], x3 = v[g + 3];
      float x4 = v[g + 4], x5 = v[g + 5], x6 = v[g + 6], x7 = v[g + 7];
      float y0 = x0 + x1, y1 = x0 - x1, y2 = x2 + x3, y3 = x2 - x3;
      float y4 = x4 + x5, y5 = x4 - x5, y6 = x6 + x7, y7 = x6 - x7;
      float z0 = y0 + y2, z1 = y1 + y3, z2 = y0 - y2, z3 = y1 - y3;
      float z4 = y4 + y6, z5 = y5 + y7, z6 = y4 - y6, z7 = y5 - y7;
      v[g] = z0 + z4;
      v[g + 1] = z1 + z5;
      v[g + 2] = z2 + z6;
      v[g + 3] = z3 + z7;
      v[g + 4] = z0 - z4;
      v[g + 5] = z1 - z5;
      v[g + 6] = z2 - z6;
      v[g + 7] = z3 - z7;
    }
    for (int h = 8; h < HADAMARD_BLOCK; h <<= 1) {
      for (int i = from; i < from + HADAMARD_BLOCK; i += h << 1) {
        for (int j = i; j < i + h; j++) {
          float x = v[j];
          float y = v[j + h];
          v[j] = x + y;
          v[j + h] = x - y;
        }
      }
    }
  }

  /**
   * The full dot products ({@link #codeDots}) of a whole group of {@link CodeBlock#GROUP}
   * interleaved codes from {@code offset}, into {@code out[at ..]}.
   */
  public void groupFullDots(long[] codes, int offset, int words, long[] planes, int[] out, int at) {
    for (int j = 0; j < CodeBlock.GROUP; j++) {
      out[at + j] = codeDots(codes, offset + j, CodeBlock.GROUP, words, planes);
    }
  }

  /**
   * The first pass of {@link QueryCode#bounds} where bits are counted a word at a time: into {@code
   * slack[e]}, for each of the first {@code count} codes, how far its bound from a partial dot
   * product ({@code dots[e]}) lies beyond the bar, below zero where the code may pass ({@link
   * SlackTerms}: the estimate's excess over the bar, squared, less the squared margin).
   *
   * <p>Implementations compute the same operations in the same order, so the slacks are
   * bit-identical: searches keep the same codes whichever kernels run them.
   */
  public void slacks(CodeBlock codes, int[] dots, int count, SlackTerms terms, float[] slack) {
    slackRange(codes, dots, 0, count, terms, slack);
  }

  /**
   * Keeps, of the first {@code count} codes, those whose {@link #slacks} are at most 0: their
   * indices go to {@code passing}; returns how many. {@code slack} is scratch room for them. For a
   * bar few codes pass (calibration's scan, {@link QueryCode#boundsBelowTightBar}): the scalar loop
   * keeps each code as its slack is computed, which measured faster there than storing the slacks
   * and selecting in a second loop (text calibration 0.6 s against 0.7 s of the benchmark's build,
   * Java 17); the vector one computes them a vector at a time first.
   */
  public int keepBySlack(
      CodeBlock codes, int[] dots, int count, SlackTerms terms, float[] slack, int[] passing) {
    int kept = 0;
    for (int e = 0; e < count; e++) {
      passing[kept] = e;
      kept += slack(codes, dots, e, terms) <= 0 ? 1 : 0;
    }
    return kept;
  }

  /** {@link #slacks} of codes {@code from} to {@code to}. */
  static void slackRange(
      CodeBlock codes, int[] dots, int from, int to, SlackTerms terms, float[] slack) {
    // without branches (most codes fail, unpredictably): the loop's share of a Java 17 text query
    // fell from 18% to 15% (JFR)
    for (int e = from; e < to; e++) {
      slack[e] = slack(codes, dots, e, terms);
    }
  }

  /** Code {@code e}'s {@link #slacks slack}. */
  private static float slack(CodeBlock codes, int[] dots, int e, SlackTerms t) {
    float s = codes.scale[e];
    float over =
        Math.max(
            0,
            codes.additive[e]
                + t.gap
                - s * (t.perOne * codes.ones[e] + t.perDot * dots[e] - t.twiceSum));
    float err = codes.error[e];
    // compared squared: a square root costs more than the rest
    return over * over - (err * err * t.errorWeight + s * s * t.scaleWeight);
  }

  /**
   * Puts in {@code passing} the indices of the first {@code count} codes whose {@code slack} is at
   * most 0, in order; returns how many.
   */
  static int passing(float[] slack, int count, int[] passing) {
    int kept = 0;
    for (int e = 0; e < count; e++) {
      passing[kept] = e;
      kept += slack[e] <= 0 ? 1 : 0;
    }
    return kept;
  }

  /**
   * Half of the {@link #codeDots} of a whole group of {@value CodeBlock#GROUP} interleaved codes
   * ({@link CodeBlock}) starting at {@code codes[offset]}, into {@code out[at .. at + GROUP)}: the
   * high half ({@link #highDots}) for {@code plane} 2, the low half ({@link #lowDots}) for 0.
   */
  public void groupDots(
      long[] codes, int offset, int words, long[] planes, int plane, int[] out, int at) {
    // word by word over the group, eight sums in registers: the loads are consecutive and the
    // bit counts independent, a third faster than code by code
    int d0 = 0;
    int d1 = 0;
    int d2 = 0;
    int d3 = 0;
    int d4 = 0;
    int d5 = 0;
    int d6 = 0;
    int d7 = 0;
    for (int w = 0; w < words; w++) {
      long p2 = planes[(w << 2) + plane];
      long p3 = planes[(w << 2) + plane + 1];
      int b = offset + w * CodeBlock.GROUP;
      long x0 = codes[b];
      long x1 = codes[b + 1];
      long x2 = codes[b + 2];
      long x3 = codes[b + 3];
      long x4 = codes[b + 4];
      long x5 = codes[b + 5];
      long x6 = codes[b + 6];
      long x7 = codes[b + 7];
      d0 += Long.bitCount(x0 & p2) + (Long.bitCount(x0 & p3) << 1);
      d1 += Long.bitCount(x1 & p2) + (Long.bitCount(x1 & p3) << 1);
      d2 += Long.bitCount(x2 & p2) + (Long.bitCount(x2 & p3) << 1);
      d3 += Long.bitCount(x3 & p2) + (Long.bitCount(x3 & p3) << 1);
      d4 += Long.bitCount(x4 & p2) + (Long.bitCount(x4 & p3) << 1);
      d5 += Long.bitCount(x5 & p2) + (Long.bitCount(x5 & p3) << 1);
      d6 += Long.bitCount(x6 & p2) + (Long.bitCount(x6 & p3) << 1);
      d7 += Long.bitCount(x7 & p2) + (Long.bitCount(x7 & p3) << 1);
    }
    out[at] = d0;
    out[at + 1] = d1;
    out[at + 2] = d2;
    out[at + 3] = d3;
    out[at + 4] = d4;
    out[at + 5] = d5;
    out[at + 6] = d6;
    out[at + 7] = d7;
  }

  /**
   * {@link #planeDots} of a whole group of {@value CodeBlock#GROUP} interleaved codes ({@link
   * CodeBlock}) starting at {@code codes[offset]}, into {@code out[at .. at + GROUP)}.
   */
  public void groupPlaneDots(
      long[] codes, int offset, int words, long[] planes, int plane, int[] out, int at) {
    // as groupDots: eight sums in registers over consecutive loads
    int d0 = 0;
    int d1 = 0;
    int d2 = 0;
    int d3 = 0;
    int d4 = 0;
    int d5 = 0;
    int d6 = 0;
    int d7 = 0;
    for (int w = 0; w < words; w++) {
      long p = planes[(w << 2) + plane];
      int b = offset + w * CodeBlock.GROUP;
      d0 += Long.bitCount(codes[b] & p);
      d1 += Long.bitCount(codes[b + 1] & p);
      d2 += Long.bitCount(codes[b + 2] & p);
      d3 += Long.bitCount(codes[b + 3] & p);
      d4 += Long.bitCount(codes[b + 4] & p);
      d5 += Long.bitCount(codes[b + 5] & p);
      d6 += Long.bitCount(codes[b + 6] & p);
      d7 += Long.bitCount(codes[b + 7] & p);
    }
    out[at] = d0;
    out[at + 1] = d1;
    out[at + 2] = d2;
    out[at + 3] = d3;
    out[at + 4] = d4;
    out[at + 5] = d5;
    out[at + 6] = d6;
    out[at + 7] = d7;
  }

  /**
   * Keeps the first {@code count} codes of {@code codes} whose distance from a query may be below
   * the {@link BoundTerms#bar bar}, from their dot products with the query's bit planes: for each
   * code, in increasing order, its index in {@code passing} and its estimate less and plus its
   * margin in {@code lower} and {@code upper}, all from position 0; returns how many were kept. The
   * estimate is {@code additive + centroidDistance - 2·scale·(twiceLow·ones + twiceStep·dot - sum)}
   * ({@code dot} the code's full dot product with the query's bit planes, {@link #groupFullDots}),
   * the margin {@code sqrt(squaredBound·((error·centroidScale)² + (scale·rounding)²))}, and a code
   * is dropped when its estimate exceeds {@code bar} by more than its margin ({@link
   * QueryCode#bounds}).
   *
   * <p>Implementations must keep exactly the codes this one keeps, with the same bounds: searches
   * give the same results whichever kernels run them.
   */
  int keepBelowBar(
      CodeBlock codes,
      int[] dots,
      int count,
      BoundTerms terms,
      int[] passing,
      float[] lower,
      float[] upper) {
    return keepRange(codes, dots, 0, count, terms, 0, passing, lower, upper);
  }

  /**
   * {@link #keepBelowBar} over codes {@code from} to {@code to}, after {@code kept} codes kept
   * already; returns how many are kept then.
   */
  static int keepRange(
      CodeBlock codes,
      int[] dots,
      int from,
      int to,
      BoundTerms terms,
      int kept,
      int[] passing,
      float[] lower,
      float[] upper) {
    BoundTerms t = terms;
    for (int e = from; e < to; e++) {
      float estimate = estimate(codes, dots, e, t);
      float squaredMargin = squaredMargin(codes, e, t);
      float over = estimate - t.bar;
      if (over > 0 && over * over > squaredMargin) {
        continue;
      }
      keep(e, estimate, squaredMargin, kept++, passing, lower, upper);
    }
    return kept;
  }

  /**
   * Whether the first {@code count} of {@code ords} lie in {@code [0, last]} and strictly increase,
   * as a leaf's ordinals must: a negative number if any does not (any other result if all do). A
   * reader checks every leaf it reads, so one vector of ordinals at a time where it can.
   */
  public int ordinalViolations(int[] ords, int count, int last) {
    return ordinalViolations(ords, 0, count, last);
  }

  /** {@link #ordinalViolations(int[], int, int)} of {@code ords[from .. to)}. */
  static int ordinalViolations(int[] ords, int from, int to, int last) {
    if (from >= to) {
      return 0;
    }
    int first = ords[from];
    int violations = first | (last - first) | (from == 0 ? 0 : first - ords[from - 1] - 1);
    // each step reads its own two ordinals: no value carried from one to the next, so that the
    // JIT may vectorize the loop
    for (int e = from + 1; e < to; e++) {
      int ord = ords[e];
      violations |= ord | (last - ord) | (ord - ords[e - 1] - 1);
    }
    return violations;
  }

  /**
   * Keeps code {@code e} as {@link #keepRange} would, with its bounds computed as there: for a
   * vector loop that tested a group of codes at once, where taking a lane's value out of a vector
   * cost more than computing it again (5% of a Java 25 text query, 512-bit vectors).
   */
  static void keepTested(
      CodeBlock codes,
      int[] dots,
      int e,
      BoundTerms t,
      int at,
      int[] passing,
      float[] lower,
      float[] upper) {
    keep(e, estimate(codes, dots, e, t), squaredMargin(codes, e, t), at, passing, lower, upper);
  }

  /** Code {@code e}'s estimated squared distance, from its dot product {@code dots[e]}. */
  private static float estimate(CodeBlock codes, int[] dots, int e, BoundTerms t) {
    float signDot = t.twiceLow * codes.ones[e] + t.twiceStep * dots[e] - t.sum;
    return codes.additive[e] + t.centroidDistance - 2 * codes.scale[e] * signDot;
  }

  /** The square of code {@code e}'s margin: its code's and the query's errors, in quadrature. */
  private static float squaredMargin(CodeBlock codes, int e, BoundTerms t) {
    float codeError = codes.error[e] * t.centroidScale;
    float queryError = codes.scale[e] * t.rounding;
    return t.squaredBound * (codeError * codeError + queryError * queryError);
  }

  /** Records code {@code e} as the {@code at}-th kept by {@link #keepBelowBar}. */
  static void keep(
      int e,
      float estimate,
      float squaredMargin,
      int at,
      int[] passing,
      float[] lower,
      float[] upper) {
    float margin = (float) Math.sqrt(squaredMargin);
    passing[at] = e;
    lower[at] = estimate - margin;
    upper[at] = estimate + margin;
  }

  /**
   * The vector implementation if {@code allowed} and usable here, else the scalar one; logs the
   * choice at level FINE.
   */
  static ForestKernels choose(boolean allowed) {
    ForestKernels scalar = new ScalarForestKernels();
    String reason = allowed ? vectorUnavailableReason() : "annoy.vectorization=false";
    if (reason == null) {
      try {
        // by name: the class links against jdk.incubator.vector, which may not be readable
        PanamaForestKernels vector =
            (PanamaForestKernels)
                Class.forName(ForestKernels.class.getPackageName() + ".PanamaForestKernels")
                    .getDeclaredConstructor()
                    .newInstance();
        if (vector.floatsPerVector() < MIN_VECTOR_FLOATS) {
          reason = "the preferred vector holds " + vector.floatsPerVector() + " floats";
        } else if (agree(scalar, vector) == false) {
          reason = "its results differ from scalar code";
        } else {
          LOG.fine("forest kernels: " + vector.description());
          return vector;
        }
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        reason = "it failed to load: " + e;
      }
    }
    LOG.fine("forest kernels: scalar, vector API not used: " + reason);
    return scalar;
  }

  private static boolean vectorizationAllowed() {
    try {
      return Boolean.parseBoolean(System.getProperty("annoy.vectorization", "true"));
    } catch (SecurityException e) {
      return true;
    }
  }

  /** Null when the vector implementation may be tried, else why not. */
  private static String vectorUnavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "module jdk.incubator.vector not readable (start the JVM with --add-modules jdk.incubator.vector)";
    }
    if (c1Only()) {
      // without C2 the vector API is interpreted object by object: far slower than scalar code
      return "the C2 compiler is off";
    }
    return null;
  }

  private static boolean c1Only() {
    try {
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("-XX:TieredStopAtLevel=")
            && arg.equals("-XX:TieredStopAtLevel=4") == false) {
          return true;
        }
        if (arg.equals("-Xint")) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * A check on a few lengths around vector boundaries, so that a broken vector path is never used.
   */
  private static boolean agree(ForestKernels a, ForestKernels b) {
    for (int length : new int[] {1, 7, 16, 33, 128}) {
      float[] x = new float[length];
      float[] y = new float[length];
      for (int i = 0; i < length; i++) {
        x[i] = (i % 5) - 2.5f;
        y[i] = (i * 37 % 11) - 5;
      }
      // small integers times halves: both sums are exact, whatever the order of additions
      if (a.dot(x, y) != b.dot(x, y)) {
        return false;
      }
    }
    return agreeOnCodes(a, b) && agreeOnTransforms(a, b);
  }

  private static boolean agreeOnTransforms(ForestKernels a, ForestKernels b) {
    float[] x = new float[2 * HADAMARD_BLOCK];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.7) * (i % 9 + 1);
    }
    float[] y = x.clone();
    // the second block, so that an offset is taken into account
    a.hadamard64(x, HADAMARD_BLOCK);
    b.hadamard64(y, HADAMARD_BLOCK);
    return java.util.Arrays.equals(x, y);
  }

  private static boolean agreeOnCodes(ForestKernels a, ForestKernels b) {
    int words = 3;
    long[] codes = new long[CodeBlock.GROUP * words];
    long[] planes = new long[4 * words];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = 0x9E3779B97F4A7C15L * (i + 1);
    }
    for (int i = 0; i < planes.length; i++) {
      planes[i] = 0xC2B2AE3D27D4EB4FL * (i + 7);
    }
    int[] x = new int[3 * CodeBlock.GROUP];
    int[] y = new int[3 * CodeBlock.GROUP];
    a.groupFullDots(codes, 0, words, planes, x, 0);
    b.groupFullDots(codes, 0, words, planes, y, 0);
    a.groupDots(codes, 0, words, planes, 2, x, CodeBlock.GROUP);
    b.groupDots(codes, 0, words, planes, 2, y, CodeBlock.GROUP);
    a.groupPlaneDots(codes, 0, words, planes, 3, x, 2 * CodeBlock.GROUP);
    b.groupPlaneDots(codes, 0, words, planes, 3, y, 2 * CodeBlock.GROUP);
    return java.util.Arrays.equals(x, y);
  }
}
