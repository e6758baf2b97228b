package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * How a tree node divides its vectors by a hyperplane, one rule per family of similarity.
 *
 * <p>Every rule chooses the hyperplane by Annoy's "two means" heuristic (two centroids refined on a
 * sample of the node's vectors) and differs in the geometry:
 *
 * <ul>
 *   <li>{@link #EUCLIDEAN}: the perpendicular bisector of the two centroids, {@code n·x + a = 0}
 *       with a unit normal, so the margin is the signed distance to the plane.
 *   <li>{@link #ANGULAR}: a plane through the origin between the two normalized centroids; suits
 *       cosine, where only directions matter.
 *   <li>{@link #INNER_PRODUCT}: maximum inner product reduced to angular search (Bachrach et al.,
 *       2014): every vector gets one extra coordinate {@code sqrt(M² - |x|²)} so that all have norm
 *       {@code M}, and a query gets 0 there, so {@code x'·q' = x·q}. Splits are angular on the
 *       augmented vectors; a query's margin uses only the first {@code dimension} coordinates.
 * </ul>
 *
 * <p>The {@link #id()} of a rule is written to disk and never changes; the enum's ordinal is not
 * used.
 */
public enum SplitRule {
  EUCLIDEAN(0, false, true),
  ANGULAR(1, true, false),
  INNER_PRODUCT(2, true, false);

  private final int id;
  private final boolean normalizes;
  private final boolean hasOffset;

  SplitRule(int id, boolean normalizes, boolean hasOffset) {
    this.id = id;
    this.normalizes = normalizes;
    this.hasOffset = hasOffset;
  }

  /** The stable identifier written to disk. */
  public int id() {
    return id;
  }

  /**
   * Returns the rule with the given on-disk identifier.
   *
   * @throws IllegalArgumentException if no rule has this identifier
   */
  public static SplitRule fromId(int id) {
    for (SplitRule rule : values()) {
      if (rule.id == id) {
        return rule;
      }
    }
    throw new IllegalArgumentException("unknown split rule id: " + id);
  }

  /** The number of coordinates of a split normal for vectors of {@code dimension} coordinates. */
  public int normalDimension(int dimension) {
    return this == INNER_PRODUCT ? dimension + 1 : dimension;
  }

  /** Whether centroids and vectors are compared by direction only while choosing a split. */
  boolean normalizes() {
    return normalizes;
  }

  /** Whether the hyperplane has an offset (otherwise it passes through the origin). */
  boolean hasOffset() {
    return hasOffset;
  }

  /**
   * Returns the vectors the splits are computed on: the vectors themselves, or for {@link
   * #INNER_PRODUCT} the vectors augmented to a common norm.
   */
  VectorSource prepare(VectorSource vectors) throws IOException {
    if (this == INNER_PRODUCT) {
      return MaxNormAugmentedSource.wrap(vectors);
    }
    return vectors;
  }
}
