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
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;

/**
 * The filtered mode: each filter, at each of the format's filtered budgets, single-threaded,
 * recall@k against exact search among the documents the filter accepts, and the best of {@link
 * SearchSweep#TIMED_PASSES} timed passes. Checks that no hit fails the filter.
 */
final class FilteredSweep {

  /** One filter at one budget. */
  record Point(BenchFilter filter, int budget, double recall, double qps) {}

  private FilteredSweep() {}

  static List<Point> run(
      DirectoryReader reader,
      Dataset data,
      FormatUnderTest format,
      int k,
      List<BenchFilter> filters,
      List<int[][]> truths,
      int[] budgets)
      throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    searcher.setQueryCache(null);
    int[] idOfDoc = SearchSweep.idsByDoc(reader);
    List<Point> points = new ArrayList<>();
    for (int f = 0; f < filters.size(); f++) {
      BenchFilter filter = filters.get(f);
      int[][] truth = truths.get(f);
      for (int budget : budgets) {
        runAll(searcher, data, format, k, budget, filter, truth.length, null, idOfDoc);
        int[][] results = new int[truth.length][];
        double qps =
            SearchSweep.bestQps(
                truth.length,
                () ->
                    runAll(
                        searcher, data, format, k, budget, filter, truth.length, results, idOfDoc));
        points.add(new Point(filter, budget, SearchSweep.recall(results, idOfDoc, truth, k), qps));
      }
    }
    return points;
  }

  private static void runAll(
      IndexSearcher searcher,
      Dataset data,
      FormatUnderTest format,
      int k,
      int budget,
      BenchFilter filter,
      int numQueries,
      int[][] results,
      int[] idOfDoc)
      throws IOException {
    for (int q = 0; q < numQueries; q++) {
      TopDocs hits =
          searcher.search(
              format.query(IndexBuild.FIELD, data.queries()[q], k, budget, filter.query()), k);
      int[] docs = SearchSweep.docs(hits);
      for (int doc : docs) {
        if (filter.accepts().test(idOfDoc[doc]) == false) {
          throw new IllegalStateException(
              format.label() + " returned id " + idOfDoc[doc] + " outside filter " + filter.name());
        }
      }
      if (results != null) {
        results[q] = docs;
      }
    }
  }
}
