package io.github.luceneannoy.datasets;

import java.util.List;

/** A loaded text-embedding model: turns a batch of texts into vectors, in the order given. */
public interface TextEmbedder extends AutoCloseable {
  /** One vector per text, in the order of {@code texts}, each of the model's dimension. */
  float[][] embed(List<String> texts);

  /** Frees the model's threads. */
  @Override
  void close();
}
