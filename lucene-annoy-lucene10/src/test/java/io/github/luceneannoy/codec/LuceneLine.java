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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TotalHits;

/**
 * What the tests shared by both Lucene lines (lucene-annoy-codec's src/sharedTest) do differently
 * on this one, Lucene 10; lucene-annoy-codec has a class of the same name and members for Lucene
 * 9.12.
 */
public final class LuceneLine {
  /** The name of this line's default codec. */
  public static final String DEFAULT_CODEC = "Lucene104";

  private LuceneLine() {}

  /** The count of {@code totalHits}. */
  public static long count(TotalHits totalHits) {
    return totalHits.value();
  }

  /**
   * Searches {@code reader}'s vectors of {@code field} directly, its live documents accepted
   * (Lucene 10's readers ask the accepted documents for their bits: there is no null for all).
   */
  public static void searchNearest(
      LeafReader reader, String field, float[] query, KnnCollector collector) throws IOException {
    reader.searchNearestVectors(field, query, collector, live(reader));
  }

  /** As {@link #searchNearest(LeafReader, String, float[], KnnCollector)}, for byte vectors. */
  public static void searchNearest(
      LeafReader reader, String field, byte[] query, KnnCollector collector) throws IOException {
    reader.searchNearestVectors(field, query, collector, live(reader));
  }

  private static AcceptDocs live(LeafReader reader) {
    return AcceptDocs.fromLiveDocs(reader.getLiveDocs(), reader.maxDoc());
  }

  /**
   * A plain k-NN query that counts in {@code fallbacks} the segments whose approximate answer
   * Lucene replaced by its own exact search.
   */
  public static Query countingKnn(
      String field, float[] target, int k, Query filter, AtomicInteger fallbacks) {
    return new FallbackCountingKnnFloatVectorQuery(field, target, k, filter, fallbacks);
  }

  /** A query matching every document. */
  public static Query matchAll() {
    return MatchAllDocsQuery.INSTANCE;
  }

  /** Makes {@code checker} run its slow checks too. */
  public static void slowChecks(CheckIndex checker) {
    checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
  }

  /**
   * Makes {@code checker} verify every file's checksum, as Lucene 9.12's did by default: Lucene
   * 10's checks only as far as the level it is given.
   */
  public static void integrityChecks(CheckIndex checker) {
    checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS);
  }

  /** The vector of document {@code doc} in {@code values}, or null if it has none. */
  public static float[] vectorOf(FloatVectorValues values, int doc) throws IOException {
    KnnVectorValues.DocIndexIterator iterator = values.iterator();
    return iterator.advance(doc) == doc ? values.vectorValue(iterator.index()) : null;
  }
}
