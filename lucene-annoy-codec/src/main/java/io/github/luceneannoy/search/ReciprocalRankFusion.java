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
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a document's fused score is
 * the sum over the lists that contain it of {@code 1 / (c + rank)}, its rank counted from 1. Only
 * ranks matter, not scores, so lists whose scores are on different scales (BM25, vector similarity)
 * fuse without tuning; the constant {@code c} damps the advantage of the very top ranks (a larger
 * {@code c} lets documents that are good in several lists win over one that is first in a single
 * list).
 *
 * <pre class="prettyprint">
 * TopDocs text = searcher.search(textQuery, 100);
 * TopDocs vector = searcher.search(new KnnFloatVectorQuery("embedding", query, 100), 100);
 * TopDocs fused = new ReciprocalRankFusion().fuse(10, text, vector);
 * </pre>
 */
public final class ReciprocalRankFusion implements Fusion {

  /** The constant of the original paper, which found it robust across collections. */
  public static final int DEFAULT_RANK_CONSTANT = 60;

  private final int rankConstant;

  /** Fusion with {@link #DEFAULT_RANK_CONSTANT}. */
  public ReciprocalRankFusion() {
    this(DEFAULT_RANK_CONSTANT);
  }

  /**
   * @param rankConstant the constant {@code c} added to every rank, at least 0
   */
  public ReciprocalRankFusion(int rankConstant) {
    if (rankConstant < 0) {
      throw new IllegalArgumentException("rankConstant must be >= 0, got " + rankConstant);
    }
    this.rankConstant = rankConstant;
  }

  public int rankConstant() {
    return rankConstant;
  }

  @Override
  public TopDocs fuse(int topN, TopDocs... rankedLists) {
    FusedScores scores = new FusedScores();
    for (TopDocs list : rankedLists) {
      for (int i = 0; i < list.scoreDocs.length; i++) {
        scores.add(list.scoreDocs[i].doc, 1.0 / (rankConstant + i + 1));
      }
    }
    return scores.top(topN);
  }

  @Override
  public String toString() {
    return "ReciprocalRankFusion(c=" + rankConstant + ")";
  }
}
