package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * Estimates, from sketches only, how far each vector is from one query: lower is nearer. The
 * estimate only ranks candidates; it is never a score a user sees.
 *
 * <p>With {@code ⊥} for what the projection leaves out, {@code |q - x|² = |Pq - Px|² + |q⊥|² +
 * |x⊥|² - 2 q⊥·x⊥}. The sketch gives the first term, coordinate by coordinate, and {@code |x⊥|}; the
 * cross term is unknown and taken as {@link #RESIDUAL_CORRELATION} times its largest value, since
 * near neighbours have residuals that point the same way.
 *
 * <p>Coordinates come most significant first, so the sum over them is checked against a threshold
 * (the worst estimate still worth keeping) every {@link #BLOCK} coordinates: most candidates are
 * given up after the first block, which makes a wide sketch cost little more than a narrow one.
 */
public final class SketchScorer {
  /**
   * The assumed correlation between the residuals of the query and a candidate. Measured on
   * Fashion-MNIST (784 dimensions, sketches of 128 coordinates): ranking with 0.5 beat 0 and 0.8.
   */
  static final float RESIDUAL_CORRELATION = 0.5f;

  /** Coordinates summed between two checks against the threshold. */
  static final int BLOCK = 16;

  private final Sketches sketches;
  private final float[] levels;
  private final float[] weights;
  private final float queryResidual;
  private final byte[] code;

  /**
   * @param sketches the vectors' sketches
   * @param query the query in the vectors' own coordinates
   * @param projectedQuery the query projected (all of the sketch's coordinates)
   */
  public SketchScorer(Sketches sketches, float[] query, float[] projectedQuery) {
    this.sketches = sketches;
    SketchBook book = sketches.book();
    int dim = book.dimension();
    double normSq = Sketcher.squaredNorm(query);
    // the query is seen as the sketches see the vectors (directions, for an angular forest)
    double scale = Sketcher.scale(sketches.rule(), normSq);
    levels = new float[dim];
    weights = new float[dim];
    double projectedNormSq = 0;
    for (int c = 0; c < dim; c++) {
      double p = projectedQuery[c] * scale;
      projectedNormSq += p * p;
      // in units of the code's levels, so that the inner loop subtracts the code's bytes directly
      levels[c] = (float) ((p - book.center(c)) / book.step(c));
      weights[c] = book.step(c) * book.step(c);
    }
    this.queryResidual = (float) Math.sqrt(Math.max(0, normSq * scale * scale - projectedNormSq));
    this.code = new byte[dim];
  }

  /** See {@link Sketches#prefetch}. */
  public void prefetch(int[] ords, int count) throws IOException {
    sketches.prefetch(ords, count);
  }

  /** The estimated distance of vector {@code ord} from the query: lower is nearer. */
  public float distance(int ord) throws IOException {
    return distance(ord, Float.POSITIVE_INFINITY);
  }

  /**
   * As {@link #distance(int)}, but may stop early and return any value {@code >= threshold} once
   * the estimate is known to reach it.
   */
  public float distance(int ord, float threshold) throws IOException {
    byte[] code = this.code;
    float residual = sketches.read(ord, code);
    float sum = residual * (residual - 2 * RESIDUAL_CORRELATION * queryResidual);
    float[] l = levels;
    float[] w = weights;
    float[] value = ByteValues.table();
    int full = code.length - code.length % BLOCK;
    int c = 0;
    for (; c < full; c += BLOCK) {
      // four independent sums, so that additions do not wait on each other
      float s0 = 0;
      float s1 = 0;
      float s2 = 0;
      float s3 = 0;
      for (int k = c; k < c + BLOCK; k += 4) {
        float d0 = l[k] - value[code[k] & 0xFF];
        float d1 = l[k + 1] - value[code[k + 1] & 0xFF];
        float d2 = l[k + 2] - value[code[k + 2] & 0xFF];
        float d3 = l[k + 3] - value[code[k + 3] & 0xFF];
        s0 += w[k] * d0 * d0;
        s1 += w[k + 1] * d1 * d1;
        s2 += w[k + 2] * d2 * d2;
        s3 += w[k + 3] * d3 * d3;
      }
      sum += (s0 + s1) + (s2 + s3);
      if (sum >= threshold) {
        return sum;
      }
    }
    for (; c < code.length; c++) {
      float d = l[c] - value[code[c] & 0xFF];
      sum += w[c] * d * d;
    }
    return sum;
  }
}
