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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;

/** Accumulates fused scores per doc id and ranks them, for the {@link Fusion} implementations. */
final class FusedScores {
  /**
   * Best first by the double sum, not by its float: two sums a float cannot tell apart keep their
   * order.
   */
  private static final Comparator<Map.Entry<Integer, double[]>> BEST_FIRST =
      Comparator.<Map.Entry<Integer, double[]>>comparingDouble(e -> e.getValue()[0])
          .reversed()
          .thenComparingInt(Map.Entry::getKey);

  // doubles, so that sums of many small terms (1 / (60 + rank)) do not lose their order
  private final Map<Integer, double[]> scores = new HashMap<>();

  void add(int doc, double score) {
    scores.computeIfAbsent(doc, d -> new double[1])[0] += score;
  }

  TopDocs top(int topN) {
    if (topN < 1) {
      throw new IllegalArgumentException("topN must be >= 1, got " + topN);
    }
    List<Map.Entry<Integer, double[]>> all = new ArrayList<>(scores.entrySet());
    all.sort(BEST_FIRST);
    ScoreDoc[] top = new ScoreDoc[Math.min(topN, all.size())];
    for (int i = 0; i < top.length; i++) {
      top[i] = new ScoreDoc(all.get(i).getKey(), (float) all.get(i).getValue()[0]);
    }
    return new TopDocs(new TotalHits(all.size(), TotalHits.Relation.GREATER_THAN_OR_EQUAL_TO), top);
  }
}
