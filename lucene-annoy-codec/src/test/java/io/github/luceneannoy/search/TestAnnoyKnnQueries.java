package io.github.luceneannoy.search;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/** The per-query budget reaches the Annoy reader and changes how many candidates it scores. */
public class TestAnnoyKnnQueries extends LuceneTestCase {
  private static final int COUNT = 3000;
  private static final int DIM = 16;

  private Directory indexRandomVectors() throws IOException {
    Directory dir = newDirectory();
    // recorded budget: 2 per hit
    IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec(new AnnoyVectorsFormat(4, 16, 2)));
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < COUNT; i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("f", randomVector(DIM), VectorSimilarityFunction.EUCLIDEAN));
        byte[] b = new byte[DIM];
        random().nextBytes(b);
        doc.add(new KnnByteVectorField("b", b, VectorSimilarityFunction.EUCLIDEAN));
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

  public void testCollectorBudgetOverridesRecordedBudget() throws IOException {
    try (Directory dir = indexRandomVectors();
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader leaf = reader.leaves().get(0).reader();
      int k = 5;
      TopKnnCollector recorded = new TopKnnCollector(k, Integer.MAX_VALUE);
      leaf.searchNearestVectors("f", randomVector(DIM), recorded, null);
      assertEquals("the segment's own budget: 2 per hit", 2L * k, recorded.visitedCount());

      for (int cph : new int[] {1, 7, 40}) {
        TopKnnCollector inner = new TopKnnCollector(k, Integer.MAX_VALUE);
        leaf.searchNearestVectors("f", randomVector(DIM), new BudgetedKnnCollector(inner, cph), null);
        assertEquals((long) cph * k, inner.visitedCount());
        byte[] target = new byte[DIM];
        random().nextBytes(target);
        TopKnnCollector bytes = new TopKnnCollector(k, Integer.MAX_VALUE);
        leaf.searchNearestVectors("b", target, new BudgetedKnnCollector(bytes, cph), null);
        assertEquals((long) cph * k, bytes.visitedCount());
      }
    }
  }

  public void testLargerBudgetNeverLosesToSmaller() throws IOException {
    try (Directory dir = indexRandomVectors();
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = newSearcher(reader);
      float[] target = randomVector(DIM);
      int k = 10;
      TopDocs exact = searcher.search(new AnnoyKnnFloatVectorQuery("f", target, k, null, COUNT), k);
      TopDocs small = searcher.search(new AnnoyKnnFloatVectorQuery("f", target, k, null, 1), k);
      assertEquals(k, small.scoreDocs.length);
      // a budget covering the segment is exact: the k-th score bounds every other answer's
      float kth = exact.scoreDocs[k - 1].score;
      for (int i = 0; i < k; i++) {
        assertTrue(small.scoreDocs[i].score <= exact.scoreDocs[i].score);
      }
      assertTrue(small.scoreDocs[k - 1].score <= kth);
    }
  }

  public void testEqualsHashCodeAndValidation() {
    float[] t = {1, 2};
    assertEquals(new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9), new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9));
    assertEquals(
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9).hashCode(),
        new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9).hashCode());
    assertNotEquals(new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9), new AnnoyKnnFloatVectorQuery("f", t, 3, null, 10));
    assertNotEquals(new AnnoyKnnFloatVectorQuery("f", t, 3, null, 9), new KnnFloatVectorQuery("f", t, 3, null));
    assertTrue(new AnnoyKnnByteVectorQuery("f", new byte[] {1}, 3, null, 9).toString("f").contains("candidatesPerHit=9"));
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> new AnnoyKnnFloatVectorQuery("f", t, 3, null, 0));
    assertTrue(e.getMessage().contains("candidatesPerHit"));
  }
}
