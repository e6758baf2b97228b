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

import io.github.luceneannoy.examples.ClusteredVectors.LabelledVectors;
import io.github.luceneannoy.examples.QuickstartResult.Hit;
import io.github.luceneannoy.examples.QuickstartResult.QueryStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * Runs {@link KnnFloatVectorQuery k-NN queries} on the quickstart index and grades each against
 * exact search over the same generated vectors: how many true neighbours it found, whether it
 * returned a document its filter excludes, and how long Lucene took.
 */
final class KnnQueryGrader {

  /** The filter cluster of a query without a filter. */
  static final int NO_FILTER = -1;

  /** A query's hits and how they compare with exact search. */
  record GradedQuery(
      List<Hit> hits, int exactMatches, int expected, int filterViolations, long nanos) {}

  private final IndexSearcher searcher;
  private final StoredFields storedFields;
  private final LabelledVectors docs;
  private final int k;

  /** {@code docs} must be the vectors indexed, the document with id {@code i} holding the i-th. */
  KnnQueryGrader(IndexSearcher searcher, LabelledVectors docs, int k) throws IOException {
    this.searcher = searcher;
    this.storedFields = searcher.getIndexReader().storedFields();
    this.docs = docs;
    this.k = k;
  }

  /** Searches the {@code k} nearest neighbours of {@code query} in {@code filterCluster}. */
  GradedQuery run(float[] query, int filterCluster) throws IOException {
    KnnFloatVectorQuery knn =
        filterCluster == NO_FILTER
            ? new KnnFloatVectorQuery(Quickstart.VECTOR_FIELD, query, k)
            : new KnnFloatVectorQuery(
                Quickstart.VECTOR_FIELD,
                query,
                k,
                new TermQuery(
                    new Term(Quickstart.CLUSTER_FIELD, Quickstart.clusterLabel(filterCluster))));
    long start = System.nanoTime();
    TopDocs top = searcher.search(knn, k);
    long nanos = System.nanoTime() - start;

    IntPredicate accepted =
        filterCluster == NO_FILTER ? doc -> true : doc -> docs.clusters()[doc] == filterCluster;
    int[] exact = ExactNeighbours.search(docs.vectors(), query, k, accepted);
    Set<Integer> exactSet = new HashSet<>();
    Arrays.stream(exact).forEach(exactSet::add);

    List<Hit> hits = new ArrayList<>();
    int exactMatches = 0;
    int filterViolations = 0;
    for (ScoreDoc scoreDoc : top.scoreDocs) {
      Document doc = storedFields.document(scoreDoc.doc);
      Hit hit =
          new Hit(doc.get(Quickstart.ID_FIELD), doc.get(Quickstart.CLUSTER_FIELD), scoreDoc.score);
      hits.add(hit);
      int index = Integer.parseInt(hit.id());
      if (exactSet.contains(index)) {
        exactMatches++;
      }
      // judged by the generated labels rather than the stored field, which could be wrong too
      if (accepted.test(index) == false) {
        filterViolations++;
      }
    }
    return new GradedQuery(hits, exactMatches, exact.length, filterViolations, nanos);
  }

  /** Pooled recall and latency of {@code queries}. */
  static QueryStats summarize(List<GradedQuery> queries) {
    long found = 0;
    long expected = 0;
    long[] nanos = new long[queries.size()];
    for (int i = 0; i < nanos.length; i++) {
      GradedQuery query = queries.get(i);
      found += query.exactMatches();
      expected += query.expected();
      nanos[i] = query.nanos();
    }
    Arrays.sort(nanos);
    double meanMillis = Arrays.stream(nanos).average().orElse(0) / 1e6;
    double medianMillis = nanos.length == 0 ? 0 : nanos[nanos.length / 2] / 1e6;
    return new QueryStats(queries.size(), found, expected, meanMillis, medianMillis);
  }
}
