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
package io.github.luceneannoy.opensearch;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The {@code similarity} of an {@code annoy_vector} mapping, by the names OpenSearch and
 * Elasticsearch users know, and the Lucene function each stands for.
 */
enum VectorSimilarity {
  L2_NORM(VectorSimilarityFunction.EUCLIDEAN),
  COSINE(VectorSimilarityFunction.COSINE),
  DOT_PRODUCT(VectorSimilarityFunction.DOT_PRODUCT),
  MAX_INNER_PRODUCT(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);

  /** Most a dot_product vector's length may differ from 1. */
  static final float UNIT_LENGTH_TOLERANCE = 1e-3f;

  private final VectorSimilarityFunction function;

  VectorSimilarity(VectorSimilarityFunction function) {
    this.function = function;
  }

  /** The name in a mapping. */
  String mappingName() {
    return name().toLowerCase(Locale.ROOT);
  }

  VectorSimilarityFunction function() {
    return function;
  }

  /** The similarity of a mapping name, or an exception naming the accepted ones. */
  static VectorSimilarity fromMappingName(String name) {
    for (VectorSimilarity s : values()) {
      if (s.mappingName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "similarity must be one of " + names() + ", got [" + name + "]");
  }

  static String names() {
    return Arrays.stream(values())
        .map(VectorSimilarity::mappingName)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * Why a vector cannot be used with this similarity, or null when it can: every value must be
   * finite; cosine is undefined for the zero vector; dot_product is meant for unit-length vectors
   * (Lucene's score for it assumes them).
   */
  String invalidReason(float[] vector) {
    double squaredLength = 0;
    for (int i = 0; i < vector.length; i++) {
      if (Float.isFinite(vector[i]) == false) {
        return "value [" + vector[i] + "] at position " + i + " is not a finite number";
      }
      squaredLength += (double) vector[i] * vector[i];
    }
    if (this == COSINE && squaredLength == 0) {
      return "the zero vector has no cosine similarity";
    }
    if (this == DOT_PRODUCT && Math.abs(Math.sqrt(squaredLength) - 1) > UNIT_LENGTH_TOLERANCE) {
      return "similarity [dot_product] needs unit-length vectors, got length "
          + (float) Math.sqrt(squaredLength)
          + " (use cosine, or normalize the vectors)";
    }
    return null;
  }
}
