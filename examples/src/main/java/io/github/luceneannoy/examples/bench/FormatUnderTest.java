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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;

/**
 * A vector format in the benchmark and how its search budget is swept: for the Annoy format the
 * candidates per hit, for HNSW the fan-out (the query asks for {@code budget} neighbours and the
 * top {@code k} are kept), which is how HNSW users trade speed for recall in Lucene 9.
 */
public interface FormatUnderTest {

  /** A short label for tables ("annoy", "annoy-default", "annoy-q7", "hnsw"). */
  String label();

  /**
   * The label of the index this format searches: formats with the same index label share one index,
   * built once (the Annoy format swept by its per-query budget and by plain fan-out).
   */
  default String indexLabel() {
    return label();
  }

  KnnVectorsFormat format();

  /** What the swept budget means, for reports. */
  String budgetName();

  int[] budgets();

  /** A k-NN query at the given budget, restricted to {@code filter} unless it is null. */
  Query query(String field, float[] target, int k, int budget, Query filter);

  static FormatUnderTest annoy(AnnoyVectorsFormat format, int[] budgets) {
    return annoy("annoy", format, budgets);
  }

  /**
   * An Annoy format under {@code label}: {@link AnnoyVectorsFormat} or its quantized variant
   * ({@link io.github.luceneannoy.codec.AnnoyScalarQuantizedVectorsFormat}), swept over candidates
   * per hit.
   */
  static FormatUnderTest annoy(String label, KnnVectorsFormat format, int[] budgets) {
    return new Swept(
        label,
        label,
        format,
        "candidates per hit",
        budgets,
        (field, target, k, budget, filter) ->
            new AnnoyKnnFloatVectorQuery(field, target, k, filter, budget));
  }

  /**
   * The Annoy format searched as a user of Lucene would, with plain {@link KnnFloatVectorQuery}s
   * asking for {@code fanout} neighbours (the top {@code k} kept): each segment gathers the
   * candidates its calibration chose for that many hits. Shares the index of {@code indexLabel}.
   */
  static FormatUnderTest annoyDefault(String indexLabel, KnnVectorsFormat format, int[] fanouts) {
    return new Swept(
        indexLabel + "-default", indexLabel, format, "fan-out k", fanouts, FormatUnderTest::fanOut);
  }

  static FormatUnderTest hnsw(int maxConn, int beamWidth, int[] fanouts) {
    return hnsw(maxConn, beamWidth, 1, fanouts);
  }

  /**
   * HNSW whose merges insert nodes on {@code mergeWorkers} threads, taken from the merge
   * scheduler's intra-merge executor (Lucene's default is one).
   */
  static FormatUnderTest hnsw(int maxConn, int beamWidth, int mergeWorkers, int[] fanouts) {
    Lucene99HnswVectorsFormat format =
        new Lucene99HnswVectorsFormat(maxConn, beamWidth, mergeWorkers, null);
    return new Swept("hnsw", "hnsw", format, "fan-out k", fanouts, FormatUnderTest::fanOut);
  }

  /**
   * A plain k-NN query for {@code fanout} neighbours, of which the caller keeps the top {@code k}.
   */
  private static Query fanOut(String field, float[] target, int k, int fanout, Query filter) {
    return new KnnFloatVectorQuery(field, target, Math.max(k, fanout), filter);
  }

  /** Builds a format's query at a budget; see {@link FormatUnderTest#query}. */
  @FunctionalInterface
  interface QueryAtBudget {
    Query query(String field, float[] target, int k, int budget, Query filter);
  }

  /** A format under test from its parts. */
  record Swept(
      String label,
      String indexLabel,
      KnnVectorsFormat format,
      String budgetName,
      int[] budgets,
      QueryAtBudget queries)
      implements FormatUnderTest {
    @Override
    public Query query(String field, float[] target, int k, int budget, Query filter) {
      return queries.query(field, target, k, budget, filter);
    }
  }
}
