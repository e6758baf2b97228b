package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * Presents every vector {@code x} as {@code (x, sqrt(M² - |x|²))}, where {@code M} is the largest
 * norm among the vectors, so that all augmented vectors have norm {@code M}. Inner-product ranking
 * against a query {@code (q, 0)} then equals angular ranking, which random hyperplanes through the
 * origin handle well.
 */
final class MaxNormAugmentedSource implements VectorSource {
  private final VectorSource in;
  private final double maxNormSquared;
  private final float[] buffer;

  private MaxNormAugmentedSource(VectorSource in, double maxNormSquared) {
    this.in = in;
    this.maxNormSquared = maxNormSquared;
    this.buffer = new float[in.dimension() + 1];
  }

  static MaxNormAugmentedSource wrap(VectorSource in) throws IOException {
    double max = 0;
    for (int ord = 0; ord < in.size(); ord++) {
      max = Math.max(max, squaredNorm(in.vector(ord)));
    }
    return new MaxNormAugmentedSource(in, max);
  }

  private static double squaredNorm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return sum;
  }

  @Override
  public int size() {
    return in.size();
  }

  @Override
  public int dimension() {
    return in.dimension() + 1;
  }

  @Override
  public float[] vector(int ord) throws IOException {
    float[] v = in.vector(ord);
    System.arraycopy(v, 0, buffer, 0, v.length);
    buffer[v.length] = (float) Math.sqrt(Math.max(0, maxNormSquared - squaredNorm(v)));
    return buffer;
  }

  @Override
  public VectorSource copy() throws IOException {
    return new MaxNormAugmentedSource(in.copy(), maxNormSquared);
  }
}
