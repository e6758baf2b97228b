package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.Optional;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/** The statistics walk agrees with what the forest must be: every vector once per tree. */
public class TestForestStatistics extends LuceneTestCase {

  public void testStatisticsDescribeTheForest() throws IOException {
    int numVectors = 1000;
    int dim = 6;
    int trees = 5;
    int leaf = 20;
    AnnoyVectorsFormat format = new AnnoyVectorsFormat(trees, leaf, 7);
    AnnoyCodec codec =
        new AnnoyCodec(f -> f.equals("hnsw") ? new Lucene99HnswVectorsFormat() : format);
    float[][] vectors = TestData.clustered(random(), numVectors, dim, 4, 0.5f);
    try (Directory dir = newDirectory()) {
      try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig().setCodec(codec))) {
        for (float[] vector : vectors) {
          Document doc = new Document();
          doc.add(new KnnFloatVectorField("v", vector, VectorSimilarityFunction.COSINE));
          doc.add(new KnnFloatVectorField("hnsw", vector, VectorSimilarityFunction.COSINE));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leafReader = reader.leaves().get(0).reader();
        ForestStatistics stats = ForestStatistics.read(leafReader, "v").orElseThrow();
        assertEquals("v", stats.field());
        assertEquals(VectorSimilarityFunction.COSINE, stats.similarity());
        assertEquals(dim, stats.dimension());
        assertEquals(numVectors, stats.vectors());
        assertEquals(trees, stats.numTrees());
        assertEquals(leaf, stats.maxLeafSize());
        assertEquals(7, stats.candidatesPerHit());
        // every vector sits in exactly one leaf of every tree
        assertEquals(numVectors * trees, Math.round(stats.meanLeafSize() * stats.leaves()));
        assertTrue(stats.minLeafSize() >= 1);
        assertTrue(stats.largestLeafSize() <= leaf);
        // binary trees: one more leaf than splits, in each tree
        assertEquals(stats.splitNodes() + trees, stats.leaves());
        // a tree of leaves of at most 20 needs at least log2(1000 / 20) > 5 levels somewhere
        assertTrue(stats.maxDepth() >= 6);
        assertTrue(stats.minDepth() <= stats.meanDepth() && stats.meanDepth() <= stats.maxDepth());
        // angular split records: two children, offset, scale, and the normal as dim bytes
        // (dim is small enough here that the trees split the vectors' own coordinates)
        assertEquals(stats.splitNodes() * (16L + dim), stats.splitBytes());
        assertEquals(Optional.empty(), ForestStatistics.read(leafReader, "hnsw"));
        assertEquals(Optional.empty(), ForestStatistics.read(leafReader, "missing"));
      }
    }
  }
}
