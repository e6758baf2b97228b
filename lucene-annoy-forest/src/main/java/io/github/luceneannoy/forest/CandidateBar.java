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
 * The bar a vector's distance bounds must pass to become a search candidate ({@link
 * ForestSearcher}): the {@code m}-th smallest upper bound offered so far, infinite until {@code m}
 * were offered. A vector whose lower bound exceeds it cannot be among the {@code m} nearest.
 * Calibration replays searches with it ({@link BudgetCalibration}), so both decide alike.
 */
final class CandidateBar {
  /** The smallest upper bounds so far, a max-heap. */
  private float[] heap = new float[0];

  private int capacity;
  private int size;
  private float bar = Float.POSITIVE_INFINITY;

  /** Empties the bar, to keep the {@code m} smallest upper bounds. */
  void reset(int m) {
    if (heap.length < m) {
      heap = new float[m];
    }
    capacity = m;
    size = 0;
    bar = Float.POSITIVE_INFINITY;
  }

  /** The {@code m}-th smallest upper bound offered, or infinity. */
  float bar() {
    return bar;
  }

  /** Whether {@code m} upper bounds were offered, so that the bar is set. */
  boolean isFinite() {
    return size == capacity;
  }

  /**
   * Offers a vector's bounds; returns whether it is a candidate, that is its lower bound does not
   * exceed the bar that includes its upper bound.
   */
  boolean offer(float lower, float upper) {
    float[] heap = this.heap;
    if (size < capacity) {
      int i = size++;
      while (i > 0 && heap[(i - 1) >>> 1] < upper) {
        heap[i] = heap[(i - 1) >>> 1];
        i = (i - 1) >>> 1;
      }
      heap[i] = upper;
    } else if (upper < heap[0]) {
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && heap[child + 1] > heap[child]) {
          child++;
        }
        if (heap[child] <= upper) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = upper;
    }
    if (size == capacity) {
      bar = heap[0];
    }
    return lower <= bar;
  }
}
