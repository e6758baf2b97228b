package io.github.luceneannoy.examples;

import io.github.luceneannoy.db.Hit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Pools recall@k of searches over vectors whose ids are {@code <prefix>-<index>}, against exact
 * search over the same vectors (computed here, independently of Lucene), and times both.
 */
final class RecallMeter {
  private final int k;
  private long found;
  private long expected;
  private long searches;
  private long exactNanos;
  private long searchNanos;
  private long searchStart = -1;

  RecallMeter(int k) {
    this.k = k;
  }

  /** Grades {@code hits}, the result of one search for {@code query} among accepted vectors. */
  void measure(List<Hit> hits, float[][] vectors, float[] query, IntPredicate accept) {
    long start = System.nanoTime();
    int[] exact = ExactNeighbours.search(vectors, query, k, accept);
    exactNanos += System.nanoTime() - start;
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
  }

  /** Times a search: call before it; {@link #stop} after. */
  void start() {
    searchStart = System.nanoTime();
  }

  void stop() {
    searchNanos += System.nanoTime() - searchStart;
  }

  double recall() {
    return expected == 0 ? 1 : (double) found / expected;
  }

  double meanSearchMillis() {
    return searches == 0 ? 0 : searchNanos / 1e6 / searches;
  }

  double meanExactMillis() {
    return searches == 0 ? 0 : exactNanos / 1e6 / searches;
  }

  private static int indexOf(String id) {
    return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
  }
}
