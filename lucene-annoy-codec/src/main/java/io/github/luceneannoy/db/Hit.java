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
