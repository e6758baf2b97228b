package io.github.luceneannoy.forest;

/**
 * One-bit codes of a set of vectors relative to one centroid, column by column ({@link
 * LeafCoder}): a leaf's vectors relative to the leaf's centroid, or an inner node's children's
 * centroids relative to the node's. A reusable buffer for up to {@code capacity} codes.
 */
public final class CodeBlock {
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

  /** Bytes of one code on disk: three floats, the count of ones and the bits. */
  public static int bytesPerCode(int words) {
    return 3 * Float.BYTES + Integer.BYTES + words * Long.BYTES;
  }
}
