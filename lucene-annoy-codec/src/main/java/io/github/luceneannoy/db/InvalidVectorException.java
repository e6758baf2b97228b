package io.github.luceneannoy.db;

/**
 * A vector (to write) or a query vector that the database cannot use; {@link #reason()} says why
 * and the message names the vector's id and the offending value.
 */
public final class InvalidVectorException extends IllegalArgumentException {

  /** Why a vector was refused. */
  public enum Reason {
    /** The id is empty. */
    EMPTY_ID,
    /** The number of components differs from the database's dimension. */
    WRONG_DIMENSION,
    /** A component is NaN or infinite. */
    NOT_FINITE,
    /** All components are zero, and the similarity (cosine, dot product) has no direction to use. */
    ZERO_VECTOR,
    /** The similarity is DOT_PRODUCT, which is meaningful only for vectors of unit length. */
    NOT_UNIT_LENGTH
  }

  private final Reason reason;

  InvalidVectorException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
