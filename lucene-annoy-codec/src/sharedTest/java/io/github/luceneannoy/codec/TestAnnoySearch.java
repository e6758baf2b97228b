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
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * k-NN queries through Lucene's query API on indexes that exercise the writer's paths: several
 * segments, deletes, filters, an index sort, sparse fields, merges. Every returned document must be
 * live, accepted by the filter and hold a vector; recall is measured against exact search over the
 * same accepted documents.
 */
public class TestAnnoySearch extends LuceneTestCase {
  private static final int K = 10;

  /**
   * Small leaves and few children, so that segments of a thousand vectors have trees several levels
   * deep and calibrated budgets well below their size; any seed.
   */
  private static AnnoyVectorsFormat smallFormat() {
    return new AnnoyVectorsFormat(
        2, 32, 4, AnnoyVectorsFormat.DEFAULT_TARGET_RECALL, random().nextLong());
  }

  private static final class Corpus {
    final float[][] vectors; // null where the doc has no vector
    final String[] colour;
    final boolean[] deleted;

    Corpus(float[][] vectors, String[] colour) {
      this.vectors = vectors;
      this.colour = colour;
      this.deleted = new boolean[vectors.length];
    }

    boolean live(int id) {
      return deleted[id] == false && vectors[id] != null;
    }
  }

  private static Corpus corpus(
      Random random, int count, int dim, VectorSimilarityFunction sim, double sparse) {
    float[][] vectors = TestData.shapeFor(sim, TestData.clustered(random, count, dim, 20, 0.7f));
    String[] colour = new String[count];
    for (int i = 0; i < count; i++) {
      colour[i] = random.nextInt(10) == 0 ? "red" : "blue";
      if (random.nextDouble() < sparse) {
        vectors[i] = null;
      }
    }
    return new Corpus(vectors, colour);
  }

  private static void index(IndexWriter writer, Corpus corpus, VectorSimilarityFunction sim)
      throws IOException {
    for (int i = 0; i < corpus.vectors.length; i++) {
      Document doc = new Document();
      doc.add(new StringField("id", Integer.toString(i), Field.Store.NO));
      doc.add(new NumericDocValuesField("id", i));
      doc.add(new NumericDocValuesField("sortkey", (i * 7919L) % corpus.vectors.length));
      doc.add(new StringField("colour", corpus.colour[i], Field.Store.NO));
      if (corpus.vectors[i] != null) {
        doc.add(new KnnFloatVectorField("v", corpus.vectors[i], sim));
      }
      writer.addDocument(doc);
    }
  }

  private static void deleteSome(IndexWriter writer, Corpus corpus, Random random, double fraction)
      throws IOException {
    for (int i = 0; i < corpus.vectors.length; i++) {
      if (random.nextDouble() < fraction) {
        corpus.deleted[i] = true;
        writer.deleteDocuments(new Term("id", Integer.toString(i)));
      }
    }
  }

