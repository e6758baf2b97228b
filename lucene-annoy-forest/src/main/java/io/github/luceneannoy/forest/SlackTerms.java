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
 * What {@link ForestKernels#slacks} needs besides a leaf's codes and their partial dot products: a
 * code's slack is {@code over² - (error²·errorWeight + scale²·scaleWeight)}, {@code over} being
 * {@code additive + gap - scale·(perOne·ones + perDot·dots - twiceSum)}, at least 0. {@link
 * QueryCode} sets them for each leaf it bounds; one instance per query code, not shared.
 */
final class SlackTerms {
  /** The leaf centroid's squared distance from the query, less the bar. */
  float gap;

  /** The estimate's term per one bit of a code. */
  float perOne;

  /** The estimate's term per unit of a code's partial dot product. */
  float perDot;

  /** Twice the sum of the query's rotated coordinates as quantised. */
  float twiceSum;

  /** The error bound squared times the centroid's squared distance: weighs a code's own error. */
  float errorWeight;

  /** The error bound squared times the query's squared rounding error: weighs a code's scale. */
  float scaleWeight;

  /** Sets the terms for one leaf. */
  void set(
      float centroidDistance,
      float bar,
      float perOne,
      float perDot,
      float twiceSum,
      float bound,
      float centroidScale,
      float rounding) {
    this.gap = centroidDistance - bar;
    this.perOne = perOne;
    this.perDot = perDot;
    this.twiceSum = twiceSum;
    this.errorWeight = bound * bound * (centroidScale * centroidScale);
    this.scaleWeight = bound * bound * (rounding * rounding);
  }
}
