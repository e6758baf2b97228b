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
 * The OpenSearch 2.19 plugin ({@link io.github.luceneannoy.opensearch.AnnoyPlugin}): an {@code
 * annoy_vector} field type whose segments are written with the Annoy format, an {@code annoy_knn}
 * query with an optional per-query budget, and the index setting {@code index.annoy.enabled} that
 * turns on the codec service writing them. OpenSearch's own mappings and codecs are untouched in
 * other indices. See {@code docs/opensearch.md}.
 */
package io.github.luceneannoy.opensearch;
