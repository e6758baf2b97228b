package io.github.luceneannoy.forest;

/** Vectors held in an array of arrays; shared read-only between copies. */
public final class ArrayVectorSource implements VectorSource {
  private final float[][] vectors;
  private final int dimension;

  public ArrayVectorSource(float[][] vectors) {
    this.vectors = vectors;
    this.dimension = vectors.length == 0 ? 0 : vectors[0].length;
  }

  @Override
  public int size() {
    return vectors.length;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] vector(int ord) {
    return vectors[ord];
  }

  @Override
  public VectorSource copy() {
    return this;
  }
}
