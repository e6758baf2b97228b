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
import java.util.Objects;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;

/**
 * The common ways of combining a full-text (or keyword) query with a vector query on one Lucene
 * index, each a few lines over plain Lucene:
 *
 * <ul>
 *   <li>{@link #vectorFilteredBy}: the nearest vectors among the documents a query matches
 *       (pre-filtering: exact about the filter, approximate about the nearness);
 *   <li>{@link #textRerankedByVector}: text search for candidates, ranked by vector similarity;
 *   <li>{@link #fused}: both searches run separately and their ranked lists merged by a {@link
 *       Fusion} ({@link ReciprocalRankFusion} or {@link LinearScoreFusion}).
 * </ul>
 *
 * Every method returns top-level doc ids of the searcher's reader. Works on any index with a float
 * vector field; on segments written with the Annoy format a per-query budget applies when one is
 * given.
 *
 * <pre class="prettyprint">
 * HybridSearch hybrid = new HybridSearch(searcher, "embedding");
 * Query text = new QueryParser("body", analyzer).parse("running shoes");
 * TopDocs top = hybrid.fused(text, queryVector, 100, 10, new ReciprocalRankFusion());
 * </pre>
 */
public final class HybridSearch {
  private final IndexSearcher searcher;
  private final String vectorField;
  private final int candidatesPerHit;

  /** Hybrid search on {@code vectorField}, at the budget the index was written with. */
  public HybridSearch(IndexSearcher searcher, String vectorField) {
    this(searcher, vectorField, 0);
  }

  /**
   * @param candidatesPerHit Annoy search budget per requested hit, or 0 for the one each segment
   *     was written with
   */
  public HybridSearch(IndexSearcher searcher, String vectorField, int candidatesPerHit) {
    this.searcher = Objects.requireNonNull(searcher, "searcher");
    this.vectorField = Objects.requireNonNull(vectorField, "vectorField");
    if (candidatesPerHit < 0) {
      throw new IllegalArgumentException("candidatesPerHit must be >= 0, got " + candidatesPerHit);
    }
    this.candidatesPerHit = candidatesPerHit;
  }

  /** The k-NN query this instance runs: budgeted when a budget was given. */
  public Query knnQuery(float[] vector, int k, Query filter) {
    return candidatesPerHit > 0
        ? new AnnoyKnnFloatVectorQuery(vectorField, vector, k, filter, candidatesPerHit)
        : new KnnFloatVectorQuery(vectorField, vector, k, filter);
  }

  /** The {@code k} documents nearest to {@code vector} among those {@code filter} matches. */
  public TopDocs vectorFilteredBy(Query filter, float[] vector, int k) throws IOException {
    return searcher.search(knnQuery(vector, k, Objects.requireNonNull(filter, "filter")), k);
  }

  /**
   * The {@code candidates} best documents for {@code text}, ranked by the similarity of their
   * vectors to {@code vector}; the best {@code k} of them. Documents without a vector are dropped.
   */
  public TopDocs textRerankedByVector(Query text, float[] vector, int candidates, int k)
      throws IOException {
    checkDepth(candidates, k);
    TopDocs first = searcher.search(text, candidates);
    return new VectorSimilarityRescorer(vectorField, vector).rescore(searcher, first, k);
  }

  /**
   * Runs {@code text} and a k-NN search for {@code vector}, each for its best {@code depth}
   * documents, and fuses the two lists (text first, then vector: the order {@link
   * LinearScoreFusion}'s weights refer to) into the best {@code k}.
   */
  public TopDocs fused(Query text, float[] vector, int depth, int k, Fusion fusion)
      throws IOException {
    checkDepth(depth, k);
    TopDocs textHits = searcher.search(text, depth);
    TopDocs vectorHits = searcher.search(knnQuery(vector, depth, null), depth);
    return fusion.fuse(k, textHits, vectorHits);
  }

  private static void checkDepth(int depth, int k) {
    if (k < 1 || depth < k) {
      throw new IllegalArgumentException("need 1 <= k <= depth, got k=" + k + ", depth=" + depth);
    }
  }
}
