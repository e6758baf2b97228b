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

/**
 * A query prepared for estimating distances from {@link LeafCoder}'s codes: rotated about the
 * segment's centre ({@code u = R(q - g)}) and quantized to {@value #BITS} bits per coordinate,
 * stored as {@value #BITS} bit planes, so that the dot product of a vector's sign bits with the
 * query is a few {@link Long#bitCount} per 64 coordinates.
 *
 * <p>With {@code û = lo + step·v} ({@code v} in {@code 0 .. 15}) the quantized query and {@code b}
 * a code's bits, {@code s·û = 2·(lo·|b| + step·(b·v)) - Σû}. The quantization adds an error whose
 * typical size, {@code step·sqrt(p/12)} (rounding errors uniform in half a step, one per
 * coordinate), enters each estimate's error bound beside the code's own error. The two are
 * independent and both close to normal, so their scales add in quadrature, {@code sqrt(a² + b²)}:
 * on text embeddings that scores a quarter fewer vectors exactly than adding them, at the same
 * recall.
 *
 * <p><b>High half first.</b> Writing {@code v = 4h + l}, the high two bits {@code h} alone give an
 * estimate for half the bit counts, {@code b·v ≈ 4·(b·h) + m·|b|} with {@code m} the mean of the
 * query's {@code l}; what that leaves out, {@code step·s·(l - m)} in the sign dot, has the typical
 * size {@code step·sqrt(Σ(l - m)²)} and joins the bound in quadrature. When searching, most codes
 * lie beyond the bar even by that wider bound (on text embeddings 92 in 100 of those gathered at
 * the default budget), and only the rest are completed with the low bits: a third less time per
 * code on Java 17, where the bit counts are scalar.
 */
public final class QueryCode {
  /**
   * Bits per query coordinate: with 4, the error of the query's rounding is a small part of the
   * codes'.
   */
  static final int BITS = 4;

  private static final ForestKernels KERNELS = ForestKernels.get();

  private final FastRotation rotation;
  private final float[] centre;
  private final int words;

  /**
   * Bit planes, interleaved: {@code planes[w·BITS + bit]} holds bit {@code bit} of coordinates
   * {@code 64w ..}.
   */
  private final long[] planes;

  private final float[] difference;
  private final float[] rotated;
  private final float[] scratch;
  private int[] dots = new int[0];

  /** The query's and the leaf's terms of {@link ForestKernels#keepBelowBar}. */
  private final BoundTerms terms = new BoundTerms();

  /** The query's and the leaf's terms of {@link ForestKernels#slacks}. */
  private final SlackTerms slackTerms = new SlackTerms();

  /** Per code of a leaf bounded from its high half: below zero where it may pass the bar. */
  private float[] slack = new float[0];

  /** The indices {@link #allBounds} keeps, all of them. */
  private int[] everyCode = new int[0];

  private float twiceLow;
  private float twiceStep;
  private float sum;
  private float roundingError;

  /**
   * {@code 2·lo + 2·step·m}, {@code m} the mean of the query's two low bits over all coordinates:
   * what a one bit adds to a code's high-half estimate ({@link #bounds}).
   */
  private float twiceHighLow;

  /**
   * The typical error of a high-half sign dot: the rounding's and that of replacing each low-bit
   * value by their mean, {@code step·sqrt(Σ(l - m)²)} under independent signs, in quadrature.
   */
  private float highRoundingError;

  /**
   * As {@link #twiceHighLow} for an estimate from the top bit plane alone, {@code m} the mean of
   * the three low bits ({@link #boundsBelowTightBar}).
   */
  private float twiceTopLow;

  /** As {@link #highRoundingError} for an estimate from the top bit plane alone. */
  private float topRoundingError;

  private float centreDistance;

