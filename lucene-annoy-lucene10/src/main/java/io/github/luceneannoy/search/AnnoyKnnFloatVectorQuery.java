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
package io.github.luceneannoy.search;

import java.io.IOException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.knn.KnnCollectorManager;

/**
 * A {@link KnnFloatVectorQuery} with its own Annoy search budget: segments written with the Annoy
 * format gather {@code candidatesPerHit × k} candidates (leaf entries) instead of the budget
 * recorded when they were written. Segments of other formats answer it as a plain {@link
 * KnnFloatVectorQuery}.
 *
 * <pre class="prettyprint">
 * // more candidates for a query that must not miss
 * searcher.search(new AnnoyKnnFloatVectorQuery("embedding", target, 10, filter, 400), 10);
 * </pre>
 */
// Mirrors AnnoyKnnByteVectorQuery on purpose: Lucene's AbstractKnnVectorQuery is package-private
public class AnnoyKnnFloatVectorQuery extends KnnFloatVectorQuery {
  private final int candidatesPerHit;

  /**
   * @param field the vector field
   * @param target the query vector
   * @param k number of hits
   * @param filter documents to search among, or null
   * @param candidatesPerHit candidates (leaf entries) to gather per hit, at least 1
   */
  public AnnoyKnnFloatVectorQuery(
      String field, float[] target, int k, Query filter, int candidatesPerHit) {
    super(field, target, k, filter);
    this.candidatesPerHit = BudgetedKnnCollector.checkCandidatesPerHit(candidatesPerHit);
  }

  public int getCandidatesPerHit() {
    return candidatesPerHit;
  }

  @Override
  protected TopDocs approximateSearch(
      LeafReaderContext context,
      AcceptDocs acceptDocs,
      int visitedLimit,
      KnnCollectorManager manager)
      throws IOException {
    // wrapped outermost, after any time limit, so the reader always sees the budget
    return super.approximateSearch(
        context, acceptDocs, visitedLimit, new BudgetedCollectorManager(manager, candidatesPerHit));
  }

  @Override
  public String toString(String field) {
    return super.toString(field) + "[candidatesPerHit=" + candidatesPerHit + "]";
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && ((AnnoyKnnFloatVectorQuery) o).candidatesPerHit == candidatesPerHit;
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + candidatesPerHit;
  }
}
