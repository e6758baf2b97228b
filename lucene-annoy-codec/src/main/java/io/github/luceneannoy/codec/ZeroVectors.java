package io.github.luceneannoy.codec;

/**
 * Whether a vector is all zeros: COSINE similarity divides by the norm, so the writer refuses such
 * a document and the reader such a query, each with a message naming the field.
 */
final class ZeroVectors {
  private ZeroVectors() {}

  static boolean isZero(float[] vector) {
    for (float x : vector) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  static boolean isZero(byte[] vector) {
    for (byte x : vector) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** As the typed methods, for a value of a {@code KnnFieldVectorsWriter<T>}: a float[] or a byte[]. */
  static boolean isZero(Object vector) {
    return vector instanceof float[] ? isZero((float[]) vector) : isZero((byte[]) vector);
  }
}
