package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.SketchBook;
import io.github.luceneannoy.forest.SplitRule;
import java.io.IOException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.util.LuceneTestCase;

/** The sketch section read in place: its code book is validated, its records read as written. */
public class TestOffHeapSketches extends LuceneTestCase {

  public void testRecordsReadAsWritten() throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexOutput out = dir.createOutput("s", IOContext.DEFAULT)) {
        writeFloats(out, 1f, -1f); // centers
        writeFloats(out, 0.5f, 0.25f); // steps
        out.writeBytes(new byte[] {3, -7}, 2);
        out.writeInt(Float.floatToIntBits(2.5f));
        out.writeInt(Float.floatToIntBits(9.25f));
        out.writeBytes(new byte[] {-127, 127}, 2);
        out.writeInt(Float.floatToIntBits(0f));
        out.writeInt(Float.floatToIntBits(1234.5f));
      }
      try (IndexInput in = dir.openInput("s", IOContext.DEFAULT)) {
        SketchBook book = OffHeapSketches.readBook(in, 2);
        assertEquals(0.25f, book.step(1), 0f);
        IndexInput records = in.slice("records", 16, in.length() - 16);
        OffHeapSketches sketches = new OffHeapSketches(SplitRule.EUCLIDEAN, book, records, 2);
        byte[] code = new byte[2];
        float[] lengths = new float[2];
        sketches.read(1, code, lengths);
        assertArrayEquals(new byte[] {-127, 127}, code);
        assertArrayEquals(new float[] {0f, 1234.5f}, lengths, 0f);
        sketches.read(0, code, lengths);
        assertArrayEquals(new byte[] {3, -7}, code);
        assertArrayEquals(new float[] {2.5f, 9.25f}, lengths, 0f);
        CorruptIndexException e = expectThrows(CorruptIndexException.class, () -> sketches.read(2, code, lengths));
        assertTrue(e.getMessage(), e.getMessage().contains("sketch of ordinal 2 out of range"));

        // a prefetch leaves the records as they read; a bad ordinal in it is corruption too
        sketches.prefetch(new int[] {1, 0, 1}, 3);
        sketches.read(0, code, lengths);
        assertArrayEquals(new byte[] {3, -7}, code);
        assertArrayEquals(new float[] {2.5f, 9.25f}, lengths, 0f);
        e = expectThrows(CorruptIndexException.class, () -> sketches.prefetch(new int[] {0, -1}, 2));
        assertTrue(e.getMessage(), e.getMessage().contains("sketch of ordinal -1 out of range"));
        sketches.prefetch(new int[] {5}, 0);
      }
    }
  }

  public void testInvalidCodeBookIsCorruption() throws IOException {
    float[][] badSteps = {{0f, 1f}, {1f, -2f}, {Float.NaN, 1f}, {1f, Float.POSITIVE_INFINITY}};
    for (float[] steps : badSteps) {
      try (Directory dir = new ByteBuffersDirectory()) {
        try (IndexOutput out = dir.createOutput("s", IOContext.DEFAULT)) {
          writeFloats(out, 0f, 0f);
          writeFloats(out, steps);
        }
        try (IndexInput in = dir.openInput("s", IOContext.DEFAULT)) {
          CorruptIndexException e = expectThrows(CorruptIndexException.class, () -> OffHeapSketches.readBook(in, 2));
          assertTrue(e.getMessage(), e.getMessage().contains("invalid sketch code book"));
        }
      }
    }
  }

  private static void writeFloats(IndexOutput out, float... values) throws IOException {
    for (float v : values) {
      out.writeInt(Float.floatToIntBits(v));
    }
  }
}
