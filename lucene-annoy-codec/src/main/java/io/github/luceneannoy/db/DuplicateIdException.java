package io.github.luceneannoy.db;

/**
 * An {@link VectorDb#add add} of an id that the database already holds, or an id given twice in one
 * call. Use {@link VectorDb#upsert upsert} to replace a vector.
 */
public final class DuplicateIdException extends IllegalArgumentException {
  private final String id;

  DuplicateIdException(String id, String message) {
    super(message);
    this.id = id;
  }

  /** The id that was already taken. */
  public String id() {
    return id;
  }
}
