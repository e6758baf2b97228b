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
 * What {@link ForestKernels#keepBelowBar} needs besides a leaf's codes and their dot products: the
 * query's terms of the estimate, the leaf's distance from the query, the error bound and the bar.
 * {@link QueryCode} sets them for each leaf it bounds; one instance per query code, not shared.
 */
final class BoundTerms {
  /** Twice the query's lowest level: the estimate's term per one bit of a code. */
  float twiceLow;

  /** Twice the query's level step: the estimate's term per unit of a code's dot product. */
  float twiceStep;

  /** The sum of the query's rotated coordinates as quantised. */
  float sum;

  /** Squared distance from the query to the leaf's centroid. */
  float centroidDistance;

  /** Distance from the query to the leaf's centroid: scales a code's own error. */
  float centroidScale;

  /** Twice the query's rounding error: scales a code's {@code scale} into the query's error. */
  float rounding;

  /** The error bound squared, in units of the estimate's standard scale. */
  float squaredBound;

  /** The distance a code's lower bound must not exceed to be kept. */
  float bar;
}
