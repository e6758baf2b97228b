package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.ForestOutput;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOUtils;

/**
 * Writes a field's trees to {@code .afi} as the builder finishes them: split records straight into
 * the data file, leaf ints into a temporary file of the segment's directory that {@link
 * #appendLeavesTo} copies after the split section. So the layout stays two sections per field
 * while no tree outlives its turn on the heap. {@link #close()} deletes the temporary file; call
 * it on failure too.
 */
final class ForestFileOutput implements ForestOutput, Closeable {
  private static final int CHUNK_INTS = 1024;

  private final IndexOutput data;
  private final Directory directory;
  private final String prefix;
  private final IOContext context;
  private final ByteBuffer record;
  private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK_INTS * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private IndexOutput leaves;
  private String leavesName;
  private boolean leavesClosed;
  private long leafIntsWritten;

  ForestFileOutput(IndexOutput data, Directory directory, IOContext context, int normalDimension) {
    this.data = data;
    this.directory = directory;
    this.prefix = data.getName();
    this.context = context;
    this.record = ByteBuffer.allocate((int) FieldEntry.splitRecordBytes(normalDimension)).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void split(int left, int right, float offset, float scale, byte[] normal, int from, int length)
      throws IOException {
    record.clear();
    record.putInt(left);
    record.putInt(right);
    record.putFloat(offset);
    record.putFloat(scale);
    record.put(normal, from, length);
    if (record.hasRemaining()) {
      throw new IllegalArgumentException("normal of " + length + " bytes for a record of " + record.capacity());
    }
    data.writeBytes(record.array(), record.capacity());
  }

  @Override
  public void leafInts(int[] ints, int from, int length) throws IOException {
    if (leaves == null) {
      leaves = directory.createTempOutput(prefix, "annoy_leaves", context);
      leavesName = leaves.getName();
    }
    for (int i = from; i < from + length; i += CHUNK_INTS) {
      int n = Math.min(CHUNK_INTS, from + length - i);
      chunk.clear();
      chunk.asIntBuffer().put(ints, i, n);
      leaves.writeBytes(chunk.array(), n * Integer.BYTES);
    }
    leafIntsWritten += length;
  }

  /** Copies the leaf ints written so far to {@code data}; returns the number of bytes copied. */
  long appendLeavesTo(IndexOutput out) throws IOException {
    if (leaves == null) {
      return 0;
    }
    leavesClosed = true;
    leaves.close();
    long length = leafIntsWritten * Integer.BYTES;
    try (IndexInput in = directory.openInput(leavesName, IOContext.READONCE)) {
      if (in.length() != length) {
        throw new IOException("temporary file " + leavesName + " holds " + in.length() + " bytes, expected " + length);
      }
      out.copyBytes(in, length);
    }
    return length;
  }

  /** Name of the temporary leaf file, or null before the first leaf; for tests. */
  String leavesFileName() {
    return leavesName;
  }

  @Override
  public void close() throws IOException {
    if (leaves == null) {
      return;
    }
    try {
      if (leavesClosed == false) {
        leavesClosed = true;
        IOUtils.close(leaves);
      }
    } finally {
      IOUtils.deleteFilesIgnoringExceptions(directory, leavesName);
    }
  }
}
