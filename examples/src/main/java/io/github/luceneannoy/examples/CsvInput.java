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
import java.io.IOException;
import java.nio.file.Path;

/**
 * Comma-separated vectors, one per line: the id, then the components ({@code doc-1,0.5,1.25,-3}). A
 * first line whose first cell is {@code id} is a header and skipped, and so are blank lines and
 * lines starting with {@code #}.
 */
final class CsvInput extends LineVectorInput {

  CsvInput(Path path) throws IOException {
    super(path);
  }

  @Override
  Vector parseLine(String text) throws InputFormatException {
    String trimmed = text.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return null;
    }
    String[] cells = trimmed.split(",", -1);
    if (position() == 1 && cells[0].strip().equalsIgnoreCase("id")) {
      return null;
    }
    return parse(cells);
  }

  private Vector parse(String[] cells) throws InputFormatException {
    String id = cells[0].strip();
    if (id.isEmpty()) {
      throw error("empty id; expected id,x1,x2,... with a non-empty id");
    }
    if (cells.length < 2) {
      throw error("only an id; expected id,x1,x2,...");
    }
    checkDimension(cells.length - 1);
    float[] vector = new float[cells.length - 1];
    for (int i = 0; i < vector.length; i++) {
      String cell = cells[i + 1].strip();
      try {
        vector[i] = Float.parseFloat(cell);
      } catch (NumberFormatException e) {
        throw error("column " + (i + 2) + " is '" + cell + "', expected a number");
      }
    }
    return Vector.of(id, vector);
  }
}
