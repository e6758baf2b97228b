/*
 * Copyright lucene-annoy contributors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
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
