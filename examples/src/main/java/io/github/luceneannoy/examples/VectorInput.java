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

import io.github.luceneannoy.db.Vector;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A source of vectors to import, read one record at a time. */
public interface VectorInput extends Closeable {

  /** The formats the {@code index} command reads. */
  enum Format {
    FVECS,
    BVECS,
    CSV,
    JSONL,
    FASHION_MNIST;

    /** The format of {@code path} judged by its extension; a directory is Fashion-MNIST. */
    static Format of(Path path) throws InputFormatException {
      if (Files.isDirectory(path)) {
        return FASHION_MNIST;
      }
      String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".fvecs")) {
        return FVECS;
      } else if (name.endsWith(".bvecs")) {
        return BVECS;
      } else if (name.endsWith(".csv")) {
        return CSV;
      } else if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
        return JSONL;
      }
      throw new InputFormatException(
          path,
          "line",
          0,
          "cannot tell the format from the name; expected .fvecs, .bvecs, .csv, .jsonl or a"
              + " Fashion-MNIST directory (or give --format)");
    }
  }

  /** Opens {@code path} as {@code format}. */
  static VectorInput open(Path path, Format format) throws IOException {
    switch (format) {
      case FVECS:
        return new FvecsInput(path, false);
      case BVECS:
        return new FvecsInput(path, true);
      case CSV:
        return new CsvInput(path);
      case JSONL:
        return new JsonLinesInput(path);
      case FASHION_MNIST:
        return FashionMnistInput.train(path);
      default:
        throw new AssertionError(format);
    }
  }

  /**
   * The next vector, or null at the end.
   *
   * @throws InputFormatException when the next record is malformed
   */
  Vector next() throws IOException;

  /** How many records {@link #next} has returned. */
  long recordsRead();

  /** The line or record number (from 1) of the vector {@link #next} returned last. */
  long position();

  /** What a position in the input is called in messages: "line" or "record". */
  String unit();

  /** The file (or directory) being read. */
  Path path();

  /** The number of records, when known in advance; -1 otherwise. */
  default long expectedRecords() {
    return -1;
  }
}
