package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.Random;
import java.util.function.IntPredicate;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Filtered k-NN at default settings, against exact search among the accepted documents, at several
 * selectivities, with filters uncorrelated with the vectors (a hash of the id) and correlated with
 * them (clusters, queries drawn from other clusters, so the accepted vectors sit away from the
 * query), on a merged index with deletes.
 */
public class TestAnnoyFilteredRecall extends LuceneTestCase {
  private static final int COUNT = 12_000;
  private static final int DIM = 48;
  private static final int CLUSTERS = 20;
  private static final int K = 10;
  private static final int QUERIES = 40;

  public void testRecallAtEverySelectivity() throws IOException {
    Random random = new Random(random().nextLong());
    float[][] centres = TestData.clustered(random, CLUSTERS, DIM, 1, 0f);
    for (float[] c : centres) {
      for (int i = 0; i < DIM; i++) {
        c[i] = (float) random.nextGaussian();
      }
    }
    int[] cluster = new int[COUNT];
    float[][] vectors = new float[COUNT][DIM];
    for (int n = 0; n < COUNT; n++) {
      cluster[n] = random.nextInt(CLUSTERS);
      for (int i = 0; i < DIM; i++) {
        vectors[n][i] = centres[cluster[n]][i] + (float) random.nextGaussian();
      }
    }
    boolean[] deleted = new boolean[COUNT];
    try (Directory dir = new MMapDirectory(createTempDir())) {
      IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec());
      config.setMaxBufferedDocs(3000);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int n = 0; n < COUNT; n++) {
          Document doc = new Document();
          doc.add(new NumericDocValuesField("id", n));
          doc.add(new StringField("key", Integer.toString(n), Field.Store.NO));
          doc.add(new IntField("bucket", bucket(n), Field.Store.NO));
          doc.add(new StringField("cluster", Integer.toString(cluster[n]), Field.Store.NO));
          doc.add(new KnnFloatVectorField("v", vectors[n], VectorSimilarityFunction.EUCLIDEAN));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
        for (int n = 0; n < COUNT; n += 1 + random.nextInt(40)) {
          deleted[n] = true;
          writer.deleteDocuments(new Term("key", Integer.toString(n)));
        }
        writer.commit();
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        for (int per1000 : new int[] {500, 100, 20, 5}) {
          int limit = per1000;
          check(searcher, reader, vectors, cluster, deleted, random, "random " + per1000 / 10.0 + "%",
              IntField.newRangeQuery("bucket", 0, limit - 1), n -> bucket(n) < limit, -1);
        }
        BooleanQuery.Builder half = new BooleanQuery.Builder();
        for (int c = 0; c < CLUSTERS / 2; c++) {
          half.add(new TermQuery(new Term("cluster", Integer.toString(c))), Occur.SHOULD);
        }
        check(searcher, reader, vectors, cluster, deleted, random, "clusters 0-9 (50%)", half.build(),
            n -> cluster[n] < CLUSTERS / 2, CLUSTERS / 2);
        check(searcher, reader, vectors, cluster, deleted, random, "cluster 0 (5%)",
            new TermQuery(new Term("cluster", "0")), n -> cluster[n] == 0, 1);
      }
    }
  }

  /**
   * Runs queries with the filter and checks hits and recall; with {@code firstOtherCluster} >= 0
   * the queries come from clusters the filter rejects.
   */
  private void check(
      IndexSearcher searcher,
      IndexReader reader,
      float[][] vectors,
      int[] cluster,
      boolean[] deleted,
      Random random,
      String name,
      Query filter,
      IntPredicate filterAccepts,
      int firstOtherCluster)
      throws IOException {
    IntPredicate accepts = n -> deleted[n] == false && filterAccepts.test(n);
    double sum = 0;
    for (int q = 0; q < QUERIES; q++) {
      int source;
      do {
        source = random.nextInt(COUNT);
      } while (firstOtherCluster >= 0 && cluster[source] < firstOtherCluster);
      float[] query = vectors[source].clone();
      for (int i = 0; i < DIM; i++) {
        query[i] += 0.2f * (float) random.nextGaussian();
      }
      int[] ids = TestAnnoyRecall.ids(reader, searcher.search(new KnnFloatVectorQuery("v", query, K, filter), K));
      for (int id : ids) {
        assertTrue(name + ": hit " + id + " is deleted or rejected by the filter", accepts.test(id));
      }
      int[] expected = TestData.exactTopK(VectorSimilarityFunction.EUCLIDEAN, query, vectors, K, accepts);
      assertEquals(name + ": hit count", expected.length, ids.length);
      sum += TestData.recall(expected, ids);
    }
    double recall = sum / QUERIES;
    if (VERBOSE) {
      System.out.println(name + ": recall@10 " + recall);
    }
    assertTrue(name + ": recall@10 " + recall, recall >= 0.95);
  }

  private static int bucket(int id) {
    int h = id * 0x9E3779B9;
    return Math.floorMod(h ^ (h >>> 15), 1000);
  }
}
