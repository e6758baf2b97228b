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
package io.github.luceneannoy.codec;

import java.io.IOException;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Sits between a search over quantized scores and the collector of final hits: it keeps the best
 * {@code rescoreFactor·k} candidates by quantized score and, when {@link #rescore()} is called,
 * scores them again against the full-precision vectors and passes them on with those scores.
 *
 * <p>Quantized scores rank near neighbours roughly right but not exactly, and their values differ
 * from the similarity's; keeping several candidates per hit lets the exact scores repair the order,
 * and the hits then carry the same scores as without quantization.
 *
 * <p>{@link #minCompetitiveSimilarity()} is the quantized score a candidate must beat to be kept,
 * so that a search stops scoring once the kept candidates settle, as it does on full-precision
 * scores; it is never compared with the final scores.
 *
 * <p>Visits are forwarded as they happen, so the wrapped collector's visit limit (Lucene's signal
 * to fall back to exact search) counts exactly the candidates the search scored; re-scoring is not
 * counted, as it reads at most {@code rescoreFactor·k} vectors whatever the filter.
 */
final class RescoringKnnCollector implements KnnCollector {
  private final KnnCollector out;
  private final RandomVectorScorer fullPrecision;
  private final TopKnnCollector candidates;

  /**
   * @param out receives the re-scored candidates, in the same id space (ordinals) as this one
   * @param fullPrecision scores ordinals against the query at full precision
   * @param rescoreFactor candidates kept per requested hit, at least 1
   */
  RescoringKnnCollector(KnnCollector out, RandomVectorScorer fullPrecision, int rescoreFactor) {
    this.out = out;
    this.fullPrecision = fullPrecision;
    int keep = (int) Math.min(Integer.MAX_VALUE - 1, (long) out.k() * rescoreFactor);
    this.candidates = new TopKnnCollector(keep, Integer.MAX_VALUE);
  }

  /** Scores the kept candidates at full precision and hands them to the wrapped collector. */
  void rescore() throws IOException {
    for (ScoreDoc candidate : candidates.topDocs().scoreDocs) {
      out.collect(candidate.doc, fullPrecision.score(candidate.doc));
    }
  }

  @Override
  public boolean collect(int ord, float quantizedScore) {
    return candidates.collect(ord, quantizedScore);
  }

  @Override
  public boolean earlyTerminated() {
    return out.earlyTerminated();
  }

  @Override
  public void incVisitedCount(int count) {
    out.incVisitedCount(count);
  }

  @Override
  public long visitedCount() {
    return out.visitedCount();
  }

  @Override
  public long visitLimit() {
    return out.visitLimit();
  }

  @Override
  public int k() {
    return out.k();
  }

  @Override
  public float minCompetitiveSimilarity() {
    // the bar of the kept candidates, a quantized score: the search compares it with the quantized
    // scores it collects here (to see the kept set settle), never with the final hits' scores
    return candidates.minCompetitiveSimilarity();
  }

  @Override
  public TopDocs topDocs() {
    // the hits are in the wrapped collector once rescore() ran
    return out.topDocs();
  }

  /** How one search re-scores: the query's full-precision scorer and the candidates per hit. */
  record Rescore(RandomVectorScorer fullPrecision, int rescoreFactor) {
    RescoringKnnCollector around(KnnCollector out) {
      return new RescoringKnnCollector(out, fullPrecision, rescoreFactor);
    }
  }
}
