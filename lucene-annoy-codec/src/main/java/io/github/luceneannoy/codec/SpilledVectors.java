package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.VectorSource;
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
 * Vectors written once to a temporary file of the segment's directory and read back through an
 * {@link IndexInput}, memory-mapped under {@code MMapDirectory}. Used for a field's projected
 * vectors: the forest builder reads each of them many times, and on the heap they would take
 * {@code 4·rows} bytes per vector (128 MB for a million vectors projected to 32 coordinates).
 *
 * <p>The file stays until {@link #close()}, so later passes over the same field can read the
 * vectors again through {@link #vectors()}. {@code close()} deletes it; call it on failure too.
 */
final class SpilledVectors implements Closeable {
  private final Directory directory;
  private final String fileName;
  private final int size;
  private final int dimension;
  private IndexInput input;

  private SpilledVectors(Directory directory, String fileName, int size, int dimension) {
    this.directory = directory;
    this.fileName = fileName;
    this.size = size;
    this.dimension = dimension;
  }

  /**
   * Writes every vector of {@code vectors}, in ordinal order, to a new temporary file named after
   * {@code prefix}, and opens it for reading.
   */
  static SpilledVectors write(Directory directory, String prefix, IOContext context, VectorSource vectors)
      throws IOException {
    SpilledVectors spilled;
    IndexOutput out = directory.createTempOutput(prefix, "annoy_vectors", context);
    spilled = new SpilledVectors(directory, out.getName(), vectors.size(), vectors.dimension());
    boolean success = false;
    try {
      try (out) {
        ByteBuffer row = ByteBuffer.allocate(vectors.dimension() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int ord = 0; ord < vectors.size(); ord++) {
          float[] v = vectors.vector(ord);
          row.clear();
          row.asFloatBuffer().put(v, 0, vectors.dimension());
          out.writeBytes(row.array(), row.capacity());
        }
      }
      // read in tree order, that is in no order at all
      spilled.input = directory.openInput(spilled.fileName, IOContext.RANDOM);
      long expected = (long) vectors.size() * vectors.dimension() * Float.BYTES;
      if (spilled.input.length() != expected) {
        throw new IOException(
            "temporary file " + spilled.fileName + " holds " + spilled.input.length() + " bytes, expected " + expected);
      }
      success = true;
      return spilled;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(spilled);
      }
    }
  }

  /**
   * Starts a temporary file for {@code size} vectors of {@code dimension} floats, to be added in
   * ordinal order; {@link Writer#finish()} opens it for reading, {@link Writer#abort()} deletes it.
   */
  static Writer create(Directory directory, String prefix, IOContext context, int size, int dimension)
      throws IOException {
    return new Writer(directory, directory.createTempOutput(prefix, "annoy_vectors", context), size, dimension);
  }

  /** Adds vectors to a temporary file one by one. */
  static final class Writer {
    private final Directory directory;
    private final IndexOutput out;
    private final int size;
    private final int dimension;
    private final ByteBuffer row;
    private int added;

    private Writer(Directory directory, IndexOutput out, int size, int dimension) {
      this.directory = directory;
      this.out = out;
      this.size = size;
      this.dimension = dimension;
      this.row = ByteBuffer.allocate(dimension * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Adds the first {@code dimension} coordinates of {@code vector}. */
    void add(float[] vector) throws IOException {
      row.clear();
      row.asFloatBuffer().put(vector, 0, dimension);
      out.writeBytes(row.array(), row.capacity());
      added++;
    }

    /** Closes the file, checks it holds every vector, and opens it for reading. */
    SpilledVectors finish() throws IOException {
      out.close();
      SpilledVectors spilled = new SpilledVectors(directory, out.getName(), size, dimension);
      boolean success = false;
      try {
        if (added != size) {
          throw new IllegalStateException(added + " vectors added to " + out.getName() + ", expected " + size);
        }
        spilled.input = directory.openInput(spilled.fileName, IOContext.RANDOM);
        success = true;
        return spilled;
      } finally {
        if (success == false) {
          IOUtils.closeWhileHandlingException(spilled);
        }
      }
    }

    /** Closes and deletes the file, after a failure. */
    void abort() {
      IOUtils.closeWhileHandlingException(out);
      IOUtils.deleteFilesIgnoringExceptions(directory, out.getName());
    }
  }

  /** Name of the temporary file, for messages and tests. */
  String fileName() {
    return fileName;
  }

  /** The vectors, read from the file; each call gives an independent reader. */
  VectorSource vectors() {
    return new InputVectors(input.clone(), size, dimension);
  }

  @Override
  public void close() throws IOException {
    try {
      IOUtils.close(input);
    } finally {
      input = null;
      IOUtils.deleteFilesIgnoringExceptions(directory, fileName);
    }
  }

  /** Vectors stored as consecutive little-endian floats, {@code dimension} per vector. */
  private static final class InputVectors implements VectorSource {
    private final IndexInput input;
    private final int size;
    private final int dimension;
    private final float[] buffer;

    InputVectors(IndexInput input, int size, int dimension) {
      this.input = input;
      this.size = size;
      this.dimension = dimension;
      this.buffer = new float[dimension];
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public float[] vector(int ord) throws IOException {
      if (ord < 0 || ord >= size) {
        throw new IllegalArgumentException("ordinal " + ord + " out of [0, " + size + ")");
      }
      input.seek((long) ord * dimension * Float.BYTES);
      input.readFloats(buffer, 0, dimension);
      return buffer;
    }

    @Override
    public VectorSource copy() {
      // clones of an input are independent readers and are never closed themselves
      return new InputVectors(input.clone(), size, dimension);
    }
  }
}
