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

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.codec.ForestStatistics;
import io.github.luceneannoy.codec.LuceneLine;
import io.github.luceneannoy.forest.BudgetCalibration;
import io.github.luceneannoy.forest.ForestSearcher;
import io.github.luceneannoy.forest.LeafTraversal;
import java.io.IOException;
import java.util.Locale;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The per-query budget reaches the Annoy reader and sets how many candidates it gathers: a search
 * scores at most its budget (and at least {@link ForestSearcher#minimumScored}), the segment's
 * calibrated budget when the collector carries none, and every vector once the budget covers the
 * segment.
 */
public class TestAnnoyKnnQueries extends LuceneTestCase {
  private static final int COUNT = 3000;
  private static final int DIM = 16;

  private float[][] floats;
  private byte[][] bytes;

  /** One merged segment of random vectors, with a low target so its budgets stay small. */
  private Directory indexRandomVectors() throws IOException {
    Directory dir = newDirectory();
    floats = new float[COUNT][];
    bytes = new byte[COUNT][];
    AnnoyVectorsFormat format = new AnnoyVectorsFormat(2, 32, 8, 0.8f, random().nextLong());
    IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec(format));
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < COUNT; i++) {
        Document doc = new Document();
        floats[i] = randomVector(DIM);
        bytes[i] = new byte[DIM];
        random().nextBytes(bytes[i]);
        doc.add(new StoredField("id", i));
        doc.add(new KnnFloatVectorField("f", floats[i], VectorSimilarityFunction.EUCLIDEAN));
        doc.add(new KnnByteVectorField("b", bytes[i], VectorSimilarityFunction.EUCLIDEAN));
        writer.addDocument(doc);
      }
      writer.forceMerge(1);
    }
    return dir;
  }

  private static float[] randomVector(int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = random().nextFloat() * 2 - 1;
    }
    return v;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[DIM];
    random().nextBytes(b);
    return b;
  }

  /** The segment's calibrated budget for {@code k} hits, as the reader derives it. */
  private static int recordedBudget(LeafReader leaf, String field, int k) throws IOException {
    ForestStatistics stats = ForestStatistics.read(leaf, field).orElseThrow();
    LeafTraversal.Order order = LeafTraversal.Order.valueOf(stats.order().toUpperCase(Locale.ROOT));
    return new BudgetCalibration.Budgets(order, stats.budget10(), stats.budget100()).forHits(k);
  }

  public void testCollectorBudgetOverridesRecordedBudget() throws IOException {
    try (Directory dir = indexRandomVectors();
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader leaf = getOnlyLeafReader(reader);
      int k = 5;
      int minimum = ForestSearcher.minimumScored(k);
      for (String field : new String[] {"f", "b"}) {
        int recorded = recordedBudget(leaf, field, k);
        assertTrue(
            field + ": budget " + recorded + " leaves work to the forest", recorded < COUNT / 2);
        TopKnnCollector plain = new TopKnnCollector(k, Integer.MAX_VALUE);
        search(leaf, field, plain);
        assertScored(
            field + " at the segment's own budget", plain.visitedCount(), minimum, recorded);
        assertEquals(k, plain.topDocs().scoreDocs.length);

        for (int candidatesPerHit : new int[] {1, 7, 40}) {
          // the searcher gathers at least the minimum per tree (2 trees)
          int budget = Math.max(candidatesPerHit * k, 2 * minimum);
          TopKnnCollector inner = new TopKnnCollector(k, Integer.MAX_VALUE);
          search(leaf, field, new BudgetedKnnCollector(inner, candidatesPerHit));
          assertScored(
              field + " at " + candidatesPerHit + " per hit",
              inner.visitedCount(),
              minimum,
              budget);
          assertEquals(k, inner.topDocs().scoreDocs.length);
        }

        // a budget of the segment's size gathers (cheaper than scoring every vector, see
        // TestExactFallback), each vector scored at most once; a budget of every entry of both
        // trees scores every vector once, and nothing beyond that
        TopKnnCollector most = new TopKnnCollector(k, Integer.MAX_VALUE);
        search(leaf, field, new BudgetedKnnCollector(most, COUNT / k));
        assertScored(field + " at the segment's size", most.visitedCount(), minimum, COUNT);
        assertEquals(k, most.topDocs().scoreDocs.length);
        for (int candidatesPerHit : new int[] {2 * COUNT / k, COUNT}) {
          TopKnnCollector all = new TopKnnCollector(k, Integer.MAX_VALUE);
          search(leaf, field, new BudgetedKnnCollector(all, candidatesPerHit));
          assertEquals(field, COUNT, all.visitedCount());
        }
      }
    }
  }

  private void search(
      LeafReader leaf, String field, org.apache.lucene.search.KnnCollector collector)
      throws IOException {
    if (field.equals("f")) {
      LuceneLine.searchNearest(leaf, field, randomVector(DIM), collector);
    } else {
      LuceneLine.searchNearest(leaf, field, randomBytes(), collector);
    }
  }

  private static void assertScored(String what, long scored, int minimum, int budget) {
    assertTrue(
        what + ": scored " + scored + ", expected in [" + minimum + ", " + budget + "]",
        scored >= minimum && scored <= budget);
  }

  /**
   * A budget covering the segment gives the exact answer; any smaller budget gives answers no
   * better, hit by hit; and over many queries a larger budget finds at least as many of the true
   * neighbours as a smaller one.
   */
  public void testLargerBudgetNeverLosesToSmaller() throws IOException {
    try (Directory dir = indexRandomVectors();
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = newSearcher(reader);
      int k = 10;
      int[] perHit = {1, 5, 20};
      double[] found = new double[perHit.length];
      int queries = atLeast(20);
      for (int q = 0; q < queries; q++) {
        float[] target = randomVector(DIM);
        TopDocs exact =
            searcher.search(new AnnoyKnnFloatVectorQuery("f", target, k, null, COUNT), k);
        assertExact(searcher, target, exact, k);
        float kth = exact.scoreDocs[k - 1].score;
        for (int b = 0; b < perHit.length; b++) {
          TopDocs hits =
              searcher.search(new AnnoyKnnFloatVectorQuery("f", target, k, null, perHit[b]), k);
          assertEquals(k, hits.scoreDocs.length);
          for (int i = 0; i < k; i++) {
            assertTrue(hits.scoreDocs[i].score <= exact.scoreDocs[i].score);
            if (hits.scoreDocs[i].score >= kth) {
              found[b]++;
            }
          }
        }
      }
      for (int b = 1; b < perHit.length; b++) {
        assertTrue(
            perHit[b]
                + " per hit found "
                + found[b]
                + ", "
                + perHit[b - 1]
                + " per hit "
                + found[b - 1],
            found[b] >= found[b - 1]);
      }
      // and the default budget, calibrated for 0.8, finds most of them
      double defaultFound = 0;
      for (int q = 0; q < queries; q++) {
        float[] target = randomVector(DIM);
        TopDocs exact =
            searcher.search(new AnnoyKnnFloatVectorQuery("f", target, k, null, COUNT), k);
        TopDocs hits = searcher.search(new KnnFloatVectorQuery("f", target, k), k);
        for (ScoreDoc hit : hits.scoreDocs) {
          if (hit.score >= exact.scoreDocs[k - 1].score) {
            defaultFound++;
          }
        }
      }
      assertTrue(
          "default budget found " + defaultFound + " of " + queries * k,
          defaultFound >= 0.6 * queries * k);
    }
  }

  /** The hits are the {@code k} vectors nearest {@code target} by brute force (ties aside). */
  private void assertExact(IndexSearcher searcher, float[] target, TopDocs hits, int k)
      throws IOException {
    float[] scores = new float[COUNT];
    for (int i = 0; i < COUNT; i++) {
      scores[i] = VectorSimilarityFunction.EUCLIDEAN.compare(target, floats[i]);
    }
    float[] sorted = scores.clone();
    java.util.Arrays.sort(sorted);
    assertEquals(k, hits.scoreDocs.length);
    for (int i = 0; i < k; i++) {
      int id =
          searcher
              .storedFields()
              .document(hits.scoreDocs[i].doc)
              .getField("id")
              .numericValue()
              .intValue();
      assertEquals(scores[id], hits.scoreDocs[i].score, 0f);
      assertEquals(sorted[COUNT - 1 - i], hits.scoreDocs[i].score, 0f);
    }
  }

  /**
   * The byte query takes its budget the same way, and answers exactly when it covers the segment.
   */
  public void testByteQueryBudget() throws IOException {
    try (Directory dir = indexRandomVectors();
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = newSearcher(reader);
      int k = 3;
      byte[] target = randomBytes();
      TopDocs exact = searcher.search(new AnnoyKnnByteVectorQuery("b", target, k, null, COUNT), k);
      float[] scores = new float[COUNT];
      for (int i = 0; i < COUNT; i++) {
        scores[i] = VectorSimilarityFunction.EUCLIDEAN.compare(target, bytes[i]);
      }
      java.util.Arrays.sort(scores);
      for (int i = 0; i < k; i++) {
        assertEquals(scores[COUNT - 1 - i], exact.scoreDocs[i].score, 0f);
      }
      TopDocs plain = searcher.search(new KnnByteVectorQuery("b", target, k), k);
      assertEquals(k, plain.scoreDocs.length);
      assertTrue(plain.scoreDocs[0].score <= exact.scoreDocs[0].score);
    }
  }

  public void testEqualsHashCodeAndValidation() {
    float[] t = {1, 2};
    assertEquals(
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9),
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9));
    assertEquals(
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9).hashCode(),
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9).hashCode());
    assertNotEquals(
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9),
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 10));
    assertNotEquals(
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9), new KnnFloatVectorQuery("f", t, 3, null));
    assertEquals(
        new AnnoyKnnByteVectorQuery("f", new byte[] {1}, 3, null, 9),
        new AnnoyKnnByteVectorQuery("f", new byte[] {1}, 3, null, 9));
    assertNotEquals(
        new AnnoyKnnByteVectorQuery("f", new byte[] {1}, 3, null, 9),
        new AnnoyKnnByteVectorQuery("f", new byte[] {1}, 3, null, 8));
    assertTrue(
        new AnnoyKnnByteVectorQuery("f", new byte[] {1}, 3, null, 9)
            .toString("f")
            .contains("candidatesPerHit=9"));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new AnnoyKnnFloatVectorQuery("f", t, 3, null, 0));
    assertTrue(e.getMessage().contains("candidatesPerHit"));
    expectThrows(
        IllegalArgumentException.class,
        () -> new AnnoyKnnByteVectorQuery("f", new byte[] {1}, 3, null, -1));
    expectThrows(
        IllegalArgumentException.class,
        () -> new BudgetedKnnCollector(new TopKnnCollector(1, 1), 0));
  }
}
