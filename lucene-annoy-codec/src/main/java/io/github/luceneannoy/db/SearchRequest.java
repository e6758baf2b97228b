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
package io.github.luceneannoy.db;

import java.util.Objects;
import org.apache.lucene.search.Query;

/**
 * A k-nearest-neighbour search with everything optional spelled out: a filter, whether hits carry
 * their vectors and metadata, and a per-query search budget. Immutable; each {@code with…} method
 * returns a new request.
 *
 * <pre class="prettyprint">
 * List&lt;Hit&gt; hits = db.search(SearchRequest.of(query, 10)
 *     .withFilter(Filter.keyword("label", "Sneaker"))
 *     .withVectors(true)
 *     .withCandidatesPerHit(400));
 * </pre>
 */
public final class SearchRequest {
  private final float[] query;
  private final int k;
  private final Query filter;
  private final Filter metadataFilter;
  private final boolean vectors;
  private final boolean metadata;
  private final int candidatesPerHit;

  private SearchRequest(
      float[] query,
      int k,
      Query filter,
      Filter metadataFilter,
      boolean vectors,
      boolean metadata,
      int candidatesPerHit) {
    this.query = query;
    this.k = k;
    this.filter = filter;
    this.metadataFilter = metadataFilter;
    this.vectors = vectors;
    this.metadata = metadata;
    this.candidatesPerHit = candidatesPerHit;
  }

  /**
   * The {@code k} nearest neighbours of {@code query}, without filter, vectors or metadata, at each
   * segment's default budget (calibrated for {@link VectorDbConfig#targetRecall()} when the segment
   * was written).
   */
  public static SearchRequest of(float[] query, int k) {
    Objects.requireNonNull(query, "query");
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    return new SearchRequest(query.clone(), k, null, null, false, false, 0);
  }

  /** Restricts the search to vectors whose metadata {@code filter} accepts (null: no filter). */
  public SearchRequest withFilter(Filter filter) {
    return new SearchRequest(query, k, null, filter, vectors, metadata, candidatesPerHit);
  }

  /** Restricts the search to documents that {@code filter} matches (null: no filter). */
  public SearchRequest withFilter(Query filter) {
    return new SearchRequest(query, k, filter, null, vectors, metadata, candidatesPerHit);
  }

  /** Whether hits carry their stored components. */
  public SearchRequest withVectors(boolean include) {
    return new SearchRequest(query, k, filter, metadataFilter, include, metadata, candidatesPerHit);
  }

  /** Whether hits carry their stored metadata. */
  public SearchRequest withMetadata(boolean include) {
    return new SearchRequest(query, k, filter, metadataFilter, vectors, include, candidatesPerHit);
  }

  /**
   * This search's own budget: candidates (leaf entries) to gather per requested hit, {@code
   * candidatesPerHit × k} in all (more: higher recall, slower). 0, the default, keeps each
   * segment's calibrated default budget.
   */
  public SearchRequest withCandidatesPerHit(int candidatesPerHit) {
    if (candidatesPerHit < 0) {
      throw new IllegalArgumentException("candidatesPerHit must be >= 0, got " + candidatesPerHit);
    }
    return new SearchRequest(query, k, filter, metadataFilter, vectors, metadata, candidatesPerHit);
  }

  float[] query() {
    return query;
  }

  public int k() {
    return k;
  }

  boolean includeVectors() {
    return vectors;
  }

  boolean includeMetadata() {
    return metadata;
  }

  int candidatesPerHit() {
    return candidatesPerHit;
  }

  /**
   * The filter as a Lucene query (null for none), analysing metadata text with {@code analyzer}.
   */
  Query filterQuery(org.apache.lucene.analysis.Analyzer analyzer) {
    return metadataFilter != null ? metadataFilter.toQuery(analyzer) : filter;
  }
}
