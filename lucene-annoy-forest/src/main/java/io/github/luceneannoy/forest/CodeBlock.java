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
 * One-bit codes of a set of vectors relative to one centroid, column by column ({@link LeafCoder}):
 * a leaf's vectors relative to the leaf's centroid, or an inner node's children's centroids
 * relative to the node's. A reusable buffer for up to {@code capacity} codes.
 *
 * <p><b>Layout of the bits.</b> While codes are being encoded, code {@code e} holds {@code
 * bits[e·words .. (e + 1)·words)}. {@link #interleave} then puts them in the layout that files hold
 * and searches read: groups of {@value #GROUP} codes, the last group possibly smaller; a group of
 * {@code n} codes starting at code {@code g} holds word {@code w} of its code {@code g + j} at
 * {@code bits[g·words + w·n + j]}. So word {@code w} of a whole group is {@value #GROUP}
 * consecutive longs, which a vector unit loads at once ({@link ForestKernels#groupFullDots}); the
 * codes take {@code count·words} longs either way.
 */
public final class CodeBlock {
  /** Codes per group of the interleaved layout. */
  public static final int GROUP = 8;

  /** Per code: {@code |r|² + 2·scale·(s·w)} (see {@link LeafCoder}). */
  public final float[] additive;

  /** Per code: {@code |r|² / |r|₁}, what the sign bits' dot product is multiplied by. */
  public final float[] scale;

  /** Per code: the estimate's error per unit of the query's distance to the centroid. */
  public final float[] error;

  /** Per code: its number of one bits, which the estimate needs and would otherwise count. */
  public final int[] ones;

  /** Sign bits of the rotated residuals, {@code words} longs per code. */
  public final long[] bits;

  /** Longs per code. */
  public final int words;

  /** Codes held, in the interleaved layout (0 while encoding). */
  public int count;

  /** Codes one after the other while {@link #interleave} or {@link #keep} lays them out. */
  private long[] scratch;

  public CodeBlock(int capacity, int words) {
    this.additive = new float[capacity];
    this.scale = new float[capacity];
    this.error = new float[capacity];
    this.ones = new int[capacity];
    this.bits = new long[capacity * words];
    this.words = words;
  }

  public int capacity() {
    return additive.length;
  }

  /**
   * Codes of at most this many longs (256 coordinates) are stored without their count of ones,
   * which a reader counts ({@link #countOnes}): two to four bit counts a code (1.0 ns a code at two
   * longs, 1.7 at four, Java 17), where the count would be a ninth of a 128-dimension entry on disk
   * (4 of 36 bytes with its ordinal). Longer codes store it: counting costs more as the code grows,
   * and the count weighs less beside it.
   */
  public static final int MAX_WORDS_COUNTED = 4;

  /** Whether codes of {@code words} longs are written with their count of ones. */
  public static boolean storesOnes(int words) {
    return words > MAX_WORDS_COUNTED;
  }

  /** Bytes of one code on disk as written: three floats, the count of ones if stored, the bits. */
  public static int bytesPerCode(int words) {
    return bytesPerCode(words, storesOnes(words));
  }

  /**
   * Bytes of one code on disk, with or without its count of ones (format version 4 and earlier
   * stored it for every code).
   */
  public static int bytesPerCode(int words, boolean onesStored) {
    return 3 * Float.BYTES + (onesStored ? Integer.BYTES : 0) + words * Long.BYTES;
  }

  /**
   * Sets {@link #ones} of the first {@code count} codes, in the interleaved layout, from the bits.
   */
  public void countOnes(int count) {
    int g = 0;
    // whole groups: eight sums in registers over consecutive words, as ForestKernels counts a
    // plane;
    // its groupPlaneDots against a plane of all ones took 1.34 against 0.97 ns a code at two longs
    // (2.32 against 1.49 at four, Java 17; with the vector module's masked counts 1.77 against
    // 1.27)
    for (; g + GROUP <= count; g += GROUP) {
      int o0 = 0;
      int o1 = 0;
      int o2 = 0;
      int o3 = 0;
      int o4 = 0;
      int o5 = 0;
      int o6 = 0;
      int o7 = 0;
      for (int b = g * words; b < (g + GROUP) * words; b += GROUP) {
        o0 += Long.bitCount(bits[b]);
        o1 += Long.bitCount(bits[b + 1]);
        o2 += Long.bitCount(bits[b + 2]);
        o3 += Long.bitCount(bits[b + 3]);
        o4 += Long.bitCount(bits[b + 4]);
        o5 += Long.bitCount(bits[b + 5]);
        o6 += Long.bitCount(bits[b + 6]);
        o7 += Long.bitCount(bits[b + 7]);
      }
      ones[g] = o0;
      ones[g + 1] = o1;
      ones[g + 2] = o2;
      ones[g + 3] = o3;
      ones[g + 4] = o4;
      ones[g + 5] = o5;
      ones[g + 6] = o6;
      ones[g + 7] = o7;
    }
    // the last, smaller group: word w of its code j at stride n
    int n = count - g;
    for (int j = 0; j < n; j++) {
      int sum = 0;
      for (int w = 0; w < words; w++) {
        sum += Long.bitCount(bits[g * words + w * n + j]);
      }
      ones[g + j] = sum;
    }
  }

  /** The index in {@link #bits} of word 0 of interleaved code {@code e} (whatever the count). */
  public static int start(int e, int words) {
    int group = e - e % GROUP;
    return group * words + e - group;
  }

  /** The distance in {@link #bits} between consecutive words of code {@code e} of {@code count}. */
  public static int stride(int e, int count) {
    return Math.min(GROUP, count - (e - e % GROUP));
  }

  /** Word {@code w} of code {@code e}, in the interleaved layout. */
  public long word(int e, int w) {
    return bits[start(e, words) + w * stride(e, count)];
  }

  /**
   * Keeps only the codes at {@code positions[0 .. n)} (increasing) of the {@link #count} held, in
   * the interleaved layout of {@code n} codes.
   */
  public void keep(int[] positions, int n) {
    if (scratch == null || scratch.length < n * words) {
      scratch = new long[bits.length];
    }
    for (int i = 0; i < n; i++) {
      int e = positions[i];
      additive[i] = additive[e];
      scale[i] = scale[e];
      error[i] = error[e];
      ones[i] = ones[e];
      int start = start(e, words);
      int stride = stride(e, count);
      for (int w = 0; w < words; w++) {
        scratch[i * words + w] = bits[start + w * stride];
      }
    }
    interleaveScratch(n);
  }

  /** Puts the first {@code count} codes, encoded one after the other, in the interleaved layout. */
  public void interleave(int count) {
    if (scratch == null || scratch.length < count * words) {
      scratch = new long[bits.length];
    }
    System.arraycopy(bits, 0, scratch, 0, count * words);
    interleaveScratch(count);
  }

  /** Writes the {@code count} codes held one after the other in {@link #scratch} interleaved. */
  private void interleaveScratch(int count) {
    for (int e = 0; e < count; e++) {
      int start = start(e, words);
      int stride = stride(e, count);
      for (int w = 0; w < words; w++) {
        bits[start + w * stride] = scratch[e * words + w];
      }
    }
    this.count = count;
  }
}
