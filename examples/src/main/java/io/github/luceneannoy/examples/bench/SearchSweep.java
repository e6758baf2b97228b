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

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.ThreadInterruptedException;

/**
 * Runs every query at each search budget, single-threaded and on several threads, and measures
 * recall@k against the ground truth and queries per second. The search path is warmed up with
 * {@link #WARMUP_PASSES} untimed passes, and each budget with one more, so that every format is
 * measured with compiled code and cached pages. Single-threaded speed is the best of {@link
 * #TIMED_PASSES} passes: on a shared machine one pass varies by 20% and more (measured on this
 * project's 2-core machine: the same budget at 2,184 and 2,707 queries/s in one run), and the
 * fastest pass is the one least disturbed. Formats compared side by side are timed in rounds (see
 * {@link #runSideBySide}), each format's timed passes of a round after one untimed pass.
 */
final class SearchSweep {

  /** One point of the recall / speed curve. */
  record Point(int budget, double recall, double qpsSingle, double qpsMulti, int threads) {}

  /** Timed single-threaded passes over all queries per budget; the fastest counts. */
  static final int TIMED_PASSES = 3;

  /** Untimed passes over all queries before the first measurement. */
  static final int WARMUP_PASSES = 4;

  private SearchSweep() {}

  /** One timed pass over the queries. */
  interface Pass {
    void run() throws IOException;
  }

  /** Queries per second of the fastest of {@link #TIMED_PASSES} runs of {@code pass}. */
  static double bestQps(int queries, Pass pass) throws IOException {
    double best = 0;
    for (int i = 0; i < TIMED_PASSES; i++) {
      long start = System.nanoTime();
      pass.run();
      best = Math.max(best, queries / IndexBuild.seconds(start));
    }
    return best;
  }

  static List<Point> run(
      DirectoryReader reader,
      Dataset data,
      FormatUnderTest format,
      int k,
      int threads,
      Runnable onPoint)
      throws Exception {
    return runSideBySide(List.of(reader), List.of(format), data, k, threads, onPoint).get(0);
  }

  /**
   * Sweeps several formats, each over its own index, timing them in rounds: a round runs one timed
   * pass of every budget of every format in turn, and a point's single-threaded speed is its best
   * round. A disturbance of the machine, which on this project's shared machine has lasted a whole
   * format's sweep (one format's points at half speed, the other's not), then slows a round of
   * every format rather than every pass of one, and the other rounds still measure both. Returns
   * the points of each format, in the order given.
   */
  static List<List<Point>> runSideBySide(
      List<DirectoryReader> readers,
      List<FormatUnderTest> formats,
      Dataset data,
      int k,
      int threads,
      Runnable onPoint)
      throws Exception {
    int n = formats.size();
    IndexSearcher[] searchers = new IndexSearcher[n];
    double[][] best = new double[n][];
    int[][][][] results = new int[n][][][];
    for (int f = 0; f < n; f++) {
      searchers[f] = new IndexSearcher(readers.get(f));
      searchers[f].setQueryCache(null);
      FormatUnderTest format = formats.get(f);
      int[] budgets = format.budgets();
      best[f] = new double[budgets.length];
      results[f] = new int[budgets.length][data.queries().length][];
      // let the JIT compile the search path fully (not just on-stack replacement) before timing
      for (int pass = 0; pass < WARMUP_PASSES; pass++) {
        runAll(searchers[f], data, format, k, budgets[pass % budgets.length], null);
      }
      for (int budget : budgets) {
        runAll(searchers[f], data, format, k, budget, null);
      }
    }
    for (int round = 0; round < TIMED_PASSES; round++) {
      for (int f = 0; f < n; f++) {
        int[] budgets = formats.get(f).budgets();
        // untimed, after the other formats' passes: the first pass after a switch of format ran
        // 10 - 25% slower than the same budget's later passes, for HNSW and Annoy alike (the
        // 2026-12-06 matrix: HNSW fan-out 10 at 3,512 queries/s, fan-out 12 at 4,408), and the
        // first budget is the one a plain query at the default uses
        runAll(searchers[f], data, formats.get(f), k, budgets[0], null);
        for (int b = 0; b < budgets.length; b++) {
          long start = System.nanoTime();
          runAll(searchers[f], data, formats.get(f), k, budgets[b], results[f][b]);
          best[f][b] = Math.max(best[f][b], data.queries().length / IndexBuild.seconds(start));
        }
      }
    }
    List<List<Point>> points = new ArrayList<>();
    for (int f = 0; f < n; f++) {
      FormatUnderTest format = formats.get(f);
      int[] idOfDoc = idsByDoc(readers.get(f));
      List<Point> formatPoints = new ArrayList<>();
      int[] budgets = format.budgets();
      for (int b = 0; b < budgets.length; b++) {
        double multi = parallel(searchers[f], data, format, k, budgets[b], threads);
        formatPoints.add(
            new Point(
                budgets[b],
                recall(results[f][b], idOfDoc, data.groundTruth(), k),
                best[f][b],
                multi,
                threads));
        onPoint.run();
      }
      points.add(formatPoints);
    }
    return points;
  }

  private static void runAll(
      IndexSearcher searcher,
      Dataset data,
      FormatUnderTest format,
      int k,
      int budget,
      int[][] results)
      throws IOException {
    float[][] queries = data.queries();
    for (int q = 0; q < queries.length; q++) {
      TopDocs hits =
          searcher.search(format.query(IndexBuild.FIELD, queries[q], k, budget, null), k);
      if (results != null) {
        results[q] = docs(hits);
      }
    }
  }

  private static double parallel(
      IndexSearcher searcher, Dataset data, FormatUnderTest format, int k, int budget, int threads)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    float[][] queries = data.queries();
    List<Thread> workers = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  for (int q = next.getAndIncrement();
                      q < queries.length;
                      q = next.getAndIncrement()) {
                    searcher.search(format.query(IndexBuild.FIELD, queries[q], k, budget, null), k);
                  }
                } catch (Exception e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              });
      worker.start();
      workers.add(worker);
    }
    try {
      for (Thread worker : workers) {
        worker.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ThreadInterruptedException(e);
    }
    if (failures.isEmpty() == false) {
      throw failures.get(0);
    }
    return queries.length / IndexBuild.seconds(start);
  }

  static int[] docs(TopDocs hits) {
    int[] docs = new int[hits.scoreDocs.length];
    int i = 0;
    for (ScoreDoc sd : hits.scoreDocs) {
      docs[i++] = sd.doc;
    }
    return docs;
  }

  /** Maps doc ids back to base-vector ids: a merge need not keep documents in insertion order. */
  static int[] idsByDoc(DirectoryReader reader) throws IOException {
    int[] ids = new int[reader.maxDoc()];
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues values = leaf.reader().getNumericDocValues(IndexBuild.ID);
      for (int doc = values.nextDoc();
          doc != NumericDocValues.NO_MORE_DOCS;
          doc = values.nextDoc()) {
        ids[leaf.docBase + doc] = (int) values.longValue();
      }
    }
    return ids;
  }

  static double recall(int[][] results, int[] idOfDoc, int[][] truth, int k) {
    double sum = 0;
    for (int q = 0; q < results.length; q++) {
      int expected = Math.min(k, truth[q].length);
      int found = 0;
      for (int doc : results[q]) {
        int id = idOfDoc[doc];
        for (int j = 0; j < expected; j++) {
          if (truth[q][j] == id) {
            found++;
            break;
          }
        }
      }
      sum += expected == 0 ? 1 : (double) found / expected;
    }
    return sum / results.length;
  }
}
