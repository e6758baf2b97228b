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
package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.QueryTimeout;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.knn.KnnCollectorManager;
import org.apache.lucene.util.Bits;

/**
 * A {@link KnnFloatVectorQuery} that counts the leaves on which Lucene dropped the approximate
 * answer for its own exact search: Lucene 9.12 does so when the search reached its visit limit
 * (Lucene 10 also when it returned fewer hits than asked). Without this count, a forest search that
 * came up short would be hidden behind exact hits, and a test's hit count and recall would measure
 * Lucene's brute force instead of the forest.
 */
final class FallbackCountingKnnFloatVectorQuery extends KnnFloatVectorQuery {
  private final Set<LeafReaderContext> approximated = ConcurrentHashMap.newKeySet();
  private final AtomicInteger fallbacks;

  /**
   * @param fallbacks incremented for each leaf searched approximately, then exactly
   */
  FallbackCountingKnnFloatVectorQuery(
      String field, float[] target, int k, Query filter, AtomicInteger fallbacks) {
    super(field, target, k, filter);
    this.fallbacks = fallbacks;
  }

  @Override
  protected TopDocs approximateSearch(
      LeafReaderContext context, Bits acceptDocs, int visitedLimit, KnnCollectorManager manager)
      throws IOException {
    approximated.add(context);
    return super.approximateSearch(context, acceptDocs, visitedLimit, manager);
  }

  @Override
  protected TopDocs exactSearch(
      LeafReaderContext context, DocIdSetIterator acceptIterator, QueryTimeout queryTimeout)
      throws IOException {
    if (approximated.contains(context)) {
      fallbacks.incrementAndGet();
    }
    return super.exactSearch(context, acceptIterator, queryTimeout);
  }
}