  /**
   * A code for queries of one forest; {@link #set} prepares it for each.
   *
   * @param centre the segment's centre in the forest's mapped space
   * @param rotation the forest's rotation
   */
  public QueryCode(float[] centre, FastRotation rotation) {
    this.rotation = rotation;
    this.centre = centre;
    int padded = rotation.paddedDimension();
    this.words = padded / Long.SIZE;
    this.planes = new long[words * BITS];
    this.difference = new float[rotation.dimension()];
    this.rotated = new float[padded];
    this.scratch = new float[padded];
  }

  /** Whether this code serves queries of a forest with this centre and rotation. */
  public boolean serves(float[] centre, FastRotation rotation) {
    return this.centre == centre && this.rotation == rotation;
  }

  /** Prepares the code for {@code mappedQuery}, a query in the forest's mapped space. */
  public void set(float[] mappedQuery) {
    int padded = rotation.paddedDimension();
    float[] diff = difference;
    for (int i = 0; i < diff.length; i++) {
      diff[i] = mappedQuery[i] - centre[i];
    }
    float[] u = rotated;
    rotation.rotate(diff, u, scratch);
    float low = Float.POSITIVE_INFINITY;
    float high = Float.NEGATIVE_INFINITY;
    double squared = 0;
    for (float x : u) {
      low = Math.min(low, x);
      high = Math.max(high, x);
      squared += (double) x * x;
    }
    centreDistance = (float) squared;
    int levels = (1 << BITS) - 1;
    float step = (high - low) / levels;
    float inverse = step > 0 ? 1 / step : 0;
    long levelSum = 0;
    long lowSum = 0;
    long lowSquares = 0;
    long topLowSum = 0;
    long topLowSquares = 0;
    for (int w = 0; w < words; w++) {
      long p0 = 0;
      long p1 = 0;
      long p2 = 0;
      long p3 = 0;
      for (int b = 0; b < Long.SIZE; b++) {
        // (u - low) / step is in [0, levels] up to rounding; the clamp keeps rounding from escaping
        long v = Math.min(levels, (int) ((u[w * Long.SIZE + b] - low) * inverse + 0.5f));
        levelSum += v;
        lowSum += v & 3;
        lowSquares += (v & 3) * (v & 3);
        topLowSum += v & 7;
        topLowSquares += (v & 7) * (v & 7);
        p0 |= (v & 1) << b;
        p1 |= ((v >>> 1) & 1) << b;
        p2 |= ((v >>> 2) & 1) << b;
        p3 |= ((v >>> 3) & 1) << b;
      }
      planes[w * BITS] = p0;
      planes[w * BITS + 1] = p1;
      planes[w * BITS + 2] = p2;
      planes[w * BITS + 3] = p3;
    }
    twiceLow = 2 * low;
    twiceStep = 2 * step;
    sum = (float) ((double) padded * low + (double) step * levelSum);
    roundingError = (float) (step * Math.sqrt(padded / 12.0));
    double lowMean = (double) lowSum / padded;
    double lowDeviations = Math.max(0, lowSquares - lowMean * lowSum);
    twiceHighLow = (float) (2 * low + 2 * step * lowMean);
    highRoundingError =
        (float) Math.sqrt((double) roundingError * roundingError + step * step * lowDeviations);
    double topLowMean = (double) topLowSum / padded;
    double topLowDeviations = Math.max(0, topLowSquares - topLowMean * topLowSum);
    twiceTopLow = (float) (2 * low + 2 * step * topLowMean);
    topRoundingError =
        (float) Math.sqrt((double) roundingError * roundingError + step * step * topLowDeviations);
  }

  /**
   * {@code s·û} for the code at {@code codes[offset .. offset + words)} with {@code ones} one bits:
   * the dot product of its signs with the quantized query.
   */
  public float signDot(long[] codes, int offset, int ones) {
    return twiceLow * ones + twiceStep * KERNELS.codeDots(codes, offset, words, planes) - sum;
  }

  /** The typical error of {@link #signDot} due to the query's rounding. */
  public float roundingError() {
    return roundingError;
  }

