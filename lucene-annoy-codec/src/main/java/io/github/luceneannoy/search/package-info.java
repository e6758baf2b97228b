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
 * Query-side helpers: k-NN queries that carry a per-query search budget ({@link
 * io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery}, {@link
 * io.github.luceneannoy.search.AnnoyKnnByteVectorQuery}), and hybrid text + vector search with rank
 * or score fusion ({@link io.github.luceneannoy.search.HybridSearch}). They work on any Lucene
 * index; segments of other vector formats answer them as plain k-NN queries.
 */
package io.github.luceneannoy.search;
