package io.github.luceneannoy.datasets;

/**
 * Names a text-embedding model and opens it on demand, so that a run whose output is already
 * there can say so without paying for loading the model.
 */
public interface EmbeddingModelSpec {
  /** Maven coordinates or another stable name, recorded in the data set's info. */
  String modelName();

  /** The length of every vector the model returns. */
  int dimension();

  /** Loads the model; its batches are spread over {@code threads} threads. */
  TextEmbedder open(int threads);
}
