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
    /**
     * All components are zero, and the similarity (cosine, dot product) has no direction to use.
     */
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
