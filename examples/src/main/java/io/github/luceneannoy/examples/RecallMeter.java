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

import io.github.luceneannoy.db.Hit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pools recall@k of searches over vectors whose ids end in {@code -<index>}, against the exact
 * neighbours' indices, and the searches' mean latency.
 */
final class RecallMeter {
  private long found;
  private long expected;
  private long searches;
  private long searchNanos;

  /** Grades the {@code hits} of one search that took {@code nanos}, against {@code exact}. */
  void measure(List<Hit> hits, int[] exact, long nanos) {
    Set<Integer> truth = new HashSet<>();
    for (int index : exact) {
      truth.add(index);
    }
    for (Hit hit : hits) {
      if (truth.contains(indexOf(hit.id()))) {
        found++;
      }
    }
    expected += exact.length;
    searches++;
    searchNanos += nanos;
  }

  double recall() {
    return expected == 0 ? 1 : (double) found / expected;
  }

  double meanMillis() {
    return searches == 0 ? 0 : searchNanos / 1e6 / searches;
  }

  private static int indexOf(String id) {
    return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
  }
}
