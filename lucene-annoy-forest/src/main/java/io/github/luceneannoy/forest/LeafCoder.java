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
 * Computes one-bit codes of vectors relative to a centroid: a leaf's vectors relative to the leaf's
 * centroid, an inner node's children's centroids relative to the node's (RaBitQ's estimator, Gao
 * and Long, SIGMOD 2024, with the query quantized once per search rather than once per centroid).
 *
 * <p>For a vector {@code x} of a leaf with centroid {@code c}, let {@code r = R(x - c)} be its
 * rotated residual ({@link FastRotation}, {@code p} coordinates), {@code s = sign(r)} (a bit per
 * coordinate, 1 for positive) and {@code w = R(c - g)} the rotated offset of the leaf from the
 * segment's centre {@code g}. For a query {@code q} with {@code u = R(q - g)}:
 *
 * <pre>
 *   |x - q|² = |r|² + |q - c|² - 2 r·R(q - c)
 *   r·R(q - c) ≈ scale · s·(u - w),   scale = |r|² / |r|₁
 * </pre>
 *
 * the unbiased estimator of RaBitQ ({@code r·v ≈ |r|·(s·v)/(s·r/|r|)}, written with {@code s·r =
 * |r|₁}), whose error is below {@code |r|·|v|·sqrt(1 - a²)/(a·sqrt(p - 1))} times a small factor
 * with high probability, {@code a = |r|₁/(sqrt(p)·|r|)}. The entry stores {@code additive = |r|² +
 * 2·scale·(s·w)}, {@code scale} and {@code error = 2·|r|·sqrt(1 - a²)/(a·sqrt(p - 1))}, so that a
 * search needs per entry one dot product of sign bits with the query ({@link QueryCode}) and three
 * multiply-adds, and per centroid {@code |q - c|²}. Not thread-safe.
 */
public final class LeafCoder {
  private final FastRotation rotation;
  private final float[] centre;
  private final int padded;
  private final int words;
  private final float[] residual;
  private final float[] rotated;
  private final float[] offset;
  private final float[] scratch;

  /**
   * @param rotation the forest's rotation, over the mapped dimension
   * @param centre the segment's centre in the mapped space
   */
  public LeafCoder(FastRotation rotation, float[] centre) {
    this.rotation = rotation;
    this.centre = centre;
    this.padded = rotation.paddedDimension();
    this.words = padded / Long.SIZE;
    this.residual = new float[rotation.dimension()];
    this.rotated = new float[padded];
    this.offset = new float[padded];
    this.scratch = new float[padded];
  }

  /** Longs per code. */
  public int words() {
    return words;
  }

  /** Sets the centroid that the next codes are relative to. */
  public void centroid(float[] centroid) {
    for (int i = 0; i < centroid.length; i++) {
      residual[i] = centroid[i] - centre[i];
    }
    rotation.rotate(residual, offset, scratch);
  }

  /**
   * 1 if {@code r > 0}, else 0 (NaN, which a mapped vector never holds, gives its sign bit
   * negated), without a branch: a float's bits read as an int are positive exactly when it is.
   */
  static long isPositive(float r) {
    return (-(long) Float.floatToRawIntBits(r)) >>> 63;
  }

  /**
   * Codes {@code vector} (mapped) relative to the {@link #centroid} into code {@code e} of {@code
   * out}.
   */
  public void encode(float[] vector, CodeBlock out, int e) {
    rotateFromCentre(vector, rotated);
    encodeRotated(rotated, offset, out, e);
  }

  /**
   * {@code R(x - g)} of a mapped vector, into {@code out} ({@link FastRotation#paddedDimension()}
   * floats): what {@link #encodeRotated} codes relative to any centroid, so that a vector in a leaf
   * of every tree is rotated once.
   */
  public void rotateFromCentre(float[] vector, float[] out) {
    for (int i = 0; i < residual.length; i++) {
      residual[i] = vector[i] - centre[i];
    }
    rotation.rotate(residual, out, scratch);
  }

  /** The rotated offset {@code R(c - g)} of the {@link #centroid}, into {@code out}. */
  public void centroidOffset(float[] out) {
    System.arraycopy(offset, 0, out, 0, padded);
  }

  /**
   * Codes the vector whose {@link #rotateFromCentre} is {@code fromCentre} relative to the centroid
   * whose {@link #centroidOffset} is {@code centroidOffset} into code {@code e} of {@code out}: its
   * rotated residual is {@code R(x - g) - R(c - g)}, the rotation being linear.
   */
  public void encodeRotated(float[] fromCentre, float[] centroidOffset, CodeBlock out, int e) {
    float[] rotated = this.rotated;
    for (int i = 0; i < padded; i++) {
      rotated[i] = fromCentre[i] - centroidOffset[i];
    }
    double squared = 0;
    double l1 = 0;
    double dotOffset = 0;
    int ones = 0;
    int base = e * words;
    for (int w = 0; w < words; w++) {
      long bits = 0;
      float wordSquared = 0;
      float wordL1 = 0;
      float wordDot = 0;
      for (int b = 0; b < Long.SIZE; b++) {
        int i = w * Long.SIZE + b;
        float r = rotated[i];
        // the sign bit from the float's bits, not a comparison: the JIT compiles r > 0 to a
        // branch, which the coordinates' random signs mispredict half the time (the loop took
        // 7 ns a coordinate on Fashion-MNIST, 1.5 without)
        long bit = isPositive(r);
        bits |= bit << b;
        wordSquared += r * r;
        wordL1 += Math.abs(r);
        wordDot += (2 * bit - 1) * centroidOffset[i];
      }
      squared += wordSquared;
      l1 += wordL1;
      dotOffset += wordDot;
      out.bits[base + w] = bits;
      ones += Long.bitCount(bits);
    }
    out.ones[e] = ones;
    if (l1 == 0) {
      // the vector is the centroid: the estimate is exact with scale 0
      out.additive[e] = 0;
      out.scale[e] = 0;
      out.error[e] = 0;
      return;
    }
    double scale = squared / l1;
    double norm = Math.sqrt(squared);
    double a = Math.min(1, l1 / (Math.sqrt(padded) * norm));
    out.additive[e] = (float) (squared + 2 * scale * dotOffset);
    out.scale[e] = (float) scale;
    out.error[e] = (float) (2 * norm * Math.sqrt(1 - a * a) / (a * Math.sqrt(padded - 1)));
  }
}
