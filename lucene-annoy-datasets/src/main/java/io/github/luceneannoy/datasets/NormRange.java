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
package io.github.luceneannoy.datasets;

/**
 * The smallest and largest Euclidean norm among some vectors, to tell whether a model's output is
 * already unit length (then cosine and dot product rank alike).
 *
 * @param min the smallest norm
 * @param max the largest norm
 */
public record NormRange(double min, double max) {
  /** Float32 rounding of a normalised 384-dimension vector stays far inside this. */
  public static final double UNIT_TOLERANCE = 1e-4;

  /** The norm range of all vectors in all the given sets. */
  public static NormRange of(float[][]... vectorSets) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float[][] vectors : vectorSets) {
      for (float[] v : vectors) {
        double norm = Math.sqrt(ExactNeighbors.dot(v, v));
        min = Math.min(min, norm);
        max = Math.max(max, norm);
      }
    }
    return new NormRange(min, max);
  }

  /** True if every norm is within {@link #UNIT_TOLERANCE} of 1. */
  public boolean isUnit() {
    return Math.abs(min - 1) <= UNIT_TOLERANCE && Math.abs(max - 1) <= UNIT_TOLERANCE;
  }
}
