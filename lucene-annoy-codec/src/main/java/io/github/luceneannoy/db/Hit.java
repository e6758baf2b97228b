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
 * One search result: the id of a stored vector, its score (higher is more similar; Lucene's score
 * for the database's similarity, e.g. {@code 1 / (1 + squared distance)} for EUCLIDEAN), and, when
 * the search asked for them, its components and metadata.
 *
 * @param id the vector's id
 * @param score the similarity score
 * @param vector the stored components, or null unless {@link SearchRequest#withVectors} was set
 * @param metadata the stored metadata, or {@link Metadata#EMPTY} unless {@link
 *     SearchRequest#withMetadata} was set
 */
public record Hit(String id, float score, float[] vector, Metadata metadata) {

  @Override
  public String toString() {
    return "Hit{id=" + id + ", score=" + score + (metadata.isEmpty() ? "" : ", " + metadata) + "}";
  }
}
