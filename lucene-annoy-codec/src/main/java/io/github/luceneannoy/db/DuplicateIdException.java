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
