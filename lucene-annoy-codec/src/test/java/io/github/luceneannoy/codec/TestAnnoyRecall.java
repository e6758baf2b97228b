package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.Locale;
import java.util.Random;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Recall@10 at default settings against exact search, on clustered data of 20,000 vectors of 64
 * dimensions, for every similarity and for byte vectors: the bar the defaults were chosen for.
 */
public class TestAnnoyRecall extends LuceneTestCase {
  static final int COUNT = 20_000;
  static final int DIM = 64;
  static final int QUERIES = 100;
  static final int K = 10;
  static final double BAR = 0.95;
  static final float SPREAD = 1.0f;

  public void testEuclidean() throws IOException {
    assertFloatRecall(VectorSimilarityFunction.EUCLIDEAN);
  }

  public void testCosine() throws IOException {
    assertFloatRecall(VectorSimilarityFunction.COSINE);
  }

  public void testDotProduct() throws IOException {
    assertFloatRecall(VectorSimilarityFunction.DOT_PRODUCT);
  }

  public void testMaximumInnerProduct() throws IOException {
    assertFloatRecall(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);
  }

  public void testBytesEuclidean() throws IOException {
    assertByteRecall(VectorSimilarityFunction.EUCLIDEAN);
  }

  public void testBytesCosine() throws IOException {
    assertByteRecall(VectorSimilarityFunction.COSINE);
  }

  public void testBytesDotProduct() throws IOException {
    assertByteRecall(VectorSimilarityFunction.DOT_PRODUCT);
  }

  public void testBytesMaximumInnerProduct() throws IOException {
    assertByteRecall(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);
  }

  /** Vectors of 256 dimensions: codes of 256 bits, budgets calibrated on another kind of data. */
  public void testHighDimensionEuclidean() throws IOException {
    assertFloatRecall(VectorSimilarityFunction.EUCLIDEAN, 256, "256-d float32 ");
  }

  public void testHighDimensionCosine() throws IOException {
    assertFloatRecall(VectorSimilarityFunction.COSINE, 256, "256-d float32 ");
  }

  public void testHighDimensionMaximumInnerProduct() throws IOException {
    assertFloatRecall(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, 256, "256-d float32 ");
  }

  static KnnVectorsFormat formatUnderTest() {
    return new AnnoyVectorsFormat();
  }

  private void assertFloatRecall(VectorSimilarityFunction similarity) throws IOException {
    assertFloatRecall(similarity, DIM, "float32 ");
  }

  private void assertFloatRecall(VectorSimilarityFunction similarity, int dim, String label) throws IOException {
    assertFloatRecall(similarity, dim, SPREAD, label);
  }

  private void assertFloatRecall(VectorSimilarityFunction similarity, int dim, float spread, String label)
      throws IOException {
    Random random = new Random(random().nextLong());
    float[][] vectors = TestData.shapeFor(similarity, TestData.clustered(random, COUNT + QUERIES, dim, 50, spread));
    float[][] docs = java.util.Arrays.copyOf(vectors, COUNT);
    try (Directory dir = new MMapDirectory(createTempDir())) {
      index(dir, docs.length, i -> new KnnFloatVectorField("v", docs[i], similarity));
      double multiSegment = recall(dir, q -> new KnnFloatVectorQuery("v", vectors[COUNT + q], K),
          q -> TestData.exactTopK(similarity, vectors[COUNT + q], docs, K, i -> true), false);
      double merged = recall(dir, q -> new KnnFloatVectorQuery("v", vectors[COUNT + q], K),
          q -> TestData.exactTopK(similarity, vectors[COUNT + q], docs, K, i -> true), true);
      report(label + similarity, multiSegment, merged);
    }
  }

  private void assertByteRecall(VectorSimilarityFunction similarity) throws IOException {
    Random random = new Random(random().nextLong());
    float[][] floats = TestData.clustered(random, COUNT + QUERIES, DIM, 50, SPREAD);
    byte[][] vectors = TestData.toBytes(floats, 40f);
    byte[][] docs = java.util.Arrays.copyOf(vectors, COUNT);
    try (Directory dir = new MMapDirectory(createTempDir())) {
      index(dir, docs.length, i -> new KnnByteVectorField("v", docs[i], similarity));
      double multiSegment = recall(dir, q -> new KnnByteVectorQuery("v", vectors[COUNT + q], K),
          q -> TestData.exactTopK(similarity, vectors[COUNT + q], docs, K, i -> true), false);
      double merged = recall(dir, q -> new KnnByteVectorQuery("v", vectors[COUNT + q], K),
          q -> TestData.exactTopK(similarity, vectors[COUNT + q], docs, K, i -> true), true);
      report("byte " + similarity, multiSegment, merged);
    }
  }

  private void report(String what, double multiSegment, double merged) {
    if (VERBOSE) {
      System.out.printf(Locale.ROOT, "recall@%d %-30s segments=%.4f merged=%.4f%n", K, what, multiSegment, merged);
    }
    assertTrue(what + " recall over segments " + multiSegment, multiSegment >= BAR);
    assertTrue(what + " recall after forceMerge(1) " + merged, merged >= BAR);
  }

  private void index(Directory dir, int count, java.util.function.IntFunction<org.apache.lucene.index.IndexableField> field)
      throws IOException {
    IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec(formatUnderTest()));
    config.setMaxBufferedDocs(COUNT / 4);
    config.setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    config.setMergePolicy(org.apache.lucene.index.NoMergePolicy.INSTANCE);
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < count; i++) {
        Document doc = new Document();
        doc.add(new NumericDocValuesField("id", i));
        doc.add(field.apply(i));
        writer.addDocument(doc);
      }
      writer.commit();
    }
  }

  private double recall(
      Directory dir,
      java.util.function.IntFunction<Query> query,
      java.util.function.IntFunction<int[]> exact,
      boolean forceMerge)
      throws IOException {
    if (forceMerge) {
      IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec(formatUnderTest()));
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        writer.forceMerge(1);
      }
    }
    try (IndexReader reader = DirectoryReader.open(dir)) {
      assertEquals(forceMerge ? 1 : 4, reader.leaves().size());
      IndexSearcher searcher = new IndexSearcher(reader);
      double sum = 0;
      for (int q = 0; q < QUERIES; q++) {
        TopDocs hits = searcher.search(query.apply(q), K);
        sum += TestData.recall(exact.apply(q), ids(reader, hits));
      }
      TestUtil.checkIndex(dir);
      return sum / QUERIES;
    }
  }

  static int[] ids(IndexReader reader, TopDocs hits) throws IOException {
    int[] ids = new int[hits.scoreDocs.length];
    for (int i = 0; i < ids.length; i++) {
      ScoreDoc sd = hits.scoreDocs[i];
      LeafReaderContext leaf = reader.leaves().get(ReaderUtil.subIndex(sd.doc, reader.leaves()));
      NumericDocValues values = leaf.reader().getNumericDocValues("id");
      assertTrue(values.advanceExact(sd.doc - leaf.docBase));
      ids[i] = (int) values.longValue();
    }
    return ids;
  }
}
