/**
 * The side-by-side benchmark behind {@code lucene-annoy bench} and {@code lucene-annoy scale}: data
 * sets and their exact ground truth, index builds per format, budget sweeps measuring recall and
 * queries per second (single- and multi-threaded, with and without filters), the memory watch,
 * child JVMs for heap limits, and the reports and plots the docs' numbers come from. It is kept out
 * of the unit tests, which only run it at a tiny size so that it does not rot.
 */
package io.github.luceneannoy.examples.bench;
