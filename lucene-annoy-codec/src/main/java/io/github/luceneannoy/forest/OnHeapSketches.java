package io.github.luceneannoy.forest;

import java.io.IOException;

/** Sketches held in arrays, as {@link ForestBuilder} computes them and the codec writes them. */
public final class OnHeapSketches implements Sketches {
  private final SplitRule rule;
  private final SketchBook book;
  private final byte[] codes;
  private final float[] residuals;

  private OnHeapSketches(SplitRule rule, SketchBook book, byte[] codes, float[] residuals) {
    this.rule = rule;
    this.book = book;
    this.codes = codes;
    this.residuals = residuals;
  }

  /**
   * Sketches {@code vectors} in one pass that projects each of them once, and stores in {@code
   * splitCoordinates[ord]} a copy of the leading {@link Projection#splitRows()} projected
   * coordinates of each (of the vector itself, whatever the rule), for the trees.
   *
   * @param rule {@link SplitRule#EUCLIDEAN} or {@link SplitRule#ANGULAR}
   */
  static OnHeapSketches build(SplitRule rule, VectorSource vectors, Projection projection, float[][] splitCoordinates)
      throws IOException {
    if (rule == SplitRule.INNER_PRODUCT) {
      throw new IllegalArgumentException("inner-product forests are not projected and have no sketches");
    }
    SketchBook book = SketchBook.learn(sketchSpace(rule, projection.apply(vectors), vectors));
    int dim = book.dimension();
    int size = vectors.size();
    byte[] codes = new byte[Math.multiplyExact(size, dim)];
    float[] residuals = new float[size];
    byte[] code = new byte[dim];
    float[][] batch = new float[4][vectors.dimension()];
    float[][] projected = new float[4][projection.rows()];
    for (int start = 0; start < size; start += 4) {
      int count = Math.min(4, size - start);
      for (int i = 0; i < count; i++) {
        System.arraycopy(vectors.vector(start + i), 0, batch[i], 0, batch[i].length);
      }
      if (count == 4) {
        projection.project4(batch[0], batch[1], batch[2], batch[3], projected);
      } else {
        for (int i = 0; i < count; i++) {
          projection.project(batch[i], projected[i]);
        }
      }
      for (int i = 0; i < count; i++) {
        int ord = start + i;
        float[] p = projected[i];
        splitCoordinates[ord] = java.util.Arrays.copyOf(p, projection.splitRows());
        double normSq = squaredNorm(batch[i]);
        double scale = scale(rule, normSq);
        for (int c = 0; c < p.length; c++) {
          p[c] *= scale;
        }
        book.encode(p, code);
        System.arraycopy(code, 0, codes, ord * dim, dim);
        residuals[ord] = (float) Math.sqrt(Math.max(0, normSq * scale * scale - squaredNorm(p)));
      }
    }
    return new OnHeapSketches(rule, book, codes, residuals);
  }

  /** What sketches describe: the vectors, or for angular forests their directions. */
  private static double scale(SplitRule rule, double normSq) {
    return rule == SplitRule.ANGULAR && normSq > 0 ? 1 / Math.sqrt(normSq) : 1;
  }

  /** {@code projected}, scaled as the sketches see it (the code book is learned from it). */
  private static VectorSource sketchSpace(SplitRule rule, VectorSource projected, VectorSource vectors) {
    if (rule != SplitRule.ANGULAR) {
      return projected;
    }
    return new VectorSource() {
      private final VectorSource p = projected;
      private final VectorSource v = vectors;

      @Override
      public int size() {
        return p.size();
      }

      @Override
      public int dimension() {
        return p.dimension();
      }

      @Override
      public float[] vector(int ord) throws IOException {
        double scale = scale(rule, squaredNorm(v.vector(ord)));
        float[] out = p.vector(ord).clone();
        for (int c = 0; c < out.length; c++) {
          out[c] *= scale;
        }
        return out;
      }

      @Override
      public VectorSource copy() {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static double squaredNorm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return sum;
  }

  @Override
  public SketchBook book() {
    return book;
  }

  @Override
  public SplitRule rule() {
    return rule;
  }

  /** Number of sketches. */
  public int size() {
    return residuals.length;
  }

  /** The stored byte {@code c} of the code of {@code ord}. */
  public byte code(int ord, int c) {
    return codes[ord * book.dimension() + c];
  }

  /** The length of what the projection leaves out of {@code ord}. */
  public float residual(int ord) {
    return residuals[ord];
  }

  @Override
  public float read(int ord, byte[] code) {
    int dim = book.dimension();
    System.arraycopy(codes, ord * dim, code, 0, dim);
    return residuals[ord];
  }
}
