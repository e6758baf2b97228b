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
