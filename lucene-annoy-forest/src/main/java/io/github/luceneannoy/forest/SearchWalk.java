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

import java.util.Arrays;

/**
 * The leaves one calibration query read, in search order, each with where it started (in gathered
 * entries), whether it added a candidate to a search for 10 hits, and whether that search had set
 * its bar before it: enough to tell where a search of any budget would have stopped early ({@link
 * ForestSearcher#stallWindow}). Leaves are recorded until the query's last neighbour was gathered;
 * a search that gets that far finds them all, wherever it stops.
 */
final class SearchWalk {
  /** The flag of a leaf that added a candidate. */
  static final int GREW = 1;

  /** The flag of a leaf before which the search had set its bar: only then may it stop early. */
  static final int READY = 2;

  private int[] starts = new int[64];
  private byte[] flags = new byte[64];
  private int count;

  void clear() {
    count = 0;
  }

  /**
   * Records a leaf that starts at {@code start}, with {@code flags} ({@link #GREW}, {@link
   * #READY}).
   */
  void add(int start, int flags) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      this.flags = Arrays.copyOf(this.flags, count * 2);
    }
    starts[count] = start;
    this.flags[count] = (byte) flags;
    count++;
  }

  /** A copy holding only the leaves recorded, to keep once the query is done. */
  SearchWalk compact() {
    SearchWalk copy = new SearchWalk();
    copy.starts = Arrays.copyOf(starts, count);
    copy.flags = Arrays.copyOf(flags, count);
    copy.count = count;
    return copy;
  }

  /**
   * Entries a search of {@code budget} gathers before it stops, in a forest of {@code entries}
   * entries and leaves of at most {@code maxLeafSize}: the budget, or the start of the first leaf
   * that begins more than the stall window ({@link ForestSearcher#stallWindow}) past the end of the
   * last leaf that added a candidate, once the bar is set.
   */
  long stop(long budget, long entries, int maxLeafSize) {
    long window = ForestSearcher.stallWindow(budget, entries, maxLeafSize);
    long lastGrowth = 0;
    for (int j = 0; j < count; j++) {
      int start = starts[j];
      if (start >= budget) {
        return budget;
      }
      if (j > 0 && (flags[j - 1] & GREW) != 0) {
        lastGrowth = start;
      } else if (start - lastGrowth > window && (flags[j] & READY) != 0) {
        return start;
      }
    }
    return budget;
  }
}
