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
 * JMH micro-benchmarks of the forest: the per-candidate kernels (exact distances against estimates
 * from one-bit codes) and one query against an on-heap forest. They measure what the end-to-end
 * benchmark cannot separate, the cost of each step of a search, and run from the examples jar
 * rather than from the tests.
 */
package io.github.luceneannoy.examples.jmh;
