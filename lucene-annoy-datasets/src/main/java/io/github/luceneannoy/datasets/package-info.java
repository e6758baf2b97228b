/**
 * The data-set generator behind {@code lucene-annoy-datasets wordnet-minilm}: WordNet glosses split
 * into queries and a base, embedded in process by a quantized sentence model, with exact cosine
 * ground truth, written as TEXMEX files with an {@code info.txt} that says how they were made. It is
 * a module of its own so that the embedding model and its runtime never reach the library's or the
 * benchmark's class path.
 */
package io.github.luceneannoy.datasets;
