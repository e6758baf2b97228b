/*
 * Copyright lucene-annoy contributors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.github.luceneannoy.examples.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.ObjIntConsumer;

/**
 * Readers and writers for the vector files benchmark users already have: TEXMEX {@code .fvecs},
 * {@code .bvecs} and {@code .ivecs} (each record a little-endian int32 dimension followed by that
 * many float32 / uint8 / int32 values).
 */
public final class VectorFiles {
  private VectorFiles() {}

  /** Reads up to {@code limit} vectors of an {@code .fvecs} or {@code .bvecs} file as floats. */
  public static float[][] readVecs(Path file, int limit) throws IOException {
    String name = file.getFileName().toString();
    boolean bytes = name.endsWith(".bvecs");
    if (bytes == false && name.endsWith(".fvecs") == false) {
      throw new IllegalArgumentException(file + ": expected a .fvecs or .bvecs file");
    }
    List<float[]> vectors = new ArrayList<>();
    forEach(file, bytes, limit, vectors::add);
    return vectors.toArray(new float[0][]);
  }

  /** Receives vectors one at a time. */
  @FunctionalInterface
  public interface VectorConsumer {
    void accept(float[] vector) throws IOException;
  }

  /**
   * Passes every vector of an {@code .fvecs} file to {@code consumer}, in file order, each in a new
   * array; only one vector is held at a time, so files far larger than the heap can be read.
   * Returns the number of vectors.
   */
  public static int forEachFvecs(Path file, VectorConsumer consumer) throws IOException {
    return forEach(file, false, Integer.MAX_VALUE, consumer);
  }

  private static int forEach(Path file, boolean bytes, int limit, VectorConsumer consumer)
      throws IOException {
    int count = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] header = new byte[4];
      int expectedDim = -1;
      byte[] body = null;
      while (count < limit && readFully(in, header, file, count, true)) {
        int dim = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dim <= 0 || dim > 65536 || (expectedDim != -1 && dim != expectedDim)) {
          throw new IOException(
              file
                  + ": record "
                  + count
                  + " has dimension "
                  + dim
                  + (expectedDim == -1 ? "" : ", expected " + expectedDim));
        }
        if (body == null) {
          expectedDim = dim;
          body = new byte[bytes ? dim : dim * Float.BYTES];
        }
        readFully(in, body, file, count, false);
        consumer.accept(decode(body, dim, bytes));
        count++;
      }
    }
    return count;
  }

  /**
   * The {@code dimension} components of a record's body as floats: little-endian float32 ({@code
   * .fvecs}) or unsigned bytes ({@code .bvecs}).
   */
  public static float[] decode(byte[] body, int dimension, boolean bytes) {
    float[] vector = new float[dimension];
    if (bytes) {
      for (int i = 0; i < dimension; i++) {
        vector[i] = body[i] & 0xFF;
      }
    } else {
      ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    }
    return vector;
  }

  /** Reads an {@code .ivecs} file (ground truth: neighbour ids per query). */
  public static int[][] readIvecs(Path file, int limit) throws IOException {
    List<int[]> rows = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] header = new byte[4];
      while (rows.size() < limit && readFully(in, header, file, rows.size(), true)) {
        int dim = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dim <= 0 || dim > 1 << 20) {
          throw new IOException(file + ": record " + rows.size() + " has invalid length " + dim);
        }
        byte[] body = new byte[dim * Integer.BYTES];
        readFully(in, body, file, rows.size(), false);
        int[] row = new int[dim];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(row);
        rows.add(row);
      }
    }
    return rows.toArray(new int[0][]);
  }

  /** Writes an {@code .ivecs} file. */
  public static void writeIvecs(Path file, int[][] rows) throws IOException {
    writeRecords(
        file, rows.length, i -> rows[i].length, (body, i) -> body.asIntBuffer().put(rows[i]));
  }

  /** Writes an {@code .fvecs} file. */
  public static void writeFvecs(Path file, float[][] vectors) throws IOException {
    writeRecords(
        file,
        vectors.length,
        i -> vectors[i].length,
        (body, i) -> body.asFloatBuffer().put(vectors[i]));
  }

  /**
   * Writes {@code count} records of four-byte values: record {@code i} has {@code length(i)}
   * values, which {@code values} puts into the record's buffer after its length.
   */
  private static void writeRecords(
      Path file, int count, IntUnaryOperator length, ObjIntConsumer<ByteBuffer> values)
      throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (int i = 0; i < count; i++) {
        int n = length.applyAsInt(i);
        ByteBuffer record = ByteBuffer.allocate(4 + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        values.accept(record.putInt(n), i);
        out.write(record.array());
      }
    }
  }

  /** Reads exactly {@code buffer.length} bytes; false at a clean end of file before a record. */
  private static boolean readFully(
      InputStream in, byte[] buffer, Path file, int record, boolean atRecordStart)
      throws IOException {
    int read = 0;
    while (read < buffer.length) {
      int n = in.read(buffer, read, buffer.length - read);
      if (n < 0) {
        if (read == 0 && atRecordStart) {
          return false;
        }
        throw new EOFException(file + ": truncated record " + record);
      }
      read += n;
    }
    return true;
  }
}
