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
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A text input with one vector per line (CSV, JSON lines): reads the lines, counts them for error
 * messages, and holds every vector to the dimension of the first. A subclass parses one line.
 */
abstract class LineVectorInput implements VectorInput {
  private final Path path;
  private final BufferedReader reader;
  private long line;
  private long records;
  private int dimension = -1;

  LineVectorInput(Path path) throws IOException {
    this.path = path;
    this.reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
  }

  /**
   * The vector on {@code text}, the current line, or null when the line holds none (blank, comment,
   * header).
   *
   * @throws InputFormatException when the line is malformed
   */
  abstract Vector parseLine(String text) throws IOException;

  @Override
  public final Vector next() throws IOException {
    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
      line++;
      Vector vector = parseLine(text);
      if (vector != null) {
        records++;
        return vector;
      }
    }
    return null;
  }

  /**
   * Refuses a vector of {@code components} when earlier lines had another number; checked before
   * the components are parsed, as a line of the wrong length is the likelier mistake.
   */
  final void checkDimension(int components) throws InputFormatException {
    if (dimension != -1 && components != dimension) {
      throw error(components + " components, expected " + dimension + " like the lines before");
    }
    dimension = components;
  }

  /** A format error at the current line. */
  final InputFormatException error(String problem) {
    return new InputFormatException(path, unit(), line, problem);
  }

  @Override
  public final long recordsRead() {
    return records;
  }

  @Override
  public final long position() {
    return line;
  }

  @Override
  public final String unit() {
    return "line";
  }

  @Override
  public final Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
