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
  private static final Comparator<ScoreDoc> BEST_FIRST =
      Comparator.<ScoreDoc>comparingDouble(sd -> sd.score)
          .reversed()
          .thenComparingInt(sd -> sd.doc);

  // doubles, so that sums of many small terms (1 / (60 + rank)) do not lose their order
  private final Map<Integer, double[]> scores = new HashMap<>();

  void add(int doc, double score) {
    scores.computeIfAbsent(doc, d -> new double[1])[0] += score;
  }

  TopDocs top(int topN) {
    if (topN < 1) {
      throw new IllegalArgumentException("topN must be >= 1, got " + topN);
    }
    List<ScoreDoc> all = new ArrayList<>(scores.size());
    scores.forEach((doc, score) -> all.add(new ScoreDoc(doc, (float) score[0])));
    all.sort(BEST_FIRST);
    List<ScoreDoc> top = all.subList(0, Math.min(topN, all.size()));
    return new TopDocs(
        new TotalHits(all.size(), TotalHits.Relation.GREATER_THAN_OR_EQUAL_TO),
        top.toArray(new ScoreDoc[0]));
  }
}