  /** {@code |q - g|²}: the exact squared distance of the query from the segment's centre. */
  public float centreDistance() {
    return centreDistance;
  }

  /**
   * The estimated squared distance of the query from code {@code e} of {@code codes}, given the
   * query's squared distance {@code centroidDistance} from the centroid the codes are relative to.
   */
  public float estimate(CodeBlock codes, int e, float centroidDistance) {
    int dot =
        KERNELS.codeDots(
            codes.bits, CodeBlock.start(e, words), CodeBlock.stride(e, codes.count), words, planes);
    return estimate(codes, e, dot, centroidDistance);
  }

  /**
   * {@link #estimate} of code {@code e}, whose dot product with the query's planes is {@code dot}.
   */
  private float estimate(CodeBlock codes, int e, int dot, float centroidDistance) {
    float signDot = twiceLow * codes.ones[e] + twiceStep * dot - sum;
    return codes.additive[e] + centroidDistance - 2 * codes.scale[e] * signDot;
  }

  /**
   * The {@link #estimate}s of the first {@code count} codes of {@code codes}, into {@code out}: a
   * node's children, their dot products counted a group at a time where the kernels can.
   */
  public void estimates(CodeBlock codes, int count, float centroidDistance, float[] out) {
    fullDots(codes, count);
    int[] dots = this.dots;
    for (int e = 0; e < count; e++) {
      out[e] = estimate(codes, e, dots[e], centroidDistance);
    }
  }

  /**
   * Bounds the squared distances of the query from the first {@code count} codes of {@code codes}
   * and keeps those that may be below {@code bar}: for each, in increasing order, its index in
   * {@code passing}, its {@link #estimate} less and plus its {@link #error} in {@code lower} and
   * {@code upper}, all from position 0. Returns how many were kept.
   *
   * <p>Where bits are counted a word at a time, two passes: every code is first estimated from the
   * high two bits of the query's coordinates (half the bit counts), with the error of leaving out
   * the low two added to its bound; only the codes whose lower bound then passes {@code bar} (a few
   * in a hundred when searching) are completed with the low bits. Where the kernels count a whole
   * group of codes per instruction ({@link ForestKernels#countsGroupsAtOnce}), one pass over full
   * dot products costs less than the second pass's branches.
   */
  public int bounds(
      CodeBlock codes,
      int count,
      float centroidDistance,
      float centroidScale,
      float bound,
      float bar,
      int[] passing,
      float[] lower,
      float[] upper) {
    if (KERNELS.countsGroupsAtOnce()) {
      return boundsInOnePass(
          codes, count, centroidDistance, centroidScale, bound, bar, passing, lower, upper);
    }
    if (dots.length < count) {
      dots = new int[codes.capacity()];
    }
    if (slack.length < count) {
      slack = new float[codes.capacity()];
    }
    highDots(codes, count);
    slackTerms.set(
        centroidDistance,
        bar,
        2 * twiceHighLow,
        8 * twiceStep,
        2 * sum,
        bound,
        centroidScale,
        2 * highRoundingError);
    float[] slack = this.slack;
    KERNELS.slacks(codes, dots, count, slackTerms, slack);
    int kept = ForestKernels.passing(slack, count, passing);
    return complete(
        codes, count, kept, centroidDistance, centroidScale, bound, passing, lower, upper);
  }

