package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import io.github.luceneannoy.forest.ForestBuilder;
import io.github.luceneannoy.forest.OnHeapForest;

/**
 * Memory of the Annoy format's writer is reported through {@code ramBytesUsed}: the buffered
 * vectors (by the flat writer) and the forest they will need when the segment is flushed. So
 * IndexWriter's flush-by-RAM bounds segments as it does with HNSW, whose graph is counted likewise.
 */
public class TestAnnoyRamAccounting extends LuceneTestCase {
  private static final int DIM = 64;

  private static Document doc(float[] v, VectorSimilarityFunction similarity) {
    Document doc = new Document();
    doc.add(new KnnFloatVectorField("v", v, similarity));
    return doc;
  }

  /** The estimate must cover the forest really built: twice its arrays (trees, then the forest). */
  public void testEstimateCoversTheForestBuiltAtFlush() throws IOException {
    Random random = new Random(random().nextLong());
    for (int dim : new int[] {16, 64, 200}) {
      float[][] vectors = TestData.clustered(random, 3000, dim, 20, 0.3f);
      for (VectorSimilarityFunction similarity : VectorSimilarityFunction.values()) {
        AnnoyVectorsFormat format = new AnnoyVectorsFormat();
        ForestBuilder builder =
            new ForestBuilder(FieldEntry.splitRuleFor(similarity), format.numTrees(), format.maxLeafSize(),
                format.projectionDimension(), format.seed());
        OnHeapForest forest = builder.build(VectorSources.ofBuffered(List.of(TestData.shapeFor(similarity, vectors)), dim, null));
        long arrays =
            (long) forest.numSplits() * (16 + forest.normalDimension()) + 4L * forest.leavesLength();
        long estimate = estimate(format, dim, similarity, vectors.length);
        String what = dim + "-d " + similarity + ": estimate " + estimate + ", forest arrays " + arrays;
        assertTrue(what, estimate >= 2 * arrays);
        // and not so pessimistic that segments come out much smaller than needed
        assertTrue(what, estimate <= 4 * arrays + vectors.length * 200L);
      }
    }
  }

  private static long estimate(AnnoyVectorsFormat format, int dim, VectorSimilarityFunction similarity, int count) {
    return AnnoyVectorsWriter.forestBuildBytes(
        count, dim, similarity, format.numTrees(), format.maxLeafSize(), format.projectionDimension(),
        format.sketchDimension());
  }

  public void testBufferedVectorsAndForestAreReported() throws IOException {
    Random random = new Random(random().nextLong());
    float[][] vectors = TestData.clustered(random, 2000, DIM, 20, 0.3f);
    try (Directory dir = new ByteBuffersDirectory();
        IndexWriter writer =
            new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec()).setRAMBufferSizeMB(256)
                .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH))) {
      long before = writer.ramBytesUsed();
      for (float[] v : vectors) {
        writer.addDocument(doc(v, VectorSimilarityFunction.EUCLIDEAN));
      }
      long buffered = writer.ramBytesUsed() - before;
      long vectorBytes = (long) vectors.length * DIM * Float.BYTES;
      // the vectors, and a forest of 32 trees each holding every ordinal at least
      assertTrue("reported " + buffered, buffered >= vectorBytes + 2L * 32 * 4 * vectors.length);
      writer.flush();
      assertTrue("not released after flush: " + writer.ramBytesUsed(), writer.ramBytesUsed() < buffered / 10);
    }
  }

  /** Flush-by-RAM cuts Annoy segments at about the doc counts it cuts HNSW's, and bounds them. */
  public void testFlushByRamMakesBoundedSegmentsLikeHnsw() throws IOException {
    Random random = new Random(random().nextLong());
    float[][] vectors = TestData.clustered(random, 6000, DIM, 20, 0.3f);
    double ramMB = 0.5;
    List<Integer> annoy = flushedSegments(new AnnoyVectorsFormat(), vectors, ramMB);
    List<Integer> hnsw = flushedSegments(new Lucene99HnswVectorsFormat(), vectors, ramMB);
    System.out.println("TestAnnoyRamAccounting: segments flushed at " + ramMB + " MB, 64-d: Annoy " + annoy + ", HNSW " + hnsw);
    assertTrue(annoy.toString(), annoy.size() >= 3);
    long bufferBytes = (long) (ramMB * 1024 * 1024);
    for (int maxDoc : annoy) {
      // the vectors alone of a larger segment would not have fit in the buffer
      assertTrue(annoy.toString(), (long) maxDoc * DIM * Float.BYTES <= bufferBytes);
    }
    double ratio = mean(annoy) / mean(hnsw);
    assertTrue("Annoy " + annoy + " vs HNSW " + hnsw, ratio > 0.5 && ratio < 2);
  }

  /** Sizes of the segments flushed because the buffer was full (the last, flushed at commit, is left out). */
  private static List<Integer> flushedSegments(KnnVectorsFormat format, float[][] vectors, double ramMB)
      throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter writer =
          new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec(format))
              .setRAMBufferSizeMB(ramMB).setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
              .setMergePolicy(NoMergePolicy.INSTANCE))) {
        for (float[] v : vectors) {
          writer.addDocument(doc(v, VectorSimilarityFunction.EUCLIDEAN));
        }
        writer.commit();
      }
      List<Integer> sizes = new ArrayList<>();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        for (LeafReaderContext leaf : reader.leaves()) {
          sizes.add(leaf.reader().maxDoc());
        }
      }
      return sizes.subList(0, sizes.size() - 1);
    }
  }

  private static double mean(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).average().orElse(0);
  }
}
