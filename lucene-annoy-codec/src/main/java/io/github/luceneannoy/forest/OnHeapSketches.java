package io.github.luceneannoy.forest;

import java.io.IOException;

/** Sketches held in arrays, as {@link ForestBuilder} computes them and the codec writes them. */
public final class OnHeapSketches implements Sketches {
  private final SplitRule rule;
  private final SketchBook book;
  private final byte[] codes;
  private final float[] residuals;
  private final float[] decodedSquaredNorms;

  private OnHeapSketches(
      SplitRule rule, SketchBook book, byte[] codes, float[] residuals, float[] decodedSquaredNorms) {
    this.rule = rule;
    this.book = book;
    this.codes = codes;
    this.residuals = residuals;
    this.decodedSquaredNorms = decodedSquaredNorms;
  }

  /**
   * Sketches {@code vectors} and stores in {@code splitCoordinates[ord]} a copy of the leading
   * {@link Projection#splitRows()} projected coordinates of each, for the trees (see {@link
   * Sketcher}).
   *
   * @param rule {@link SplitRule#EUCLIDEAN} or {@link SplitRule#ANGULAR}
   */
  static OnHeapSketches build(SplitRule rule, VectorSource vectors, Projection projection, float[][] splitCoordinates)
      throws IOException {
    Sketcher sketcher = Sketcher.learn(rule, projection, vectors);
    int dim = sketcher.book().dimension();
    byte[] codes = new byte[Math.multiplyExact(vectors.size(), dim)];
    float[] residuals = new float[vectors.size()];
    float[] decodedSquaredNorms = new float[vectors.size()];
    sketcher.run(
        vectors,
        (ord, split, code, residual, decodedSquaredNorm) -> {
          splitCoordinates[ord] = split.clone();
          System.arraycopy(code, 0, codes, ord * dim, dim);
          residuals[ord] = residual;
          decodedSquaredNorms[ord] = decodedSquaredNorm;
        });
    return new OnHeapSketches(rule, sketcher.book(), codes, residuals, decodedSquaredNorms);
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

  /** The squared length of the vector the code of {@code ord} stands for. */
  public float decodedSquaredNorm(int ord) {
    return decodedSquaredNorms[ord];
  }

  @Override
  public void read(int ord, byte[] code, float[] lengths) {
    int dim = book.dimension();
    System.arraycopy(codes, ord * dim, code, 0, dim);
    lengths[RESIDUAL] = residuals[ord];
    lengths[DECODED_SQUARED_NORM] = decodedSquaredNorms[ord];
  }
}
