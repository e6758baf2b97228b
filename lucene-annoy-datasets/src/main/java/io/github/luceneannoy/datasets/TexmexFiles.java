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
package io.github.luceneannoy.datasets;

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
import java.util.function.Function;

/**
 * TEXMEX vector files, the layout ANN benchmarks share: each record is a little-endian int32 length
 * followed by that many little-endian float32 ({@code .fvecs}) or int32 ({@code .ivecs}) values.
 */
public final class TexmexFiles {
  private static final int BUFFER = 1 << 16;

  private TexmexFiles() {}

  /** Writes {@code vectors} as an {@code .fvecs} file; all must have the same dimension. */
  public static void writeFvecs(Path file, float[][] vectors) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER)) {
      ByteBuffer record = null;
      for (float[] v : vectors) {
        if (record == null) {
          record =
              ByteBuffer.allocate(Integer.BYTES + Float.BYTES * v.length)
                  .order(ByteOrder.LITTLE_ENDIAN);
        } else if (record.capacity() != Integer.BYTES + Float.BYTES * v.length) {
          throw new IllegalArgumentException("vectors of different dimensions in one file");
        }
        record.clear();
        record.putInt(v.length);
        for (float x : v) {
          record.putFloat(x);
        }
        out.write(record.array());
      }
    }
  }

  /** Writes {@code rows} as an {@code .ivecs} file. */
  public static void writeIvecs(Path file, int[][] rows) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER)) {
      for (int[] row : rows) {
        ByteBuffer record =
            ByteBuffer.allocate(Integer.BYTES * (1 + row.length)).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(row.length);
        for (int x : row) {
          record.putInt(x);
        }
        out.write(record.array());
      }
    }
  }

  /** Reads a whole {@code .fvecs} file. */
  public static float[][] readFvecs(Path file) throws IOException {
    return readRecords(
            file,
            body -> {
              float[] v = new float[body.remaining() / Float.BYTES];
              body.asFloatBuffer().get(v);
              return v;
            })
        .toArray(new float[0][]);
  }

  /** Reads a whole {@code .ivecs} file. */
  public static int[][] readIvecs(Path file) throws IOException {
    return readRecords(
            file,
            body -> {
              int[] row = new int[body.remaining() / Integer.BYTES];
              body.asIntBuffer().get(row);
              return row;
            })
        .toArray(new int[0][]);
  }

  /** Every record of a file, each body decoded by {@code decode}. */
  private static <T> List<T> readRecords(Path file, Function<ByteBuffer, T> decode)
      throws IOException {
    List<T> records = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
      int length;
      while ((length = readLength(in, file, records.size())) >= 0) {
        records.add(decode.apply(readBody(in, length, file, records.size())));
      }
    }
    return records;
  }

  /** The size in bytes of a file of {@code count} records of {@code length} four-byte values. */
  public static long fileSize(long count, int length) {
    return count * (Integer.BYTES + 4L * length);
  }

  /** The record's length, or -1 at a clean end of file. */
  private static int readLength(InputStream in, Path file, int record) throws IOException {
    byte[] header = new byte[Integer.BYTES];
    int read = in.readNBytes(header, 0, header.length);
    if (read == 0) {
      return -1;
    }
    if (read < header.length) {
      throw new EOFException(file + ": truncated header of record " + record);
    }
    int length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (length < 0 || length > 1 << 20) {
      throw new IOException(file + ": record " + record + " has invalid length " + length);
    }
    return length;
  }

  private static ByteBuffer readBody(InputStream in, int length, Path file, int record)
      throws IOException {
    byte[] body = new byte[4 * length];
    if (in.readNBytes(body, 0, body.length) < body.length) {
      throw new EOFException(file + ": truncated record " + record);
    }
    return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
  }
}
