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

/**
 * The data-set generator behind {@code lucene-annoy-datasets wordnet-minilm}: WordNet glosses split
 * into queries and a base, embedded in process by a quantized sentence model, with exact cosine
 * ground truth, written as TEXMEX files with an {@code info.txt} that says how they were made. It
 * is a module of its own so that the embedding model and its runtime never reach the library's or
 * the benchmark's class path.
 */
package io.github.luceneannoy.datasets;
