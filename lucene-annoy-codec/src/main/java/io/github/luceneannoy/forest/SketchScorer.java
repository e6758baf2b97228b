package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * Estimates, from sketches only, how far each vector is from one query: lower is nearer. The
 * estimate only ranks candidates; it is never a score a user sees.
 *
 * <p>With {@code ⊥} for what the projection leaves out, {@code |q - x|² = |Pq - Px|² + |q⊥|² +
 * |x⊥|² - 2 q⊥·x⊥}. The sketch gives the first term, with {@code Px} read as the vector {@code x̂}
 * its code stands for, and {@code |x⊥|}; the cross term is unknown and taken as {@link
 * #RESIDUAL_CORRELATION} times its largest value, since near neighbours have residuals that point
 * the same way.
 *
 * <p>The first term is computed as {@code |Pq|² - 2 Pq·x̂ + |x̂|²}, with {@code |x̂|²} stored in
 * the record and {@code Pq·x̂ = Pq·center + Σ (Pq[c]·step[c])·b[c]}: one multiply-add per code byte
 * against a query weighted once per query, where a difference per coordinate cost a subtraction
 * and two multiplications more. Measured (JMH {@code SketchBenchmark}, 128 coordinates, Java 17):
 * 52 ns per estimate, where differences took 95 ns complete and 88 ns stopping at a threshold
 * (the median estimate), which is why estimates are now always complete.
 */
public final class SketchScorer {
  /**
   * The assumed correlation between the residuals of the query and a candidate. Measured on
   * Fashion-MNIST (784 dimensions, sketches of 128 coordinates): ranking with 0.5 beat 0 and 0.8.
   */
  static final float RESIDUAL_CORRELATION = 0.5f;

  private static final ForestKernels KERNELS = ForestKernels.get();

  private final Sketches sketches;
  private final boolean angular;
  /** The projected query times each coordinate's step: what a code byte is multiplied with. */
  private final float[] weightedQuery;
  /** The part of every estimate that depends on the query only. */
  private final float queryTerm;
  private final float queryResidual;
  private final byte[] code;
  private final float[] lengths = new float[2];

  /**
   * @param sketches the vectors' sketches
   * @param query the query in the vectors' own coordinates
   * @param projectedQuery the query projected (all of the sketch's coordinates)
   */
  public SketchScorer(Sketches sketches, float[] query, float[] projectedQuery) {
    this.sketches = sketches;
    this.angular = sketches.rule() == SplitRule.ANGULAR;
    SketchBook book = sketches.book();
    int dim = book.dimension();
    double normSq = Sketcher.squaredNorm(query);
    // the query is seen as the sketches see the vectors (directions, for an angular forest)
    double scale = Sketcher.scale(sketches.rule(), normSq);
    weightedQuery = new float[dim];
    double projectedNormSq = 0;
    double centerDot = 0;
    for (int c = 0; c < dim; c++) {
      double p = projectedQuery[c] * scale;
      projectedNormSq += p * p;
      centerDot += p * book.center(c);
      weightedQuery[c] = (float) (p * book.step(c));
    }
    this.queryTerm = (float) (projectedNormSq - 2 * centerDot);
    this.queryResidual = (float) Math.sqrt(Math.max(0, normSq * scale * scale - projectedNormSq));
    this.code = new byte[dim];
  }

  /** See {@link Sketches#prefetch}. */
  public void prefetch(int[] ords, int count) throws IOException {
    sketches.prefetch(ords, count);
  }

  /**
   * An exact score, as Lucene's similarity functions give it, in the unit of the estimates: for
   * Euclidean forests {@code 1 / (1 + d²)} becomes {@code d²}, for angular forests {@code (1 +
   * cos) / 2} becomes the squared distance of the directions, {@code 2 − 2 cos}. Lets a search
   * compare how far its estimates were from the truth.
   */
  public float distanceOf(float similarity) {
    return angular ? 4 - 4 * similarity : 1 / similarity - 1;
  }

  /** The estimated distance of vector {@code ord} from the query: lower is nearer. */
  public float distance(int ord) throws IOException {
    byte[] code = this.code;
    sketches.read(ord, code, lengths);
    float residual = lengths[Sketches.RESIDUAL];
    float projected = queryTerm + lengths[Sketches.DECODED_SQUARED_NORM] - 2 * KERNELS.dotCodes(weightedQuery, code, 0, code.length);
    return projected + residual * (residual - 2 * RESIDUAL_CORRELATION * queryResidual);
  }
}
