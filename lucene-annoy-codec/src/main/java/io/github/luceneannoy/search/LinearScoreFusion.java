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

import java.util.Arrays;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * A weighted blend of min-max-normalised scores: within each list, a score {@code s} becomes {@code
 * (s - min) / (max - min)} (so the list's best document gets 1 and its worst 0; when all its scores
 * are equal they all get 1), and a document's fused score is the sum over the lists that contain it
 * of the list's weight times its normalised score. A document absent from a list gets nothing from
 * it.
 *
 * <p>Unlike {@link ReciprocalRankFusion} it keeps how far apart the scores are, at the price of
 * depending on each list's score distribution; the weights say how much each list counts.
 *
 * <pre class="prettyprint">
 * // 30% text relevance, 70% vector similarity
 * TopDocs fused = new LinearScoreFusion(0.3, 0.7).fuse(10, text, vector);
 * </pre>
 */
public final class LinearScoreFusion implements Fusion {
  private final double[] weights;

  /**
   * @param weights one finite, non-negative weight per list, in the order the lists are given to
   *     {@link #fuse}
   */
  public LinearScoreFusion(double... weights) {
    if (weights.length == 0) {
      throw new IllegalArgumentException("need at least one weight");
    }
    for (double weight : weights) {
      if ((weight >= 0 && Double.isFinite(weight)) == false) {
        throw new IllegalArgumentException("weights must be finite and >= 0, got " + weight);
      }
    }
    this.weights = weights.clone();
  }

  /** The weights, one per list. */
  public double[] weights() {
    return weights.clone();
  }

  /**
   * @throws IllegalArgumentException when the number of lists differs from the number of weights
   */
  @Override
  public TopDocs fuse(int topN, TopDocs... rankedLists) {
    if (rankedLists.length != weights.length) {
      throw new IllegalArgumentException(
          weights.length + " weights for " + rankedLists.length + " lists");
    }
    FusedScores scores = new FusedScores();
    for (int l = 0; l < rankedLists.length; l++) {
      ScoreDoc[] docs = rankedLists[l].scoreDocs;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (ScoreDoc doc : docs) {
        min = Math.min(min, doc.score);
        max = Math.max(max, doc.score);
      }
      double range = max - min;
      for (ScoreDoc doc : docs) {
        double normalised = range > 0 ? (doc.score - min) / range : 1;
        scores.add(doc.doc, weights[l] * normalised);
      }
    }
    return scores.top(topN);
  }

  @Override
  public String toString() {
    return "LinearScoreFusion(weights=" + Arrays.toString(weights) + ")";
  }
}
