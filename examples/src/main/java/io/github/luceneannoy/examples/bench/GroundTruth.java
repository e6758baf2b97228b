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
package io.github.luceneannoy.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.ThreadInterruptedException;

/**
 * Exact nearest neighbours by brute force, one task per query on a pool of the caller's size. Uses
 * Lucene's similarity functions, so ties and scores are those the formats are graded against.
 */
public final class GroundTruth {
  private GroundTruth() {}

  /** The ids of the {@code k} most similar base vectors of each query, best first. */
  public static int[][] compute(Dataset data, int k, int threads, IntConsumer progress) {
    return compute(data, k, threads, id -> true, progress);
  }

  /**
   * As {@link #compute(Dataset, int, int, IntConsumer)}, among the base vectors {@code accepts}
   * takes.
   *
   * @param threads the size of the pool the queries run on
   */
  public static int[][] compute(
      Dataset data, int k, int threads, IntPredicate accepts, IntConsumer progress) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<int[]>> futures = new ArrayList<>();
      for (float[] query : data.queries()) {
        futures.add(pool.submit(() -> topK(data.similarity(), query, data.base(), k, accepts)));
      }
      int[][] truth = new int[futures.size()][];
      for (int q = 0; q < truth.length; q++) {
        truth[q] = futures.get(q).get();
        progress.accept(q + 1);
      }
      return truth;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ThreadInterruptedException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("exact search failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Top-k by a bounded min-heap of (score, id); equal scores prefer the lower id. */
  static int[] topK(
      VectorSimilarityFunction similarity,
      float[] query,
      float[][] base,
      int k,
      IntPredicate accepts) {
    int size = Math.min(k, base.length);
    float[] scores = new float[size];
    int[] ids = new int[size];
    int count = 0;
    for (int i = 0; i < base.length; i++) {
      if (accepts.test(i) == false) {
        continue;
      }
      float s = similarity.compare(query, base[i]);
      if (count < size) {
        scores[count] = s;
        ids[count] = i;
        count++;
        siftUp(scores, ids, count - 1);
      } else if (s > scores[0]) {
        scores[0] = s;
        ids[0] = i;
        siftDown(scores, ids, size);
      }
    }
    // drain the min-heap from worst to best
    int[] result = new int[count];
    for (int n = count; n > 0; n--) {
      result[n - 1] = ids[0];
      scores[0] = scores[n - 1];
      ids[0] = ids[n - 1];
      siftDown(scores, ids, n - 1);
    }
    return result;
  }

  private static boolean worse(float[] scores, int[] ids, int a, int b) {
    return scores[a] < scores[b] || (scores[a] == scores[b] && ids[a] > ids[b]);
  }

  private static void siftUp(float[] scores, int[] ids, int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (worse(scores, ids, i, parent) == false) {
        return;
      }
      swap(scores, ids, i, parent);
      i = parent;
    }
  }

  private static void siftDown(float[] scores, int[] ids, int size) {
    int i = 0;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int child = left + 1 < size && worse(scores, ids, left + 1, left) ? left + 1 : left;
      if (worse(scores, ids, child, i) == false) {
        return;
      }
      swap(scores, ids, i, child);
      i = child;
    }
  }

  private static void swap(float[] scores, int[] ids, int a, int b) {
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    int t = ids[a];
    ids[a] = ids[b];
    ids[b] = t;
  }
}