  /**
   * As {@link #bounds}, for a bar few codes pass: calibration's scan of a whole tree against each
   * query's nearest so far ({@link SampleNeighbours}), where 6% of text embeddings' codes pass on
   * the query's top bit plane alone. Where bits are counted a word at a time, the top plane is
   * counted for every code and the other three for those that pass: half the bit counts of {@link
   * #bounds}' first pass. The codes kept are those whose top-plane bound passes {@code bar}, a few
   * more than {@link #bounds} keeps. A search's bar, set from fewer vectors, lets many more codes
   * past the top plane.
   */
  public int boundsBelowTightBar(
      CodeBlock codes,
      int count,
      float centroidDistance,
      float centroidScale,
      float bound,
      float bar,
      int[] passing,
      float[] lower,
      float[] upper) {
    if (KERNELS.countsGroupsAtOnce()) {
      return boundsInOnePass(
          codes, count, centroidDistance, centroidScale, bound, bar, passing, lower, upper);
    }
    ensureCapacity(codes);
    long[] bits = codes.bits;
    int[] dots = this.dots;
    for (int g = 0; g < count; g += CodeBlock.GROUP) {
      int n = Math.min(CodeBlock.GROUP, count - g);
      if (n == CodeBlock.GROUP) {
        KERNELS.groupPlaneDots(bits, g * words, words, planes, 3, dots, g);
      } else {
        for (int j = 0; j < n; j++) {
          dots[g + j] = KERNELS.planeDots(bits, g * words + j, n, words, planes, 3);
        }
      }
    }
    int kept =
        keep(
            codes,
            count,
            centroidDistance,
            centroidScale,
            bound,
            bar,
            twiceTopLow,
            8 * twiceStep,
            topRoundingError,
            passing);
    // the next plane for the codes that passed, their high halves as bounds() has them, and the
    // low two: a few codes in a hundred, not worth a test of their own (callers compare the lower
    // bounds with their bar, as they do those of bounds())
    for (int i = 0; i < kept; i++) {
      int e = passing[i];
      int g = e - e % CodeBlock.GROUP;
      int n = Math.min(CodeBlock.GROUP, count - g);
      dots[e] = 2 * dots[e] + KERNELS.planeDots(bits, g * words + e - g, n, words, planes, 2);
    }
    return complete(
        codes, count, kept, centroidDistance, centroidScale, bound, passing, lower, upper);
  }

  private void ensureCapacity(CodeBlock codes) {
    if (dots.length < codes.capacity()) {
      dots = new int[codes.capacity()];
    }
    if (slack.length < codes.capacity()) {
      slack = new float[codes.capacity()];
    }
  }

  /**
   * Keeps, of the first {@code count} codes, those whose bound from a partial dot product in {@link
   * #dots} may pass {@code bar}: the estimate with {@code twicePartialLow} per one bit and {@code
   * planeStep} per unit of the partial dot, its margin with the rounding error {@code
   * partialRounding} of the bits left out. Their indices go to {@code passing}; returns how many.
   * {@link #bounds} keeps its own form of this loop and a copy of {@link #complete}'s: searches run
   * it, and with these calls in its place Java 17 text queries measured 1-3% slower (old and new
   * alternating on one index).
   */
  private int keep(
      CodeBlock codes,
      int count,
      float centroidDistance,
      float centroidScale,
      float bound,
      float bar,
      float twicePartialLow,
      float planeStep,
      float partialRounding,
      int[] passing) {
    slackTerms.set(
        centroidDistance,
        bar,
        2 * twicePartialLow,
        2 * planeStep,
        2 * sum,
        bound,
        centroidScale,
        2 * partialRounding);
    return KERNELS.keepBySlack(codes, dots, count, slackTerms, slack, passing);
  }

  /**
   * Completes the {@code kept} codes {@code passing} holds, whose high halves are in {@link #dots},
   * with the low two bit planes: their full estimates less and plus their margins.
   */
  private int complete(
      CodeBlock codes,
      int count,
      int kept,
      float centroidDistance,
      float centroidScale,
      float bound,
      int[] passing,
      float[] lower,
      float[] upper) {
    int[] dots = this.dots;
    float rounding = 2 * roundingError;
    long[] bits = codes.bits;
    for (int i = 0; i < kept; i++) {
      int e = passing[i];
      int g = e - e % CodeBlock.GROUP;
      int n = Math.min(CodeBlock.GROUP, count - g);
      int dot = 4 * dots[e] + KERNELS.lowDots(bits, g * words + e - g, n, words, planes);
      float estimate = estimate(codes, e, dot, centroidDistance);
      float codeError = codes.error[e] * centroidScale;
      float queryError = codes.scale[e] * rounding;
      float margin = bound * (float) Math.sqrt(codeError * codeError + queryError * queryError);
      lower[i] = estimate - margin;
      upper[i] = estimate + margin;
    }
    return kept;
  }

