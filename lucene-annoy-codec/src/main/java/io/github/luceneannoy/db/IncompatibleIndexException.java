package io.github.luceneannoy.db;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The directory given to {@link VectorDb#open} cannot be used: it holds a Lucene index that no
 * {@code VectorDb} created, a database of another dimension or similarity, or files that are not
 * an index at all. Nothing in the directory is changed when this is thrown.
 */
public final class IncompatibleIndexException extends IOException {
  private final Path directory;

  IncompatibleIndexException(Path directory, String message) {
    super(directory + ": " + message);
    this.directory = directory;
  }

  /** The directory that was refused. */
  public Path directory() {
    return directory;
  }
}
