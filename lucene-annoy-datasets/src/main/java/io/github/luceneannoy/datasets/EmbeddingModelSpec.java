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

/**
 * Names a text-embedding model and opens it on demand, so that a run whose output is already there
 * can say so without paying for loading the model.
 */
public interface EmbeddingModelSpec {
  /** Maven coordinates or another stable name, recorded in the data set's info. */
  String modelName();

  /** The length of every vector the model returns. */
  int dimension();

  /** Loads the model; its batches are spread over {@code threads} threads. */
  TextEmbedder open(int threads);
}
