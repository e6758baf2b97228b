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

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forest's float loop with the JDK's vector API: as many multiply-adds per instruction as the
 * preferred vector has float lanes, in two accumulators. Loaded only by {@link ForestKernels} when
 * {@code jdk.incubator.vector} is readable; a float loop's tail shorter than a vector is done in
 * scalar code.
 *
 * <p>The code loop ({@link #groupFullDots}) counts the bits of a whole group of interleaved codes
 * (one long per code) per instruction with the lane-wise bit count, which the vector API has from
 * Java 19 on (looked up by name, since this class compiles against Java 17's API). On Java 17 and
 * 18 the full count stays scalar, but with 8 long lanes the bit planes that a search's first pass
 * counts ({@link #groupDots}, {@link #groupPlaneDots}) are counted by shifts and masks in the
 * lanes.
 */
final class PanamaForestKernels extends ForestKernels {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

  /** As many int lanes as {@link #LONGS} has long lanes: the dot products' type. */
  private static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, VectorShape.forBitSize(LONGS.length() * Integer.SIZE));

  /** As many int lanes as {@link #FLOATS} has float lanes: the codes' counts, as floats. */
  private static final VectorSpecies<Integer> FLOAT_INTS =
      VectorSpecies.of(int.class, FLOATS.vectorShape());

  /** {@code VectorOperators.BIT_COUNT}, or null where the JDK lacks it (Java 17 and 18). */
  private static final VectorOperators.Unary BIT_COUNT = bitCount();

  private static VectorOperators.Unary bitCount() {
    try {
      return (VectorOperators.Unary) VectorOperators.class.getField("BIT_COUNT").get(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return null;
    }
  }

  /**
   * Whether {@link #hadamard64} works a vector at a time: with 8 or 16 float lanes, whose stages
   * within a vector are spelled out below.
   */
  private static final boolean VECTOR_TRANSFORM = FLOATS.length() == 8 || FLOATS.length() == 16;

  /** For the butterfly stage of pairs {@code h} apart, the shuffle to each lane's partner. */
  private static final VectorShuffle<Float> PARTNER_1 = partner(1);

  private static final VectorShuffle<Float> PARTNER_2 = partner(2);
  private static final VectorShuffle<Float> PARTNER_4 = partner(4);
  private static final VectorShuffle<Float> PARTNER_8 = partner(8);

  /**
   * For the same stages, each lane's factor of its own value: {@code +1} in a pair's first lane
   * ({@code x + y}), {@code -1} in its second ({@code x - y}, as {@code partner - own}).
   */
  private static final FloatVector OWN_1 = ownSign(1);

  private static final FloatVector OWN_2 = ownSign(2);
  private static final FloatVector OWN_4 = ownSign(4);
  private static final FloatVector OWN_8 = ownSign(8);

  /** The shuffle {@code lane ^ h}, or null if the vector has no such pairs. */
  private static VectorShuffle<Float> partner(int h) {
    return h < FLOATS.length() ? VectorShuffle.fromOp(FLOATS, lane -> lane ^ h) : null;
  }

  private static FloatVector ownSign(int h) {
    if (h >= FLOATS.length()) {
      return null;
    }
    float[] sign = new float[FLOATS.length()];
    for (int lane = 0; lane < sign.length; lane++) {
      sign[lane] = (lane & h) == 0 ? 1 : -1;
    }
    return FloatVector.fromArray(FLOATS, sign, 0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here each stage within a vector's lanes is a shuffle and a fused multiply-add: {@code
   * partner + own·(±1)} is exactly the scalar {@code x + y} or {@code x - y} (a product by ±1 is
   * exact, and a fused multiply-add rounds once), so the result is bit-identical. The stages across
   * vectors are whole-vector additions and subtractions.
   */
  @Override
  public void hadamard64(float[] v, int from) {
    if (VECTOR_TRANSFORM == false) {
      super.hadamard64(v, from);
      return;
    }
    int lanes = FLOATS.length();
    for (int i = from; i < from + HADAMARD_BLOCK; i += lanes) {
      FloatVector x = FloatVector.fromArray(FLOATS, v, i);
      x = x.fma(OWN_1, x.rearrange(PARTNER_1));
      x = x.fma(OWN_2, x.rearrange(PARTNER_2));
      x = x.fma(OWN_4, x.rearrange(PARTNER_4));
      if (lanes == 16) {
        x = x.fma(OWN_8, x.rearrange(PARTNER_8));
      }
      x.intoArray(v, i);
    }
    for (int h = lanes; h < HADAMARD_BLOCK; h <<= 1) {
      for (int i = from; i < from + HADAMARD_BLOCK; i += h << 1) {
        for (int j = i; j < i + h; j += lanes) {
          FloatVector x = FloatVector.fromArray(FLOATS, v, j);
          FloatVector y = FloatVector.fromArray(FLOATS, v, j + h);
          x.add(y).intoArray(v, j);
          x.sub(y).intoArray(v, j + h);
        }
      }
    }
  }

  int floatsPerVector() {
    return FLOATS.length();
  }

  /** Whether bits are counted with the lane-wise bit count, which the JDK may lack. */
  private final boolean laneBitCount;

  /**
   * Whether {@link #groupFullDots} uses vector instructions: the lane-wise bit count, and whole
   * groups per vector.
   */
  private boolean vectorCodeLoop() {
    return laneBitCount
        && LONGS.length() >= 4
        && LONGS.length() <= CodeBlock.GROUP
        && CodeBlock.GROUP % LONGS.length() == 0;
  }

  /**
   * Whether, without the lane-wise bit count, {@link #groupPlaneDots} and {@link #groupDots} count
   * a group's bits by shifts and masks ({@link #addMaskedPlaneDots}): with a group per vector. With
   * 4 lanes, the masks measured slower than the scalar loop (13.4 against 12.2 ns for a 6-word
   * code's four planes, Java 17 with 256-bit vectors); with 8, twice as fast (6.4 against 12.1).
   * Searches and the scan still take two passes (bounds from the high planes, then the rest for the
   * codes that pass): one pass over full dot products counted by masks made calibration slower.
   */
  private boolean maskedCodeLoop() {
    return laneBitCount == false && LONGS.length() == CodeBlock.GROUP;
  }

  PanamaForestKernels() {
    this(BIT_COUNT != null);
  }

  /**
   * Kernels that count bits with the lane-wise bit count if {@code laneBitCount} (which the JDK
   * must have), else with shifts and masks: so tests run the masked counts on every JDK.
   */
  PanamaForestKernels(boolean laneBitCount) {
    if (laneBitCount && BIT_COUNT == null) {
      throw new IllegalArgumentException("this JDK's vector API has no lane-wise bit count");
    }
    this.laneBitCount = laneBitCount;
  }

  @Override
  public boolean countsGroupsAtOnce() {
    return vectorCodeLoop();
  }

  @Override
  public String description() {
    return "vector API, "
        + FLOATS.vectorBitSize()
        + "-bit"
        + (vectorCodeLoop()
            ? ", vector bit counts"
            : maskedCodeLoop() ? ", vector bit counts by masks" : ", scalar bit counts");
  }

  @Override
  public void groupFullDots(long[] codes, int offset, int words, long[] planes, int[] out, int at) {
    if (vectorCodeLoop() == false) {
      super.groupFullDots(codes, offset, words, planes, out, at);
      return;
    }
    int group = CodeBlock.GROUP;
    int lanes = LONGS.length();
    for (int first = 0; first < group; first += lanes) {
      LongVector b0 = LongVector.zero(LONGS);
      LongVector b1 = LongVector.zero(LONGS);
      LongVector b2 = LongVector.zero(LONGS);
      LongVector b3 = LongVector.zero(LONGS);
      for (int w = 0; w < words; w++) {
        LongVector code = LongVector.fromArray(LONGS, codes, offset + w * group + first);
        int p = w << 2;
        b0 = b0.add(code.and(planes[p]).lanewise(BIT_COUNT));
        b1 = b1.add(code.and(planes[p + 1]).lanewise(BIT_COUNT));
        b2 = b2.add(code.and(planes[p + 2]).lanewise(BIT_COUNT));
        b3 = b3.add(code.and(planes[p + 3]).lanewise(BIT_COUNT));
      }
      LongVector sum =
          b0.add(b1.lanewise(VectorOperators.LSHL, 1))
              .add(b2.lanewise(VectorOperators.LSHL, 2))
              .add(b3.lanewise(VectorOperators.LSHL, 3));
      ((IntVector) sum.convertShape(VectorOperators.L2I, INTS, 0)).intoArray(out, at + first);
    }
  }

  /** Bit-count masks: every other bit, pair, nibble, byte and 16-bit half of a long. */
  private static final long BITS_1 = 0x5555555555555555L;

  private static final long BITS_2 = 0x3333333333333333L;
  private static final long BITS_4 = 0x0F0F0F0F0F0F0F0FL;
  private static final long BITS_8 = 0x00FF00FF00FF00FFL;
  private static final long BITS_16 = 0x0000FFFF0000FFFFL;

  /**
   * Words whose per-byte counts (at most 8 each) a byte sums without overflow: {@code 31 · 8 =
   * 248}.
   */
  private static final int WORDS_PER_BYTE_SUM = 31;

  @Override
  public void groupPlaneDots(
      long[] codes, int offset, int words, long[] planes, int plane, int[] out, int at) {
    if (maskedCodeLoop() == false) {
      super.groupPlaneDots(codes, offset, words, planes, plane, out, at);
      return;
    }
    addMaskedPlaneDots(codes, offset, words, planes, plane, 0, out, at);
  }

  @Override
  public void groupDots(
      long[] codes, int offset, int words, long[] planes, int plane, int[] out, int at) {
    if (maskedCodeLoop() == false) {
      super.groupDots(codes, offset, words, planes, plane, out, at);
      return;
    }
    addMaskedPlaneDots(codes, offset, words, planes, plane, 0, out, at);
    addMaskedPlaneDots(codes, offset, words, planes, plane + 1, 1, out, at);
  }

  /**
   * Sets {@code out[at ..]} to {@code popcount(code & plane)} for a group of codes starting at
   * {@code codes[offset]} ({@code shift} 0), or adds that count shifted left by {@code shift}. Each
   * word is counted per byte by shifts and masks, and the byte counts of up to {@value
   * #WORDS_PER_BYTE_SUM} words are summed before they are widened. One plane per call, every step
   * spelled out here: with four planes in one loop and the steps in helpers, the JIT stopped
   * inlining the vector operations (Java 17), which then ran twice as slow as the scalar loop.
   * Measured on 6-word codes (a 384-dimension field), one plane: 1.3 against 3.5 ns a code.
   */
  private static void addMaskedPlaneDots(
      long[] codes, int offset, int words, long[] planes, int plane, int shift, int[] out, int at) {
    int group = CodeBlock.GROUP;
    LongVector total = LongVector.zero(LONGS);
    for (int from = 0; from < words; from += WORDS_PER_BYTE_SUM) {
      int to = Math.min(words, from + WORDS_PER_BYTE_SUM);
      LongVector bytes = LongVector.zero(LONGS);
      for (int w = from; w < to; w++) {
        LongVector x =
            LongVector.fromArray(LONGS, codes, offset + w * group).and(planes[(w << 2) + plane]);
        x = x.sub(x.lanewise(VectorOperators.LSHR, 1).and(BITS_1));
        x = x.and(BITS_2).add(x.lanewise(VectorOperators.LSHR, 2).and(BITS_2));
        bytes = bytes.add(x.add(x.lanewise(VectorOperators.LSHR, 4)).and(BITS_4));
      }
      LongVector shorts =
          bytes.and(BITS_8).add(bytes.lanewise(VectorOperators.LSHR, 8).and(BITS_8));
      LongVector halves =
          shorts.and(BITS_16).add(shorts.lanewise(VectorOperators.LSHR, 16).and(BITS_16));
      total = total.add(halves.and(0xFFFFFFFFL).add(halves.lanewise(VectorOperators.LSHR, 32)));
    }
    IntVector dots = (IntVector) total.convertShape(VectorOperators.L2I, INTS, 0);
    if (shift == 0) {
      dots.intoArray(out, at);
    } else {
      IntVector.fromArray(INTS, out, at)
          .add(dots.lanewise(VectorOperators.LSHL, shift))
          .intoArray(out, at);
    }
  }

  /**
   * As the scalar loop, a vector of codes at a time: the same operations in the same order (no
   * fused multiply-add), so the same codes are kept with the same bounds. Few codes pass a search's
   * bar, so most vectors are dropped by one test.
   */
  @Override
  int keepBelowBar(
      CodeBlock codes,
      int[] dots,
      int count,
      BoundTerms terms,
      int[] passing,
      float[] lower,
      float[] upper) {
    // the terms as locals: broadcast once per vector, never reloaded from the object
    float twiceLow = terms.twiceLow;
    float twiceStep = terms.twiceStep;
    float sum = terms.sum;
    float centroidDistance = terms.centroidDistance;
    float centroidScale = terms.centroidScale;
    float rounding = terms.rounding;
    float squaredBound = terms.squaredBound;
    float bar = terms.bar;
    float[] additive = codes.additive;
    float[] scale = codes.scale;
    float[] error = codes.error;
    int[] ones = codes.ones;
    int kept = 0;
    int e = 0;
    int lanes = FLOATS.length();
    // the last vector reads past the leaf's end where the arrays have room (a leaf's arrays hold
    // the largest leaf), its extra lanes ignored; where they have not, the scalar loop takes the
    // rest. Leaves are of any size, and a scalar tail took 6% of a text query; masked loads were
    // four times slower still
    int room =
        Math.min(
            Math.min(Math.min(ones.length, dots.length), additive.length),
            Math.min(scale.length, error.length));
    int end = Math.min(room - room % lanes, count + lanes - 1 - (count + lanes - 1) % lanes);
    for (; e < end; e += lanes) {
      FloatVector onesF =
          (FloatVector) IntVector.fromArray(FLOAT_INTS, ones, e).convert(VectorOperators.I2F, 0);
      FloatVector dotF =
          (FloatVector) IntVector.fromArray(FLOAT_INTS, dots, e).convert(VectorOperators.I2F, 0);
      FloatVector signDot = onesF.mul(twiceLow).add(dotF.mul(twiceStep)).sub(sum);
      FloatVector s = FloatVector.fromArray(FLOATS, scale, e);
      FloatVector estimate =
          FloatVector.fromArray(FLOATS, additive, e)
              .add(centroidDistance)
              .sub(s.mul(2).mul(signDot));
      FloatVector codeError = FloatVector.fromArray(FLOATS, error, e).mul(centroidScale);
      FloatVector queryError = s.mul(rounding);
      FloatVector squaredMargin =
          codeError.mul(codeError).add(queryError.mul(queryError)).mul(squaredBound);
      FloatVector over = estimate.sub(bar);
      long dropped =
          over.compare(VectorOperators.GT, 0)
              .and(over.mul(over).compare(VectorOperators.GT, squaredMargin))
              .toLong();
      long keptLanes = ~dropped & ((1L << Math.min(lanes, count - e)) - 1);
      while (keptLanes != 0) {
        int lane = Long.numberOfTrailingZeros(keptLanes);
        keptLanes &= keptLanes - 1;
        keepTested(codes, dots, e + lane, terms, kept++, passing, lower, upper);
      }
    }
    return keepRange(codes, dots, e, count, terms, kept, passing, lower, upper);
  }

  @Override
  public int ordinalViolations(int[] ords, int count, int last) {
    int lanes = FLOAT_INTS.length();
    if (count <= lanes) {
      return ordinalViolations(ords, 0, count, last);
    }
    // the first ordinal on its own, then each vector with the one before it, shifted by one
    int violations = ordinalViolations(ords, 0, 1, last);
    IntVector limit = IntVector.broadcast(FLOAT_INTS, last);
    IntVector any = IntVector.zero(FLOAT_INTS);
    int e = 1;
    for (; e + lanes <= count; e += lanes) {
      IntVector ord = IntVector.fromArray(FLOAT_INTS, ords, e);
      IntVector previous = IntVector.fromArray(FLOAT_INTS, ords, e - 1);
      any = any.or(ord).or(limit.sub(ord)).or(ord.sub(previous).sub(1));
    }
    violations |= any.reduceLanes(VectorOperators.OR);
    return violations | ordinalViolations(ords, e, count, last);
  }

  /**
   * A vector of codes at a time (where bits are counted a word at a time, Java 17 and 18 with the
   * vector module: a Java 17 text query ran 11% faster than with the scalar loop, which the JIT
   * does not vectorize); the scalar loop's operations in its order, so the same slacks.
   */
  @Override
  public void slacks(CodeBlock codes, int[] dots, int count, SlackTerms t, float[] slack) {
    float[] additive = codes.additive;
    float[] scale = codes.scale;
    float[] error = codes.error;
    int[] ones = codes.ones;
    int lanes = FLOATS.length();
    int e = 0;
    for (; e + lanes <= count; e += lanes) {
      FloatVector s = FloatVector.fromArray(FLOATS, scale, e);
      FloatVector one =
          (FloatVector) IntVector.fromArray(FLOAT_INTS, ones, e).convert(VectorOperators.I2F, 0);
      FloatVector dot =
          (FloatVector) IntVector.fromArray(FLOAT_INTS, dots, e).convert(VectorOperators.I2F, 0);
      FloatVector signDot = one.mul(t.perOne).add(dot.mul(t.perDot)).sub(t.twiceSum);
      FloatVector over =
          FloatVector.fromArray(FLOATS, additive, e).add(t.gap).sub(s.mul(signDot)).max(0f);
      FloatVector err = FloatVector.fromArray(FLOATS, error, e);
      FloatVector margin = err.mul(err).mul(t.errorWeight).add(s.mul(s).mul(t.scaleWeight));
      over.mul(over).sub(margin).intoArray(slack, e);
    }
    slackRange(codes, dots, e, count, t, slack);
  }

  @Override
  public int keepBySlack(
      CodeBlock codes, int[] dots, int count, SlackTerms terms, float[] slack, int[] passing) {
    slacks(codes, dots, count, terms, slack);
    return passing(slack, count, passing);
  }

  @Override
  public float dot(float[] a, float[] b) {
    int length = a.length;
    int lanes = FLOATS.length();
    int i = 0;
    float sum = 0;
    if (length >= lanes) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      int bound2 = length - length % (2 * lanes);
      for (; i < bound2; i += 2 * lanes) {
        acc0 = FloatVector.fromArray(FLOATS, a, i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
        acc1 =
            FloatVector.fromArray(FLOATS, a, i + lanes)
                .fma(FloatVector.fromArray(FLOATS, b, i + lanes), acc1);
      }
      for (int bound = FLOATS.loopBound(length); i < bound; i += lanes) {
        acc0 = FloatVector.fromArray(FLOATS, a, i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      sum = Math.fma(a[i], b[i], sum);
    }
    return sum;
  }

  @Override
  public float squareDistance(float[] a, float[] b) {
    int length = a.length;
    int lanes = FLOATS.length();
    int i = 0;
    float sum = 0;
    if (length >= lanes) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      int bound2 = length - length % (2 * lanes);
      for (; i < bound2; i += 2 * lanes) {
        FloatVector d0 =
            FloatVector.fromArray(FLOATS, a, i).sub(FloatVector.fromArray(FLOATS, b, i));
        FloatVector d1 =
            FloatVector.fromArray(FLOATS, a, i + lanes)
                .sub(FloatVector.fromArray(FLOATS, b, i + lanes));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
      }
      for (int bound = FLOATS.loopBound(length); i < bound; i += lanes) {
        FloatVector d =
            FloatVector.fromArray(FLOATS, a, i).sub(FloatVector.fromArray(FLOATS, b, i));
        acc0 = d.fma(d, acc0);
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      float d = a[i] - b[i];
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }
}
