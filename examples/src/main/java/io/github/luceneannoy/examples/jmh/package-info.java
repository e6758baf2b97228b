/**
 * JMH micro-benchmarks of the forest: the per-candidate kernels (exact distances against estimates
 * from one-bit codes) and one query against an on-heap forest. They measure what the end-to-end
 * benchmark cannot separate, the cost of each step of a search, and run from the examples jar
 * rather than from the tests.
 */
package io.github.luceneannoy.examples.jmh;
