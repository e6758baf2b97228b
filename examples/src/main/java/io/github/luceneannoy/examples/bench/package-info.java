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
 * The side-by-side benchmark behind {@code lucene-annoy bench} and {@code lucene-annoy scale}: data
 * sets and their exact ground truth, index builds per format, budget sweeps measuring recall and
 * queries per second (single- and multi-threaded, with and without filters), the memory watch,
 * child JVMs for heap limits, and the reports and plots the docs' numbers come from. It is kept out
 * of the unit tests, which only run it at a tiny size so that it does not rot.
 */
package io.github.luceneannoy.examples.bench;
