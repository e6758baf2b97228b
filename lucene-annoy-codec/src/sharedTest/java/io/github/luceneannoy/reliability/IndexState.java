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
package io.github.luceneannoy.reliability;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.codec.ForestStatistics;
import io.github.luceneannoy.codec.LuceneLine;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.NoLockFactory;
import org.apache.lucene.util.Bits;

/**
 * Checks that an index of {@link Corpus} documents on disk holds what its last commit promised,
 * that its forests are whole, and that it searches correctly, both exhaustively and through the
 * forests at their calibrated default budgets.
 */
final class IndexState {
  private static final int K = 10;

  /**
   * Recall@10 of default-budget searches against exhaustive search on the same reader, below which
   * a forest is taken to be damaged. Budgets are calibrated for the format's target recall (0.95 by
   * default) on each segment's own vectors; this bar sits well below any target the tests use, so
   * that it fails on a broken forest (recall near the share of vectors gathered by chance) and not
   * on a sample of unlucky queries.
   */
  static final double MIN_FOREST_RECALL = 0.8;

  private IndexState() {}

  /**
   * The last commit of {@code dir} opens and CheckIndex finds it clean; every id of {@code
   * mustHave} is live exactly once with its corpus vector and colour; no document outside {@code
   * mustHave ∪ mayHave} is live; each segment's forest of {@link Corpus#VECTOR} covers its vectors
   * (per {@link ForestStatistics}); exhaustive k-NN searches with the vectors of some committed
   * documents find them first and nothing unknown; default-budget searches return only live,
   * allowed documents with exact scores and reach {@link #MIN_FOREST_RECALL} against exhaustive
   * search.
   */
  static void assertHolds(
      Directory dir, Collection<String> mustHave, Collection<String> mayHave, Random random)
      throws IOException {
    // no write lock: a writer may hold it, idle; CheckIndex only reads the last commit
    try (CheckIndex checker =
        new CheckIndex(dir, NoLockFactory.INSTANCE.obtainLock(dir, IndexWriter.WRITE_LOCK_NAME))) {
      LuceneLine.slowChecks(checker);
      CheckIndex.Status status = checker.checkIndex();
      assertTrue("CheckIndex found the index not clean", status.clean);
    }
    Set<String> allowed = new HashSet<>(mustHave);
    allowed.addAll(mayHave);
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      List<String> present = liveIds(reader);
      Set<String> distinct = new HashSet<>(present);
      assertEquals("a live id is there twice", present.size(), distinct.size());
      for (String id : present) {
        assertTrue("doc " + id + " was never written", allowed.contains(id));
      }
      for (String id : mustHave) {
        TopDocs found = searcher.search(new TermQuery(Corpus.idTerm(id)), 2);
        assertEquals("committed doc " + id, 1, LuceneLine.count(found.totalHits));
        int doc = found.scoreDocs[0].doc;
        assertEquals(Corpus.colour(id), searcher.storedFields().document(doc).get(Corpus.COLOUR));
        assertArrayEquals("vector of " + id, Corpus.vector(id), vectorOf(reader, doc), 0f);
      }
      for (LeafReaderContext leaf : reader.leaves()) {
        assertForestCoversSegment(leaf.reader());
      }
      if (mustHave.isEmpty()) {
        return;
      }
      List<String> sample = new ArrayList<>(mustHave);
      for (int q = 0; q < Math.min(K, sample.size()); q++) {
        String id = sample.get(random.nextInt(sample.size()));
        TopDocs hits = searcher.search(exhaustive(Corpus.vector(id)), K);
        assertTrue("k-NN found nothing for " + id, hits.scoreDocs.length > 0);
        // the query is the document's own vector: it comes first, at distance 0 (score 1), tied
        // at most with documents whose id derives the same vector
        boolean found = false;
        for (ScoreDoc hit : hits.scoreDocs) {
          String hitId = idOf(searcher, hit.doc);
          assertTrue("k-NN returned unknown doc " + hitId, allowed.contains(hitId));
          found |= hitId.equals(id) && hit.score == hits.scoreDocs[0].score;
        }
        assertEquals(1f, hits.scoreDocs[0].score, 0f);
        assertTrue(id + " is not among the hits at distance 0", found);
      }
      assertForestSearches(searcher, sample, allowed, random);
    }
  }

  /** A query that scores every vector: its budget covers any segment these tests write. */
  static KnnFloatVectorQuery exhaustive(float[] query) {
    return new AnnoyKnnFloatVectorQuery(
        Corpus.VECTOR, query, K, null, AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT);
  }

  /** The forest of the corpus field in {@code segment} has every vector once in every tree. */
  private static void assertForestCoversSegment(LeafReader segment) throws IOException {
    FloatVectorValues values = segment.getFloatVectorValues(Corpus.VECTOR);
    Optional<ForestStatistics> read = ForestStatistics.read(segment, Corpus.VECTOR);
    if (values == null) {
      return;
    }
    ForestStatistics stats =
        read.orElseThrow(
            () -> new AssertionError("segment " + segment + " has vectors but no forest"));
    assertEquals(stats.toString(), values.size(), stats.vectors());
    assertEquals(stats.toString(), Corpus.DIM, stats.dimension());
    if (values.size() == 0) {
      return;
    }
    assertTrue(stats.toString(), stats.numTrees() >= 1);
    // every vector sits in exactly one leaf per tree: the leaves hold numTrees · vectors entries
    assertEquals(
        stats.toString(),
        (double) stats.numTrees() * stats.vectors(),
        stats.leaves() * stats.meanLeafSize(),
        1e-6 * stats.numTrees() * stats.vectors());
    assertTrue(stats.toString(), stats.minLeafSize() >= 1);
    assertTrue(stats.toString(), stats.largestLeafSize() <= stats.maxLeafSize());
    assertTrue(stats.toString(), stats.budget10() >= 1 && stats.budget100() >= stats.budget10());
  }

  /**
   * Searches at the default budget, near documents of {@code sample}: hits are allowed, distinct,
   * scored exactly and in order, and as a whole nearly as good as exhaustive search's.
   */
  private static void assertForestSearches(
      IndexSearcher searcher, List<String> sample, Set<String> allowed, Random random)
      throws IOException {
    int queries = 20;
    double recall = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = Corpus.vector(sample.get(random.nextInt(sample.size())));
      for (int i = 0; i < query.length; i++) {
        query[i] += 0.3f * (float) random.nextGaussian();
      }
      TopDocs exact = searcher.search(exhaustive(query), K);
      TopDocs approximate = searcher.search(new KnnFloatVectorQuery(Corpus.VECTOR, query, K), K);
      assertEquals(exact.scoreDocs.length, approximate.scoreDocs.length);
      Set<Integer> seen = new HashSet<>();
      float previous = Float.POSITIVE_INFINITY;
      for (ScoreDoc hit : approximate.scoreDocs) {
        assertTrue("doc " + hit.doc + " returned twice", seen.add(hit.doc));
        assertTrue("k-NN returned unknown doc", allowed.contains(idOf(searcher, hit.doc)));
        float score =
            VectorSimilarityFunction.EUCLIDEAN.compare(
                query, vectorOf(searcher.getIndexReader(), hit.doc));
        assertEquals("score of doc " + hit.doc, score, hit.score, 1e-6f * score);
        assertTrue("hits out of order", hit.score <= previous);
        previous = hit.score;
      }
      recall += recall(exact, approximate);
    }
    recall /= queries;
    assertTrue("default-budget recall@" + K + " " + recall, recall >= MIN_FOREST_RECALL);
  }

  /**
   * The share of exact hits that {@code approximate} matches, counting ties at the last as hits.
   */
  static double recall(TopDocs exact, TopDocs approximate) {
    if (exact.scoreDocs.length == 0) {
      return 1;
    }
    float last = exact.scoreDocs[exact.scoreDocs.length - 1].score;
    int found = 0;
    for (ScoreDoc hit : approximate.scoreDocs) {
      if (hit.score >= last) {
        found++;
      }
    }
    return (double) found / exact.scoreDocs.length;
  }

  /** The corpus vector stored for top-level {@code doc}; fails when it has none. */
  static float[] vectorOf(IndexReader reader, int doc) throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    FloatVectorValues values = leaf.reader().getFloatVectorValues(Corpus.VECTOR);
    assertNotNull("no vectors in the segment of doc " + doc, values);
    int local = doc - leaf.docBase;
    float[] vector = LuceneLine.vectorOf(values, local);
    assertNotNull("doc " + doc + " has no vector", vector);
    return vector.clone();
  }

  /** The ids of the live documents, in doc id order (an id twice if it is live twice). */
  static List<String> liveIds(DirectoryReader reader) throws IOException {
    List<String> ids = new ArrayList<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      StoredFields stored = leaf.reader().storedFields();
      for (int d = 0; d < leaf.reader().maxDoc(); d++) {
        if (live == null || live.get(d)) {
          String id = stored.document(d).get(Corpus.ID);
          assertNotNull("live document " + d + " of " + leaf.reader() + " has no id", id);
          ids.add(id);
        }
      }
    }
    return ids;
  }

  static String idOf(IndexSearcher searcher, int doc) throws IOException {
    return searcher.storedFields().document(doc).get(Corpus.ID);
  }
}