  /**
   * The lower and upper bounds of the squared distances of the query from each of the first {@code
   * count} codes of {@code codes}: its {@link #estimate} less and plus its {@link #error}, into
   * {@code lower[e]} and {@code upper[e]}. For estimating every code, as calibration does.
   */
  public void allBounds(
      CodeBlock codes,
      int count,
      float centroidDistance,
      float centroidScale,
      float bound,
      float[] lower,
      float[] upper) {
    if (everyCode.length < count) {
      everyCode = new int[codes.capacity()];
    }
    // below an infinite bar every code is kept, in order: position e holds code e
    boundsInOnePass(
        codes,
        count,
        centroidDistance,
        centroidScale,
        bound,
        Float.POSITIVE_INFINITY,
        everyCode,
        lower,
        upper);
  }

  /**
   * As {@link #bounds}, from the full dot products of all codes: where whole groups' bits are
   * counted per instruction, the low half costs less than the branch that would skip it.
   */
  private int boundsInOnePass(
      CodeBlock codes,
      int count,
      float centroidDistance,
      float centroidScale,
      float bound,
      float bar,
      int[] passing,
      float[] lower,
      float[] upper) {
    fullDots(codes, count);
    BoundTerms terms = this.terms;
    terms.twiceLow = twiceLow;
    terms.twiceStep = twiceStep;
    terms.sum = sum;
    terms.centroidDistance = centroidDistance;
    terms.centroidScale = centroidScale;
    terms.rounding = 2 * roundingError;
    terms.squaredBound = bound * bound;
    terms.bar = bar;
    return KERNELS.keepBelowBar(codes, dots, count, terms, passing, lower, upper);
  }

  /**
   * The full dot products of the first {@code count} codes with the query's four bit planes, into
   * {@link #dots}: a group's at once where whole.
   */
  private void fullDots(CodeBlock codes, int count) {
    if (dots.length < count) {
      dots = new int[codes.capacity()];
    }
    long[] bits = codes.bits;
    int group = CodeBlock.GROUP;
    for (int g = 0; g < count; g += group) {
      int n = Math.min(group, count - g);
      if (n == group) {
        KERNELS.groupFullDots(bits, g * words, words, planes, dots, g);
      } else {
        for (int j = 0; j < n; j++) {
          dots[g + j] = KERNELS.codeDots(bits, g * words + j, n, words, planes);
        }
      }
    }
  }

  /** The high halves of the first {@code count} codes' dot products, into {@link #dots}. */
  private void highDots(CodeBlock codes, int count) {
    long[] bits = codes.bits;
    int words = this.words;
    int[] dots = this.dots;
    int group = CodeBlock.GROUP;
    for (int g = 0; g < count; g += group) {
      int n = Math.min(group, count - g);
      if (n == group) {
        KERNELS.groupDots(bits, g * words, words, planes, 2, dots, g);
      } else {
        for (int j = 0; j < n; j++) {
          dots[g + j] = KERNELS.highDots(bits, g * words + j, n, words, planes);
        }
      }
    }
  }

  /**
   * The estimate's error bound: {@code bound} times the estimator's scale for this code and a query
   * at {@code centroidScale = |q - c|} from the centroid, and of the query's rounding, in
   * quadrature.
   */
  public float error(CodeBlock codes, int e, float centroidScale, float bound) {
    float codeError = codes.error[e] * centroidScale;
    float rounding = 2 * codes.scale[e] * roundingError;
    return bound * (float) Math.sqrt(codeError * codeError + rounding * rounding);
  }
}
