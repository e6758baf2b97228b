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
package io.github.luceneannoy.db;

import io.github.luceneannoy.db.InvalidVectorException.Reason;
import org.apache.lucene.index.VectorSimilarityFunction;

/** The checks every vector passes before it reaches Lucene, which would fail later or silently. */
final class VectorValidator {
  // float sums of squares of unit vectors drift by a few ulps per component; 1e-3 is far above that
  // and far below any vector someone forgot to normalise
  private static final double UNIT_TOLERANCE = 1e-3;

  private final int dimension;
  private final VectorSimilarityFunction similarity;

  VectorValidator(int dimension, VectorSimilarityFunction similarity) {
    this.dimension = dimension;
    this.similarity = similarity;
  }

  /** Checks a vector to be written; {@code id} names it in messages. */
  void checkVector(String id, float[] data) {
    if (id.isEmpty()) {
      throw new InvalidVectorException(Reason.EMPTY_ID, "vector id must not be empty");
    }
    check("vector \"" + id + "\"", data);
  }

  /** Checks a query vector. */
  void checkQuery(float[] query) {
    check("query vector", query);
  }

  private void check(String what, float[] data) {
    if (data.length != dimension) {
      throw new InvalidVectorException(
          Reason.WRONG_DIMENSION,
          what + " has " + data.length + " dimensions, the database has " + dimension);
    }
    double squaredNorm = 0;
    for (int i = 0; i < data.length; i++) {
      if (Float.isFinite(data[i]) == false) {
        throw new InvalidVectorException(
            Reason.NOT_FINITE, what + " has a non-finite component at index " + i + ": " + data[i]);
      }
      squaredNorm += (double) data[i] * data[i];
    }
    boolean needsDirection =
        similarity == VectorSimilarityFunction.COSINE
            || similarity == VectorSimilarityFunction.DOT_PRODUCT;
    if (needsDirection && squaredNorm == 0) {
      throw new InvalidVectorException(
          Reason.ZERO_VECTOR, what + " is all zeros, which has no direction for " + similarity);
    }
    if (similarity == VectorSimilarityFunction.DOT_PRODUCT
        && Math.abs(Math.sqrt(squaredNorm) - 1) > UNIT_TOLERANCE) {
      throw new InvalidVectorException(
          Reason.NOT_UNIT_LENGTH,
          what
              + " has length "
              + (float) Math.sqrt(squaredNorm)
              + "; DOT_PRODUCT needs unit vectors (normalise them, or use COSINE or"
              + " MAXIMUM_INNER_PRODUCT)");
    }
  }
}
