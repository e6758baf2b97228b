package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.SketchBook;
import io.github.luceneannoy.forest.Sketches;
import io.github.luceneannoy.forest.SplitRule;
import java.io.IOException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.store.IndexInput;

/**
 * Sketches read in place from the {@code .afi} file. The code book is small (two floats per
 * projection row) and read onto the heap once per field; the records stay in the file. One
 * instance serves one query, owning a clone of the records' slice.
 */
final class OffHeapSketches implements Sketches {
  private final SplitRule rule;
  private final SketchBook book;
  private final IndexInput records;
  private final long recordBytes;
  private final int size;

  OffHeapSketches(SplitRule rule, SketchBook book, IndexInput records, int size) {
    this.rule = rule;
    this.book = book;
    this.records = records;
    this.recordBytes = FieldEntry.sketchRecordBytes(book.dimension());
    this.size = size;
  }

  /** Reads and validates the code book at the start of the field's sketch section. */
  static SketchBook readBook(IndexInput section, int rows) throws IOException {
    float[] centers = new float[rows];
    float[] steps = new float[rows];
    section.readFloats(centers, 0, rows);
    section.readFloats(steps, 0, rows);
    try {
      return new SketchBook(centers, steps);
    } catch (IllegalArgumentException e) {
      throw new CorruptIndexException("invalid sketch code book: " + e.getMessage(), section, e);
    }
  }

  @Override
  public SketchBook book() {
    return book;
  }

  @Override
  public SplitRule rule() {
    return rule;
  }

  @Override
  public float read(int ord, byte[] code) throws IOException {
    if (ord < 0 || ord >= size) {
      throw new CorruptIndexException("sketch of ordinal " + ord + " out of range", records);
    }
    records.seek(ord * recordBytes);
    records.readBytes(code, 0, book.dimension());
    return Float.intBitsToFloat(records.readInt());
  }
}
