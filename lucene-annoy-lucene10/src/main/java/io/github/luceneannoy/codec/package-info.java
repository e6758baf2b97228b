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
 * Lucene 10 glue for the forest: {@link io.github.luceneannoy.codec.AnnoyVectorsFormat} (the same
 * files as on Lucene 9.12), its writer and reader, the drop-in {@link
 * io.github.luceneannoy.codec.AnnoyCodec} and per-segment {@link
 * io.github.luceneannoy.codec.ForestStatistics}. These classes only read and write files and adapt
 * Lucene's APIs; the algorithm lives in {@link io.github.luceneannoy.forest}, the jar both Lucene
 * lines share.
 */
package io.github.luceneannoy.codec;
