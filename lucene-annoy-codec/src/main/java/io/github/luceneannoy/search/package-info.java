/**
 * Query-side helpers: k-NN queries that carry a per-query search budget ({@link
 * io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery}, {@link
 * io.github.luceneannoy.search.AnnoyKnnByteVectorQuery}), and hybrid text + vector search with rank
 * or score fusion ({@link io.github.luceneannoy.search.HybridSearch}). They work on any Lucene
 * index; segments of other vector formats answer them as plain k-NN queries.
 */
package io.github.luceneannoy.search;
