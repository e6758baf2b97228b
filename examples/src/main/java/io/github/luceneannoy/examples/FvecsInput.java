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
package io.github.luceneannoy.examples;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.db.Vector;
import io.github.luceneannoy.examples.bench.VectorFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code .fvecs} / {@code .bvecs} format of the TEXMEX corpora (SIFT, GIST): each record is a
 * little-endian int dimension {@code d} followed by {@code d} floats (fvecs) or {@code d} unsigned
 * bytes (bvecs). A vector's id is its record number counted from 0.
 */
final class FvecsInput implements VectorInput {
  private final Path path;
  private final boolean bytes;
  private final InputStream in;
  private final long expected;
  private int dimension = -1;
  private long records;

  FvecsInput(Path path, boolean bytes) throws IOException {
    this.path = path;
    this.bytes = bytes;
    this.in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    this.expected = expectedRecords(path, bytes);
  }

  /** The record count implied by the first record's dimension, when the file is uniform. */
  private static long expectedRecords(Path path, boolean bytes) throws IOException {
    long size = Files.size(path);
    if (size < Integer.BYTES) {
      return -1;
    }
    byte[] head = new byte[Integer.BYTES];
    try (InputStream peek = Files.newInputStream(path)) {
      if (peek.readNBytes(head, 0, head.length) < head.length) {
        return -1;
      }
    }
    int d = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
    long recordBytes = Integer.BYTES + (long) d * (bytes ? 1 : Float.BYTES);
    return d > 0 && size % recordBytes == 0 ? size / recordBytes : -1;
  }

  @Override
  public Vector next() throws IOException {
    byte[] header = new byte[Integer.BYTES];
    int read = in.readNBytes(header, 0, header.length);
    if (read == 0) {
      return null;
    }
    long record = records + 1;
    if (read < header.length) {
      throw error(record, "file ends inside the dimension of this record");
    }
    int d = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (d < 1 || d > AnnoyVectorsFormat.MAXIMUM_DIMENSIONS) {
      throw error(
          record,
          "dimension "
              + d
              + ", expected 1 to "
              + AnnoyVectorsFormat.MAXIMUM_DIMENSIONS
              + " (is this a "
              + (bytes ? ".bvecs" : ".fvecs")
              + " file?)");
    }
    if (dimension != -1 && d != dimension) {
      throw error(
          record, "dimension " + d + ", expected " + dimension + " like the records before");
    }
    dimension = d;
    byte[] body = new byte[d * (bytes ? 1 : Float.BYTES)];
    if (in.readNBytes(body, 0, body.length) < body.length) {
      throw error(record, "file ends inside this record of " + d + " components");
    }
    records = record;
    return Vector.of(Long.toString(record - 1), VectorFiles.decode(body, d, bytes));
  }

  private InputFormatException error(long record, String problem) {
    return new InputFormatException(path, unit(), record, problem);
  }

  @Override
  public long recordsRead() {
    return records;
  }

  @Override
  public long position() {
    return records;
  }

  @Override
  public String unit() {
    return "record";
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public long expectedRecords() {
    return expected;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
