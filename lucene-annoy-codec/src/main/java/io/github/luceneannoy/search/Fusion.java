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
package io.github.luceneannoy.search;

import org.apache.lucene.search.TopDocs;

/**
 * Merges ranked lists of the same documents, such as a BM25 text search and a k-NN vector search,
 * into one ranking. The lists must come from the same {@link org.apache.lucene.index.IndexReader}
 * (so that equal doc ids mean equal documents) and be sorted best first, as {@link
 * org.apache.lucene.search.IndexSearcher#search} returns them.
 *
 * @see ReciprocalRankFusion
 * @see LinearScoreFusion
 */
@FunctionalInterface
public interface Fusion {

  /**
   * The best {@code topN} documents of the fused ranking, best first, each with its fused score;
   * documents with equal scores are ordered by doc id. The total hit count is the number of
   * distinct documents in the lists, as a lower bound.
   */
  TopDocs fuse(int topN, TopDocs... rankedLists);
}
