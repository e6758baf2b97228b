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
 * The random shares of a segment's vectors among which calibration's sample queries seek their
 * neighbours ({@link BudgetCalibration#NEIGHBOURS}): a little over half of the vectors ({@link
 * #SHARE}). The queries fall in {@value #GROUPS} groups, each with a share of its own: where many
 * queries share their neighbours (a cluster whose nearest vectors by inner product are the same few
 * long ones, for every query in it), one share for all would give them all the same luck of the
 * draw, and the sample's mean recall would vary as if it had a few queries, not {@value
 * BudgetCalibration#SAMPLE_QUERIES}. With one half for all, small segments of clustered vectors
 * under the inner product missed their target by up to 5 standard errors ({@code
 * TestBudgetCalibration}'s held-out recall: 3 segments of 600 beyond 3 standard errors); with
 * {@value #GROUPS} shares, none of 1,200 (and 6 beyond 2, against 10 with the nearest 10 of all).
 */
final class SampleShares {
  /** Groups of sample queries, each with its own share. */
  static final int GROUPS = 16;

  private final long seed;

  /** Shares chosen by {@code seed}. */
  SampleShares(long seed) {
    this.seed = seed;
  }

  /** The group of the sample query that is vector {@code self}. */
  int groupOf(int self) {
    return (int) Long.remainderUnsigned(mix(~seed, self), GROUPS);
  }

  /**
   * A group's share of the vectors, in 256ths: {@value}/256 = 0.547, so that the {@code j}-th
   * nearest of the share is on average the {@code j/0.547}-th nearest of all, and the mean rank of
   * the nearest {@value BudgetCalibration#NEIGHBOURS} is 5.49, as that of the nearest 10 is 5.5.
   * With a half (mean rank 6), budgets came out 4% larger than with the nearest 10 of all (32
   * forests of 10,000 text embeddings, 1.6% standard error; Fashion-MNIST 3.6%), with this share
   * 1.9% and 2.0% (1.2% and 1.0%).
   */
  static final int SHARE = 140;

  /** Bit {@code g} is set where vector {@code ord} is in group {@code g}'s share. */
  int membership(int ord) {
    // a byte of hash per group: two 64-bit mixes hold sixteen
    long low = mix(seed, ord);
    long high = mix(seed ^ 0x5851F42D4C957F2DL, ord);
    int mask = 0;
    for (int g = 0; g < GROUPS; g++) {
      long bits = g < Long.BYTES ? low : high;
      int octet = (int) (bits >>> ((g % Long.BYTES) * Byte.SIZE)) & 0xFF;
      mask |= (octet < SHARE ? 1 : 0) << g;
    }
    return mask;
  }

  /** Whether vector {@code ord} is in group {@code group}'s share. */
  boolean contains(int group, int ord) {
    return (membership(ord) >>> group & 1) != 0;
  }

  /** A hash of the seed and the ordinal whose bits are independent and fair (SplitMix64). */
  private static long mix(long seed, int ord) {
    long z = seed + (ord + 1L) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
