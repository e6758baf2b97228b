/*
 * Copyright lucene-annoy contributors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.github.luceneannoy.forest;

/**
 * How a similarity becomes squared Euclidean distance in the forest's own space, one rule per
 * family of similarity. Everything the forest computes (tree splits, leaf centroids, codes,
 * estimates, error bounds) is squared Euclidean distance between vectors mapped by this rule, so
 * that ranking by it is ranking by the similarity:
 *
 * <ul>
 *   <li>{@link #EUCLIDEAN}: vectors as they are.
 *   <li>{@link #ANGULAR}: vectors scaled to unit length, so {@code |x' - q'|² = 2 - 2 cos}.
 *   <li>{@link #INNER_PRODUCT}: every vector gets one extra coordinate {@code sqrt(M² - |x|²)},
 *       with {@code M} the largest norm among the segment's vectors, and a query gets 0 there
 *       (Bachrach et al., 2014, as Annoy's dot metric does), so {@code |x' - q'|² = M² + |q|² - 2
 *       x·q}.
 * </ul>
 *
 * <p>The {@link #id()} of a rule is written to disk and never changes; the enum's ordinal is not
 * used.
 */
public enum Geometry {
  EUCLIDEAN(0),
  ANGULAR(1),
  INNER_PRODUCT(2);

  private static final ForestKernels KERNELS = ForestKernels.get();

  private final int id;

  Geometry(int id) {
    this.id = id;
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
  public static Geometry fromId(int id) {
    for (Geometry geometry : values()) {
      if (geometry.id == id) {
        return geometry;
      }
    }
    throw new IllegalArgumentException("unknown geometry id: " + id);
  }

  /** Coordinates of a vector of {@code dimension} coordinates once mapped. */
  public int mappedDimension(int dimension) {
    return this == INNER_PRODUCT ? dimension + 1 : dimension;
  }

  /**
   * Maps a stored vector into {@code out} (of {@link #mappedDimension} coordinates).
   *
   * @param maxNorm the segment's largest vector norm, used by {@link #INNER_PRODUCT} only
   */
  public void mapVector(float[] vector, float[] out, float maxNorm) {
    switch (this) {
      case EUCLIDEAN:
        System.arraycopy(vector, 0, out, 0, vector.length);
        break;
      case ANGULAR:
        scaleToUnit(vector, out);
        break;
      case INNER_PRODUCT:
        System.arraycopy(vector, 0, out, 0, vector.length);
        double extra = (double) maxNorm * maxNorm - squaredNorm(vector);
        out[vector.length] = (float) Math.sqrt(Math.max(0, extra));
        break;
      default:
        throw new AssertionError(this);
    }
  }

  /** Maps a query into {@code out}: as a vector, but with 0 as the inner-product coordinate. */
  public void mapQuery(float[] query, float[] out) {
    switch (this) {
      case EUCLIDEAN:
        System.arraycopy(query, 0, out, 0, query.length);
        break;
      case ANGULAR:
        scaleToUnit(query, out);
        break;
      case INNER_PRODUCT:
        System.arraycopy(query, 0, out, 0, query.length);
        out[query.length] = 0;
        break;
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * {@code |q - m|²} for a query {@code q} mapped by {@link #mapQuery}, whose squared norm is
   * {@code squaredQuery}, and the mapping {@code m} of a stored vector ({@link #mapVector}),
   * without mapping it: one or two dot products in float, where mapping takes a copy and a norm in
   * double. For ranking many vectors against one query.
   */
  public float mappedDistance(
      float[] mappedQuery, float squaredQuery, float[] vector, float maxNorm) {
    switch (this) {
      case EUCLIDEAN:
        return KERNELS.squareDistance(vector, mappedQuery);
      case ANGULAR:
        {
          float squared = KERNELS.dot(vector, vector);
          if (squared == 0) {
            // the vector maps to zero
            return squaredQuery;
          }
          float cosine = KERNELS.dot(vector, mappedQuery) / (float) Math.sqrt(squared);
          return Math.max(0, squaredQuery + 1 - 2 * cosine);
        }
      case INNER_PRODUCT:
        // the mapped vector's norm is maxNorm, the query's last coordinate 0
        return Math.max(0, squaredQuery + maxNorm * maxNorm - 2 * KERNELS.dot(vector, mappedQuery));
      default:
        throw new AssertionError(this);
    }
  }

  private static void scaleToUnit(float[] vector, float[] out) {
    double norm = Math.sqrt(squaredNorm(vector));
    // an all-zero vector stays zero: the codec refuses it for cosine fields, and zero is a
    // harmless point for the tree otherwise
    float scale = norm == 0 ? 0 : (float) (1 / norm);
    for (int i = 0; i < vector.length; i++) {
      out[i] = vector[i] * scale;
    }
  }

  /** {@code |v|²}, summed in double. */
  public static double squaredNorm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return sum;
  }
}
