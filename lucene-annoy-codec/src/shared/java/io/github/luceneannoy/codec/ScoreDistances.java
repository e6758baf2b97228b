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
package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.ScoreToDistance;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * Inverts Lucene's similarity scores into the squared distances of the forest's mapped space
 * ({@link Geometry}), for one query: {@code 1/(1 + d²)} gives {@code d²}, a cosine score {@code (1
 * + cos)/2} gives {@code 2 - 2 cos}, and an inner-product score gives {@code M² + |q|² - 2 x·q}
 * once the dot product is recovered from it.
 */
final class ScoreDistances {
  private ScoreDistances() {}

  /**
   * @param maxNorm the segment's largest norm (inner product only)
   * @param queryNorm the query's squared norm (inner product only)
   */
  static ScoreToDistance of(
      VectorSimilarityFunction similarity,
      VectorEncoding encoding,
      int dimension,
      float maxNorm,
      double queryNorm) {
    switch (similarity) {
      case EUCLIDEAN:
        return score -> 1 / score - 1;
      case COSINE:
        return score -> 4 - 4 * score;
      case DOT_PRODUCT:
      case MAXIMUM_INNER_PRODUCT:
        float constant = (float) ((double) maxNorm * maxNorm + queryNorm);
        DotOfScore dot = dotOfScore(similarity, encoding, dimension);
        return score -> constant - 2 * dot.dot(score);
      default:
        throw new IllegalArgumentException("unsupported similarity: " + similarity);
    }
  }

  private interface DotOfScore {
    float dot(float score);
  }

  private static DotOfScore dotOfScore(
      VectorSimilarityFunction similarity, VectorEncoding encoding, int dimension) {
    if (similarity == VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT) {
      // scaleMaxInnerProductScore: 1/(1 - dot) below 0, dot + 1 above
      return score -> score < 1 ? 1 - 1 / score : score - 1;
    }
    if (encoding == VectorEncoding.BYTE) {
      float denominator = (float) dimension * (1 << 15);
      return score -> (score - 0.5f) * denominator;
    }
    // max((1 + dot)/2, 0): a score of 0 stands for any dot product up to -1
    return score -> 2 * score - 1;
  }
}
