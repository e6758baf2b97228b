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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exact k-nearest-neighbour ground truth by cosine similarity: every query is compared with every
 * base vector. Ties go to the lower base id, so the answer is unique and does not depend on the
 * number of threads.
 */
public final class ExactNeighbors {
  /** Queries per task: small enough to balance two cores, large enough that scheduling is noise. */
  private static final int QUERIES_PER_TASK = 8;

  private ExactNeighbors() {}

  /**
   * For each query, the ids (indexes into {@code base}) of its {@code k} most cosine-similar base
   * vectors, most similar first.
   */
  public static int[][] topK(float[][] base, float[][] queries, int k, int threads)
      throws InterruptedException {
    if (k < 1 || k > base.length) {
      throw new IllegalArgumentException("k must be in [1, " + base.length + "]: " + k);
    }
    double[] baseNorms = new double[base.length];
    for (int i = 0; i < base.length; i++) {
      baseNorms[i] = Math.sqrt(dot(base[i], base[i]));
    }
    int[][] result = new int[queries.length][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int from = 0; from < queries.length; from += QUERIES_PER_TASK) {
        int start = from;
        int end = Math.min(queries.length, from + QUERIES_PER_TASK);
        tasks.add(
            pool.submit(
                () -> {
                  TopK top = new TopK(k);
                  for (int q = start; q < end; q++) {
                    result[q] = nearest(base, baseNorms, queries[q], top);
                  }
                }));
      }
      for (Future<?> task : tasks) {
        task.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("ground truth computation failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return result;
  }

  private static int[] nearest(float[][] base, double[] baseNorms, float[] query, TopK top) {
    top.clear();
    double queryNorm = Math.sqrt(dot(query, query));
    for (int id = 0; id < base.length; id++) {
      top.offer(id, cosine(dot(query, base[id]), queryNorm, baseNorms[id]));
    }
    return top.idsBestFirst();
  }

  /** Cosine similarity of two vectors, 0 if either is all zeros (so no NaN can upset the order). */
  public static double cosine(float[] a, float[] b) {
    return cosine(dot(a, b), Math.sqrt(dot(a, a)), Math.sqrt(dot(b, b)));
  }

  private static double cosine(double dot, double normA, double normB) {
    double denominator = normA * normB;
    return denominator == 0 ? 0 : dot / denominator;
  }

  /**
   * Dot product accumulated in double: each float product is exact in a double, so the only
   * rounding is in the sum. Four accumulators break the add-latency chain; the summation order is
   * fixed, so the result is the same on every run.
   */
  static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
    }
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int upper = a.length & ~3; i < upper; i += 4) {
      s0 += (double) a[i] * b[i];
      s1 += (double) a[i + 1] * b[i + 1];
      s2 += (double) a[i + 2] * b[i + 2];
      s3 += (double) a[i + 3] * b[i + 3];
    }
    for (; i < a.length; i++) {
      s0 += (double) a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The k best (score, id) pairs seen, as a heap whose root is the worst of them. */
  private static final class TopK {
    private final int[] ids;
    private final double[] scores;
    private int size;

    TopK(int k) {
      ids = new int[k];
      scores = new double[k];
    }

    void clear() {
      size = 0;
    }

    void offer(int id, double score) {
      if (size < ids.length) {
        ids[size] = id;
        scores[size] = score;
        siftUp(size++);
      } else if (worse(ids[0], scores[0], id, score)) {
        ids[0] = id;
        scores[0] = score;
        siftDown(0);
      }
    }

    /** Empties the heap, best first. */
    int[] idsBestFirst() {
      int[] out = new int[size];
      for (int i = size - 1; i >= 0; i--) {
        out[i] = ids[0];
        size--;
        ids[0] = ids[size];
        scores[0] = scores[size];
        siftDown(0);
      }
      return out;
    }

    /**
     * True if (idA, scoreA) ranks below (idB, scoreB): a lower score, or the same score and a
     * higher id.
     */
    private static boolean worse(int idA, double scoreA, int idB, double scoreB) {
      return scoreA < scoreB || (scoreA == scoreB && idA > idB);
    }

    private void siftUp(int i) {
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (worse(ids[i], scores[i], ids[parent], scores[parent]) == false) {
          return;
        }
        swap(i, parent);
        i = parent;
      }
    }

    private void siftDown(int i) {
      while (true) {
        int left = 2 * i + 1;
        if (left >= size) {
          return;
        }
        int child = left;
        int right = left + 1;
        if (right < size && worse(ids[right], scores[right], ids[left], scores[left])) {
          child = right;
        }
        if (worse(ids[child], scores[child], ids[i], scores[i]) == false) {
          return;
        }
        swap(i, child);
        i = child;
      }
    }

    private void swap(int a, int b) {
      int id = ids[a];
      ids[a] = ids[b];
      ids[b] = id;
      double score = scores[a];
      scores[a] = scores[b];
      scores[b] = score;
    }
  }
}
