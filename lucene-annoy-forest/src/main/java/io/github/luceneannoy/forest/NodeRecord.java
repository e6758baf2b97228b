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
 * An inner node as a search reads it: its children, how many vectors each holds, for a leaf child
 * the position of its first entry, the codes of the children's centroids relative to this node's
 * centroid, and the distances between sibling centroids. A reusable buffer for up to {@code
 * maxChildren} children.
 *
 * <p>On disk a node of {@code c} children is an int {@code c}, then {@code c} ints each of
 * references ({@link NodeRefs}), sizes and first entries (0 for inner children), {@code c·c} floats
 * of sibling distances, then the codes ({@link LeafBlock}'s layout), little-endian.
 */
public final class NodeRecord {
  /** Children in the record. */
  public int count;

  /** Each child's reference ({@link NodeRefs}). */
  public final int[] refs;

  /** Vectors under each child (for a leaf, its entries). */
  public final int[] sizes;

  /** For a leaf child, the index of its first entry among the field's entries. */
  public final int[] firstEntries;

  /** {@code |c_i - c_j|} at {@code i·maxChildren + j}. */
  public final float[] siblingDistances;

  /** The children's centroids, coded relative to this node's centroid. */
  public final CodeBlock codes;

  public NodeRecord(int maxChildren, int words) {
    refs = new int[maxChildren];
    sizes = new int[maxChildren];
    firstEntries = new int[maxChildren];
    siblingDistances = new float[maxChildren * maxChildren];
    codes = new CodeBlock(maxChildren, words);
  }

  /** Capacity in children. */
  public int maxChildren() {
    return refs.length;
  }

  /** {@code |c_i - c_j|}. */
  public float siblingDistance(int i, int j) {
    return siblingDistances[i * refs.length + j];
  }

  /** Bytes of a record of {@code count} children on disk, as written. */
  public static long bytes(int count, int words) {
    return bytes(count, words, CodeBlock.storesOnes(words));
  }

  /**
   * Bytes of a record of {@code count} children on disk, its codes with or without their counts of
   * ones ({@link CodeBlock#bytesPerCode(int, boolean)}).
   */
  public static long bytes(int count, int words, boolean onesStored) {
    return Integer.BYTES
        + 3L * count * Integer.BYTES
        + (long) count * count * Float.BYTES
        + (long) count * CodeBlock.bytesPerCode(words, onesStored);
  }
}
