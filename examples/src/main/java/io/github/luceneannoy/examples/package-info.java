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
 * Runnable programs around the library: the quickstart, the Fashion-MNIST and hybrid demos, and the
 * {@code lucene-annoy} command-line tool ({@link io.github.luceneannoy.examples.Main}) with its
 * commands to index vectors from CSV, JSON lines, fvecs or Fashion-MNIST, search, inspect an index
 * and run the benchmarks. They live apart from the codec so that the library's jar carries no
 * command-line, JSON or demo code; each program is also the shortest working example of the API it
 * drives.
 */
package io.github.luceneannoy.examples;
