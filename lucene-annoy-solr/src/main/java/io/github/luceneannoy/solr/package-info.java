/**
 * The Solr plugin: a codec factory that writes chosen dense vector field types with the Annoy
 * format ({@link io.github.luceneannoy.solr.AnnoyCodecFactory}, {@link
 * io.github.luceneannoy.solr.AnnoyDenseVectorField}), and the {@code {!annoyknn}} query parser,
 * Solr's {@code {!knn}} plus a per-request search budget. Segments record the standard Lucene codec
 * and the per-field format by its SPI name, so a core reopens them with or without the plugin's
 * codec factory as long as the format is on the class path.
 */
package io.github.luceneannoy.solr;