  private IndexWriterConfig config(boolean sorted, AnnoyVectorsFormat format) {
    IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec(format));
    config.setMaxBufferedDocs(1500);
    config.setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    config.setMergePolicy(new TieredMergePolicy().setSegmentsPerTier(20));
    if (sorted) {
      config.setIndexSort(new Sort(new SortField("sortkey", SortField.Type.LONG)));
    }
    return config;
  }

  /**
   * Searches with and without a filter, checks every hit, and returns mean recall against exact
   * search over the accepted live documents.
   */
  private double checkQueries(
      Directory dir, Corpus corpus, VectorSimilarityFunction sim, Random random, boolean filtered)
      throws IOException {
    try (IndexReader reader = DirectoryReader.open(dir)) {
      for (var leaf : reader.leaves()) {
        // unfiltered queries go through the trees, not through scoring every vector
        ForestStatistics stats = ForestStatistics.read(leaf.reader(), "v").orElseThrow();
        assertTrue(stats.toString(), stats.budget10() < stats.vectors());
      }
      IndexSearcher searcher = newSearcher(reader, false);
      int queries = 100;
      double sum = 0;
      AtomicInteger fallbacks = new AtomicInteger();
      for (int q = 0; q < queries; q++) {
        float[] target = nearSomeVector(corpus, sim, random);
        Query filter = filtered ? new TermQuery(new Term("colour", "red")) : null;
        IntPredicate accept =
            id -> corpus.live(id) && (filtered == false || corpus.colour[id].equals("red"));
        TopDocs hits =
            searcher.search(LuceneLine.countingKnn("v", target, K, filter, fallbacks), K);
        int[] ids = TestData.ids(reader, hits);
        for (int id : ids) {
          assertTrue(
              "hit " + id + " is deleted, has no vector or fails the filter", accept.test(id));
        }
        assertEquals("distinct hits", ids.length, Arrays.stream(ids).distinct().count());
        int[] expected = TestData.exactTopK(sim, target, nonNull(corpus.vectors), K, accept);
        assertEquals("hit count", expected.length, ids.length);
        sum += TestData.recall(expected, ids);
      }
      // the hits are the forest's: Lucene never replaced a leaf's answer by its own exact search
      assertEquals("leaves answered by Lucene's exact search", 0, fallbacks.get());
      return sum / queries;
    }
  }

  /** A query drawn like the data: an indexed vector plus noise in proportion to its length. */
  private static float[] nearSomeVector(
      Corpus corpus, VectorSimilarityFunction sim, Random random) {
    float[] base;
    do {
      base = corpus.vectors[random.nextInt(corpus.vectors.length)];
    } while (base == null);
    float[][] query = {base.clone()};
    double norm = Math.sqrt(org.apache.lucene.util.VectorUtil.dotProduct(base, base));
    float sigma = (float) (0.3 * norm / Math.sqrt(base.length));
    for (int i = 0; i < base.length; i++) {
      query[0][i] += sigma * (float) random.nextGaussian();
    }
    return TestData.shapeFor(sim, query)[0];
  }

  /**
   * Replaces missing vectors by an unreachable placeholder for the exact search (never accepted).
   */
  private static float[][] nonNull(float[][] vectors) {
    float[][] copy = vectors.clone();
    int dim = -1;
    for (float[] v : vectors) {
      if (v != null) {
        dim = v.length;
      }
    }
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == null) {
        copy[i] = new float[dim];
      }
    }
    return copy;
  }

  public void testDeletesFiltersSortingAndMerges() throws IOException {
    for (VectorSimilarityFunction sim : VectorSimilarityFunction.values()) {
      boolean sorted = random().nextBoolean();
      Random random = new Random(random().nextLong());
      Corpus corpus = corpus(random, 6000, 32, sim, 0.1);
      AnnoyVectorsFormat format = smallFormat();
      try (Directory dir = new MMapDirectory(createTempDir())) {
        try (IndexWriter writer = new IndexWriter(dir, config(sorted, format))) {
          index(writer, corpus, sim);
          deleteSome(writer, corpus, random, 0.15);
          writer.commit();
        }
        String what = sim + (sorted ? " sorted" : "");
        assertRecall(what + " segments", checkQueries(dir, corpus, sim, random, false), 0.9);
        assertRecall(what + " segments, filter", checkQueries(dir, corpus, sim, random, true), 0.9);
        try (IndexWriter writer = new IndexWriter(dir, config(sorted, format))) {
          writer.forceMerge(1);
          deleteSome(writer, corpus, random, 0.05);
          writer.commit();
        }
        assertRecall(what + " merged", checkQueries(dir, corpus, sim, random, false), 0.9);
        assertRecall(what + " merged, filter", checkQueries(dir, corpus, sim, random, true), 0.9);
        TestUtil.checkIndex(dir);
      }
    }
  }

  private static void assertRecall(String what, double recall, double bar) {
    if (VERBOSE) {
      System.out.println(what + " recall@10=" + recall);
    }
    assertTrue(what + ": recall@10 " + recall + " < " + bar, recall >= bar);
  }

  public void testFilterMatchingFewerThanKAndNone() throws IOException {
    Random random = new Random(random().nextLong());
    VectorSimilarityFunction sim = VectorSimilarityFunction.EUCLIDEAN;
    Corpus corpus = corpus(random, 4000, 16, sim, 0);
    Set<Integer> rare = new HashSet<>();
    while (rare.size() < 3) {
      rare.add(random.nextInt(corpus.vectors.length));
    }
    for (int id : rare) {
      corpus.colour[id] = "green";
    }
    try (Directory dir = new MMapDirectory(createTempDir())) {
      try (IndexWriter writer = new IndexWriter(dir, config(false, smallFormat()))) {
        index(writer, corpus, sim);
        writer.forceMerge(1);
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = newSearcher(reader, false);
        float[] target = corpus.vectors[0];
        TopDocs few =
            searcher.search(
                new KnnFloatVectorQuery("v", target, K, new TermQuery(new Term("colour", "green"))),
                K);
        Set<Integer> found = new HashSet<>();
        for (int id : TestData.ids(reader, few)) {
          found.add(id);
        }
        assertEquals(rare, found);
        TopDocs none =
            searcher.search(
                new KnnFloatVectorQuery(
                    "v", target, K, new TermQuery(new Term("colour", "purple"))),
                K);
        assertEquals(0, none.scoreDocs.length);
      }
    }
  }

  public void testEmptyAndSingleVectorSegments() throws IOException {
    try (Directory dir = new MMapDirectory(createTempDir())) {
      IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec(smallFormat()));
      config.setMergePolicy(org.apache.lucene.index.NoMergePolicy.INSTANCE);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        Document single = new Document();
        single.add(new NumericDocValuesField("id", 0));
        single.add(
            new KnnFloatVectorField(
                "v", new float[] {1, 2, 3}, VectorSimilarityFunction.EUCLIDEAN));
        writer.addDocument(single);
        writer.commit();
        // a segment whose only vector document is deleted before the merge
        Document gone = new Document();
        gone.add(new NumericDocValuesField("id", 1));
        gone.add(new StringField("key", "1", Field.Store.NO));
        gone.add(
            new KnnFloatVectorField(
                "v", new float[] {3, 2, 1}, VectorSimilarityFunction.EUCLIDEAN));
        writer.addDocument(gone);
        writer.commit();
        writer.deleteDocuments(new Term("key", "1"));
        writer.commit();
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        TopDocs hits =
            new IndexSearcher(reader)
                .search(new KnnFloatVectorQuery("v", new float[] {0, 0, 0}, 5), 5);
        assertArrayEquals(new int[] {0}, TestData.ids(reader, hits));
      }
      IndexWriterConfig mergeConfig =
          new IndexWriterConfig().setCodec(new AnnoyCodec(smallFormat()));
      try (IndexWriter writer = new IndexWriter(dir, mergeConfig)) {
        writer.deleteDocuments(LuceneLine.matchAll());
        writer.addDocument(new Document());
        writer.forceMerge(1);
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        assertEquals(1, reader.leaves().size());
        TopDocs hits =
            new IndexSearcher(reader)
                .search(new KnnFloatVectorQuery("v", new float[] {0, 0, 0}, 5), 5);
        assertEquals(0, hits.scoreDocs.length);
      }
      TestUtil.checkIndex(dir);
    }
  }

  /**
   * A reader keeps the views of its searches for later ones: many searches, one after another and
   * from two threads at once, each get the hits the first search for their query got (a view that
   * kept its last query's count of nodes read would soon report a cycle).
   */
  public void testRepeatedAndConcurrentSearchesGetTheSameHits() throws Exception {
    Random random = new Random(random().nextLong());
    VectorSimilarityFunction sim = VectorSimilarityFunction.EUCLIDEAN;
    Corpus corpus = corpus(random, 1200, 8, sim, 0);
    try (Directory dir = new MMapDirectory(createTempDir())) {
      try (IndexWriter writer = new IndexWriter(dir, config(false, smallFormat()))) {
        index(writer, corpus, sim);
        writer.forceMerge(1);
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        int queries = 20;
        Query[] query = new Query[queries];
        int[][] first = new int[queries][];
        for (int q = 0; q < queries; q++) {
          query[q] = new KnnFloatVectorQuery("v", nearSomeVector(corpus, sim, random), K);
          first[q] = TestData.ids(reader, searcher.search(query[q], K));
          assertEquals(K, first[q].length);
        }
        for (int round = 0; round < 10; round++) {
          for (int q = 0; q < queries; q++) {
            assertArrayEquals(first[q], TestData.ids(reader, searcher.search(query[q], K)));
          }
        }
        AtomicInteger failures = new AtomicInteger();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
          int offset = t;
          threads[t] =
              new Thread(
                  () -> {
                    try {
                      for (int i = 0; i < 10 * queries; i++) {
                        int q = (i + offset * 7) % queries;
                        int[] ids = TestData.ids(reader, searcher.search(query[q], K));
                        if (Arrays.equals(first[q], ids) == false) {
                          failures.incrementAndGet();
                        }
                      }
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
          threads[t].start();
        }
        for (Thread thread : threads) {
          thread.join();
        }
        assertEquals(0, failures.get());
      }
    }
  }

  public void testHighDimensionsAndBytes() throws IOException {
    Random random = new Random(random().nextLong());
    int dim = 4096;
    int count = 300;
    float[][] floats = TestData.clustered(random, count, dim, 5, 0.5f);
    byte[][] bytes = TestData.toBytes(floats, 30f);
    try (Directory dir = new MMapDirectory(createTempDir())) {
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(4, 8, 4, 0.9f, random().nextLong())));
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < count; i++) {
          Document doc = new Document();
          doc.add(new NumericDocValuesField("id", i));
          doc.add(new KnnFloatVectorField("f", floats[i], VectorSimilarityFunction.COSINE));
          doc.add(new KnnByteVectorField("b", bytes[i], VectorSimilarityFunction.EUCLIDEAN));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        for (int q = 0; q < 5; q++) {
          int probe = random.nextInt(count);
          int[] f =
              TestData.ids(
                  reader, searcher.search(new KnnFloatVectorQuery("f", floats[probe], K), K));
          assertEquals(K, f.length);
          assertEquals("an indexed vector is its own nearest neighbour", probe, f[0]);
          int[] b =
              TestData.ids(
                  reader, searcher.search(new KnnByteVectorQuery("b", bytes[probe], K), K));
          assertEquals(K, b.length);
          assertEquals(probe, b[0]);
        }
      }
      TestUtil.checkIndex(dir);
    }
  }

  public void testDimensionAboveMaximumIsRejected() throws IOException {
    try (Directory dir = new MMapDirectory(createTempDir());
        IndexWriter writer =
            new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec()))) {
      Document doc = new Document();
      doc.add(new KnnFloatVectorField("v", new float[AnnoyVectorsFormat.MAXIMUM_DIMENSIONS + 1]));
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> writer.addDocument(doc));
      assertTrue(e.getMessage(), e.getMessage().contains("4096"));
    }
  }
}
