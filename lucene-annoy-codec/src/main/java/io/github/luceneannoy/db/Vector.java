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

import java.util.Arrays;
import java.util.Objects;

/**
 * A vector as the database stores it: a unique id, its float components and optional {@link
 * Metadata}. Immutable: the components are copied in and out, so a caller may reuse its array.
 *
 * <pre class="prettyprint">
 * Vector plain = Vector.of("doc-1", new float[] {0.1f, 0.2f});
 * Vector tagged = Vector.of("img-7", pixels,
 *     Metadata.builder().keyword("label", "Sneaker").text("caption", "white running shoe").build());
 * </pre>
 *
 * <p>Checks against the database (dimension, finite components, non-zero length for cosine) happen
 * when the vector is written; here only the id and the array must be non-null.
 */
public final class Vector {
  private final String id;
  private final float[] data;
  private final Metadata metadata;

  private Vector(String id, float[] data, Metadata metadata) {
    this.id = Objects.requireNonNull(id, "id");
    this.data = Objects.requireNonNull(data, "data").clone();
    this.metadata = Objects.requireNonNull(metadata, "metadata");
  }

  /** A vector without metadata. */
  public static Vector of(String id, float[] data) {
    return new Vector(id, data, Metadata.EMPTY);
  }

  /** A vector with metadata. */
  public static Vector of(String id, float[] data, Metadata metadata) {
    return new Vector(id, data, metadata);
  }

  public String id() {
    return id;
  }

  /** A copy of the components. */
  public float[] data() {
    return data.clone();
  }

  /** The number of components. */
  public int dimension() {
    return data.length;
  }

  /** The components without copying, for the database's own use. */
  float[] dataView() {
    return data;
  }

  public Metadata metadata() {
    return metadata;
  }

  @Override
  public boolean equals(Object o) {
    if (o instanceof Vector == false) {
      return false;
    }
    Vector other = (Vector) o;
    return id.equals(other.id)
        && Arrays.equals(data, other.data)
        && metadata.equals(other.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(data), metadata);
  }

  @Override
  public String toString() {
    String components =
        data.length <= 8
            ? Arrays.toString(data)
            : Arrays.toString(Arrays.copyOf(data, 8)).replace("]", ", …]");
    return "Vector{id="
        + id
        + ", dimension="
        + data.length
        + ", data="
        + components
        + (metadata.isEmpty() ? "" : ", " + metadata)
        + "}";
  }
}
