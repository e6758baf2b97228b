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

/**
 * Whether a vector is all zeros: COSINE similarity divides by the norm, so the writer refuses such
 * a document and the reader such a query, each with a message naming the field.
 */
final class ZeroVectors {
  private ZeroVectors() {}

  static boolean isZero(float[] vector) {
    for (float x : vector) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  static boolean isZero(byte[] vector) {
    for (byte x : vector) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * As the typed methods, for a value of a {@code KnnFieldVectorsWriter<T>}: a float[] or a byte[].
   */
  static boolean isZero(Object vector) {
    return vector instanceof float[] ? isZero((float[]) vector) : isZero((byte[]) vector);
  }
}
