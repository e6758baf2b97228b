package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.Arrays;

/**
 * Computes, in one pass that projects every vector once, each vector's split coordinates (the
 * leading {@link Projection#splitRows()} projected coordinates, for the trees) and its sketch (see
 * {@link Sketches}), and hands both to a {@link Sink} in ordinal order, so that a caller can write
 * them out as they come and hold nothing that grows with the number of vectors.
 */
public final class Sketcher {

  /** Receives each vector's results, in ordinal order; the arrays are reused after the call. */
  public interface Sink {
    /**
     * @param residual the length the projection leaves out
     * @param decodedSquaredNorm the squared length of the vector {@code code} stands for
     */
    void accept(int ord, float[] splitCoordinates, byte[] code, float residual, float decodedSquaredNorm)
        throws IOException;
  }

  private final SplitRule rule;
  private final Projection projection;
  private final SketchBook book;

  private Sketcher(SplitRule rule, Projection projection, SketchBook book) {
    if (rule == SplitRule.INNER_PRODUCT) {
      throw new IllegalArgumentException("inner-product forests are not projected and have no sketches");
    }
    this.rule = rule;
    this.projection = projection;
    this.book = book;
  }

  /**
   * A sketcher for {@code vectors}, its code book learned from a sample of them (see {@link
   * SketchBook#learn}), in the space sketches describe.
   *
   * @param rule {@link SplitRule#EUCLIDEAN} or {@link SplitRule#ANGULAR}
   */
  public static Sketcher learn(SplitRule rule, Projection projection, VectorSource vectors) throws IOException {
    VectorSource projected = projection.apply(vectors);
    VectorSource sketchSpace =
        rule != SplitRule.ANGULAR ? projected : new DirectionsProjected(projected, vectors);
    return new Sketcher(rule, projection, SketchBook.learn(sketchSpace));
  }

  public SketchBook book() {
    return book;
  }

  /** Split coordinates per vector. */
  public int splitRows() {
    return projection.splitRows();
  }

  /** Projects every vector of {@code vectors} and passes the results on. */
  public void run(VectorSource vectors, Sink sink) throws IOException {
    int size = vectors.size();
    byte[] code = new byte[book.dimension()];
    float[] split = new float[projection.splitRows()];
    float[] p = new float[projection.rows()];
    for (int ord = 0; ord < size; ord++) {
      float[] vector = vectors.vector(ord);
      projection.project(vector, p);
      System.arraycopy(p, 0, split, 0, split.length);
      double normSq = squaredNorm(vector);
      double scale = scale(rule, normSq);
      for (int c = 0; c < p.length; c++) {
        p[c] *= scale;
      }
      book.encode(p, code);
      float residual = (float) Math.sqrt(Math.max(0, normSq * scale * scale - squaredNorm(p)));
      sink.accept(ord, split, code, residual, book.decodedSquaredNorm(code));
    }
  }

  /** What sketches describe: the vectors, or for angular forests their directions. */
  static double scale(SplitRule rule, double normSq) {
    return rule == SplitRule.ANGULAR && normSq > 0 ? 1 / Math.sqrt(normSq) : 1;
  }

  static double squaredNorm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return sum;
  }

  /** Projected vectors scaled to unit-length originals, read in the order asked. */
  private static final class DirectionsProjected implements VectorSource {
    private final VectorSource projected;
    private final VectorSource vectors;

    DirectionsProjected(VectorSource projected, VectorSource vectors) {
      this.projected = projected;
      this.vectors = vectors;
    }

    @Override
    public int size() {
      return projected.size();
    }

    @Override
    public int dimension() {
      return projected.dimension();
    }

    @Override
    public float[] vector(int ord) throws IOException {
      double scale = scale(SplitRule.ANGULAR, squaredNorm(vectors.vector(ord)));
      float[] out = Arrays.copyOf(projected.vector(ord), projected.dimension());
      for (int c = 0; c < out.length; c++) {
        out[c] *= scale;
      }
      return out;
    }

    @Override
    public VectorSource copy() throws IOException {
      return new DirectionsProjected(projected.copy(), vectors.copy());
    }
  }
}
