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
 * A leaf as a search reads it: the ordinals of its vectors and their codes (its centroid is read
 * apart, {@link Forest#readLeafCentroid}, when the traversal measures the leaf). A reusable buffer
 * for up to {@code capacity} entries.
 *
 * <p>On disk a leaf of {@code c} entries is its centroid ({@code dimension} floats), {@code c} ints
 * (ordinals, increasing), then the codes: {@code 3·c} floats (all additive terms, all scales, all
 * error factors), {@code c} ints (their counts of ones, where {@link CodeBlock#storesOnes}) and
 * {@code c·words} longs, little-endian.
 */
public final class LeafBlock {
  /** Ordinals of the vectors, increasing. */
  public final int[] ords;

  /** Their codes relative to the centroid. */
  public final CodeBlock codes;

  /** Entries in the block. */
  public int count;

  public LeafBlock(int capacity, int words) {
    this.ords = new int[capacity];
    this.codes = new CodeBlock(capacity, words);
  }

  public int capacity() {
    return ords.length;
  }

  /**
   * Keeps only the entries at {@code positions[0 .. n)} (increasing), in that order: a filtered
   * search bounds the accepted entries alone.
   */
  public void keep(int[] positions, int n) {
    for (int i = 0; i < n; i++) {
      ords[i] = ords[positions[i]];
    }
    codes.keep(positions, n);
    count = n;
  }

  /** Bytes of a leaf of {@code count} entries on disk, as written. */
  public static long bytes(int count, int dimension, int words) {
    return bytes(count, dimension, words, CodeBlock.storesOnes(words));
  }

  /**
   * Bytes of a leaf of {@code count} entries on disk, its codes with or without their counts of
   * ones ({@link CodeBlock#bytesPerCode(int, boolean)}).
   */
  public static long bytes(int count, int dimension, int words, boolean onesStored) {
    return (long) dimension * Float.BYTES
        + (long) count * (Integer.BYTES + CodeBlock.bytesPerCode(words, onesStored));
  }
}
