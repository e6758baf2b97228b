package io.github.luceneannoy.codec;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * A searchable segment keeps on the heap only a per-field header (metadata, a root per tree, the
 * projection): the forest reader's accounted heap does not grow with the number of vectors, and a
 * search reads splits and leaves from the file.
 */
public class TestReaderHeap extends LuceneTestCase {
  private static final int DIM = 80; // projected: the projection is part of the header

  public void testReaderHeapDoesNotGrowWithTheSegment() throws IOException {
    long small = readerBytes(500);
    long large = readerBytes(8000);
    assertTrue("500 vectors: " + small + " bytes, 8,000: " + large, large <= small + 1024);
    // the header is there: at least the 32 × 80 projection floats
    assertTrue(String.valueOf(small), small >= 32L * DIM * Float.BYTES);
  }

  private long readerBytes(int count) throws IOException {
    try (Directory dir = newDirectory()) {
      IndexWriterConfig config =
          new IndexWriterConfig().setCodec(new AnnoyCodec(new AnnoyVectorsFormat(8, 16, 10))).setMaxBufferedDocs(count + 1);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (float[] v : TestData.clustered(random(), count, DIM, 10, 0.2f)) {
          Document doc = new Document();
          doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.EUCLIDEAN));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(1, reader.leaves().size());
        KnnVectorsReader perField = ((CodecReader) reader.leaves().get(0).reader()).getVectorReader();
        // the forest's part: Lucene 9.12's flat reader throws from ramBytesUsed on dense fields
        return ((AnnoyVectorsReader) ((PerFieldKnnVectorsFormat.FieldsReader) perField).getFieldReader("v"))
            .forestRamBytesUsed();
      }
    }
  }
}
