/**
 * Lucene glue for the forest: {@link io.github.luceneannoy.codec.AnnoyVectorsFormat} (whose javadoc
 * is the file format specification), its writer and reader, the drop-in {@link
 * io.github.luceneannoy.codec.AnnoyCodec}, the scalar-quantized variant and per-segment {@link
 * io.github.luceneannoy.codec.ForestStatistics}. These classes only read and write files and adapt
 * Lucene's APIs; the algorithm lives in {@link io.github.luceneannoy.forest}.
 */
package io.github.luceneannoy.codec;
