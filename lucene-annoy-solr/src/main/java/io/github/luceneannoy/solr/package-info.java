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
 * The Solr plugin: a codec factory that writes chosen dense vector field types with the Annoy
 * format ({@link io.github.luceneannoy.solr.AnnoyCodecFactory}, {@link
 * io.github.luceneannoy.solr.AnnoyDenseVectorField}), and the {@code {!annoyknn}} query parser,
 * Solr's {@code {!knn}} plus a per-request search budget. Segments record the standard Lucene codec
 * and the per-field format by its SPI name, so a core reopens them with or without the plugin's
 * codec factory as long as the format is on the class path.
 */
package io.github.luceneannoy.solr;
