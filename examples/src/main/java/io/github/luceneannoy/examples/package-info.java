/**
 * Runnable programs around the library: the quickstart, the Fashion-MNIST and hybrid demos, and
 * the {@code lucene-annoy} command-line tool ({@link io.github.luceneannoy.examples.Main}) with its
 * commands to index vectors from CSV, JSON lines, fvecs or Fashion-MNIST, search, inspect an index
 * and run the benchmarks. They live apart from the codec so that the library's jar carries no
 * command-line, JSON or demo code; each program is also the shortest working example of the API it
 * drives.
 */
package io.github.luceneannoy.examples;
