package io.github.luceneannoy.examples;

import io.github.luceneannoy.db.Vector;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Comma-separated vectors, one per line: the id, then the components ({@code doc-1,0.5,1.25,-3}).
 * A first line whose first cell is {@code id} is a header and skipped, and so are blank lines and
 * lines starting with {@code #}.
 */
final class CsvInput implements VectorInput {
  private final Path path;
  private final BufferedReader reader;
  private long line;
  private long records;
  private int dimension = -1;

  CsvInput(Path path) throws IOException {
    this.path = path;
    this.reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
  }

  @Override
  public Vector next() throws IOException {
    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
      line++;
      String trimmed = text.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] cells = trimmed.split(",", -1);
      if (line == 1 && cells[0].strip().equalsIgnoreCase("id")) {
        continue;
      }
      Vector vector = parse(cells);
      records++;
      return vector;
    }
    return null;
  }

  private Vector parse(String[] cells) throws InputFormatException {
    String id = cells[0].strip();
    if (id.isEmpty()) {
      throw error("empty id; expected id,x1,x2,... with a non-empty id");
    }
    if (cells.length < 2) {
      throw error("only an id; expected id,x1,x2,...");
    }
    int d = cells.length - 1;
    if (dimension != -1 && d != dimension) {
      throw error(d + " components, expected " + dimension + " like the lines before");
    }
    float[] vector = new float[d];
    for (int i = 0; i < d; i++) {
      String cell = cells[i + 1].strip();
      try {
        vector[i] = Float.parseFloat(cell);
      } catch (NumberFormatException e) {
        throw error("column " + (i + 2) + " is '" + cell + "', expected a number");
      }
    }
    dimension = d;
    return Vector.of(id, vector);
  }

  private InputFormatException error(String problem) {
    return new InputFormatException(path, unit(), line, problem);
  }

  @Override
  public long recordsRead() {
    return records;
  }

  @Override
  public long position() {
    return line;
  }

  @Override
  public String unit() {
    return "line";
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
