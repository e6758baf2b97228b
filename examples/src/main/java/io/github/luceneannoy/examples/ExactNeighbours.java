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
package io.github.luceneannoy.examples;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;

/**
 * Exact k nearest neighbours by Euclidean distance, found by comparing the query with every vector:
 * the ground truth that recall is measured against. Computed here rather than with Lucene, so that
 * the truth does not share code with what it checks.
 */
final class ExactNeighbours {

  private record Candidate(int index, double distance) {}

  // farthest first, so the head is the one to drop; ties broken by index for repeatable answers
  private static final Comparator<Candidate> FARTHEST_FIRST =
      Comparator.comparingDouble(Candidate::distance).thenComparingInt(Candidate::index).reversed();

  private ExactNeighbours() {}

  /**
   * The indices of the (at most) {@code k} vectors nearest to {@code query} among those whose index
   * {@code accept} accepts, nearest first.
   */
  static int[] search(float[][] vectors, float[] query, int k, IntPredicate accept) {
    PriorityQueue<Candidate> nearest = new PriorityQueue<>(k + 1, FARTHEST_FIRST);
    for (int i = 0; i < vectors.length; i++) {
      if (accept.test(i)) {
        nearest.add(new Candidate(i, squaredDistance(vectors[i], query)));
        if (nearest.size() > k) {
          nearest.poll();
        }
      }
    }
    int[] indices = new int[nearest.size()];
    for (int i = indices.length - 1; i >= 0; i--) {
      indices[i] = nearest.poll().index();
    }
    return indices;
  }

  private static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double diff = a[i] - b[i];
      sum += diff * diff;
    }
    return sum;
  }
}
