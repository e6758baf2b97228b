/**
 * {@link io.github.luceneannoy.db.VectorDb}: an embedded vector database (open, add, upsert,
 * delete, search with filters and metadata) over a Lucene index that uses the Annoy format, for
 * programs that do not want to learn Lucene.
 */
package io.github.luceneannoy.db;
