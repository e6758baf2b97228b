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

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Quickstart} run built and measured; {@link QuickstartReport} prints it.
 *
 * @param options what the run was asked to do
 * @param indexDirectory where the index was written
 * @param indexDeleted whether that directory was temporary and is gone now
 * @param segments the number of segments of the committed index
 * @param indexingNanos time to add all documents, build the forests and commit
 * @param bytesByExtension bytes of the committed index per file extension, largest first
 * @param samples a few queries with their hits, to show what results look like
 * @param unfiltered recall and latency of the queries without a filter
 * @param filtered recall and latency of the same queries restricted to one cluster
 * @param filterViolations hits of filtered queries that the filter should have excluded: must be 0
 * @param totalNanos time of the whole run, data generation included
 */
public record QuickstartResult(
    Quickstart.Options options,
    Path indexDirectory,
    boolean indexDeleted,
    int segments,
    long indexingNanos,
    Map<String, Long> bytesByExtension,
    List<SampleQuery> samples,
    QueryStats unfiltered,
    QueryStats filtered,
    int filterViolations,
    long totalNanos) {

  /** One hit of a query: the document's stored {@code id} and {@code cluster}, and its score. */
  public record Hit(String id, String cluster, float score) {}

  /**
   * A query shown in full.
   *
   * @param query the query's number among the generated queries
   * @param queryCluster the cluster the query vector was drawn around
   * @param filterCluster the cluster the query was restricted to, or null without a filter
   * @param hits the hits, best first
   * @param exactMatches how many of the hits are among the exact nearest neighbours
   */
  public record SampleQuery(
      int query, String queryCluster, String filterCluster, List<Hit> hits, int exactMatches) {}

  /**
   * Recall and latency over a set of queries. Recall is pooled: true neighbours found over true
   * neighbours that exist, which equals the mean per-query recall when every query has k of them.
   */
  public record QueryStats(
      int queries,
      long neighboursFound,
      long neighboursExpected,
      double meanMillis,
      double medianMillis) {

    /** Recall@k against exact search: the fraction of the true k nearest neighbours returned. */
    public double recall() {
      return neighboursExpected == 0 ? 1 : (double) neighboursFound / neighboursExpected;
    }
  }

  /** Bytes of the committed index, all files together. */
  public long totalBytes() {
    return bytesByExtension.values().stream().mapToLong(Long::longValue).sum();
  }
}
