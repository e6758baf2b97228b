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
  private final int[] dots = new int[CodeBlock.GROUP];
  private float twiceLow;
  private float twiceStep;
  private float sum;
  private float roundingError;
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
    for (int w = 0; w < words; w++) {
      long p0 = 0;
      long p1 = 0;
      long p2 = 0;
      long p3 = 0;
      for (int b = 0; b < Long.SIZE; b++) {
        // (u - low) / step is in [0, levels] up to rounding; the clamp keeps rounding from escaping
        long v = Math.min(levels, (int) ((u[w * Long.SIZE + b] - low) * inverse + 0.5f));
        levelSum += v;
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
    float signDot = twiceLow * codes.ones[e] + twiceStep * dot - sum;
    return codes.additive[e] + centroidDistance - 2 * codes.scale[e] * signDot;
  }

  /**
   * The lower and upper bounds of the squared distances of the query from the first {@code count}
   * codes of {@code codes}: each {@link #estimate} less and plus its {@link #error}. One pass over
   * a leaf's codes, so that the loop over entries stays free of calls and branches.
   */
  public void bounds(
      CodeBlock codes,
      int count,
      float centroidDistance,
      float centroidScale,
      float bound,
      float[] lower,
      float[] upper) {
    long[] bits = codes.bits;
    int words = this.words;
    int[] dots = this.dots;
    int group = CodeBlock.GROUP;
    for (int g = 0; g < count; g += group) {
      int n = Math.min(group, count - g);
      if (n == group) {
        KERNELS.groupDots(bits, g * words, words, planes, dots);
      } else {
        for (int j = 0; j < n; j++) {
          dots[j] = KERNELS.codeDots(bits, g * words + j, n, words, planes);
        }
      }
      boundGroup(codes, g, n, centroidDistance, centroidScale, bound, lower, upper);
    }
  }

  private void boundGroup(
      CodeBlock codes,
      int g,
      int n,
      float centroidDistance,
      float centroidScale,
      float bound,
      float[] lower,
      float[] upper) {
    int[] dots = this.dots;
    float[] additive = codes.additive;
    float[] scale = codes.scale;
    float[] error = codes.error;
    int[] ones = codes.ones;
    float rounding = 2 * roundingError;
    for (int j = 0; j < n; j++) {
      int e = g + j;
      float signDot = twiceLow * ones[e] + twiceStep * dots[j] - sum;
      float estimate = additive[e] + centroidDistance - 2 * scale[e] * signDot;
      float codeError = error[e] * centroidScale;
      float queryError = scale[e] * rounding;
      float margin = bound * (float) Math.sqrt(codeError * codeError + queryError * queryError);
      lower[e] = estimate - margin;
      upper[e] = estimate + margin;
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
