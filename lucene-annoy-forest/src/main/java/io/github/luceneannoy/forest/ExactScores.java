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
package io.github.luceneannoy.forest;

import java.io.IOException;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * How a search scores a few candidates at once. The candidates' vectors are rarely in the CPU's
 * caches, so a scorer that reads several together (Lucene 10's {@code RandomVectorScorer.bulkScore}
 * over memory-mapped vectors) overlaps their memory reads; Lucene 9.12 has no such method, and its
 * codec scores them one by one ({@link #ONE_BY_ONE}).
 */
@FunctionalInterface
public interface ExactScores {
  /** Scores {@code ords[0 .. count)} with {@code scorer} into {@code scores[0 .. count)}. */
  void score(RandomVectorScorer scorer, int[] ords, float[] scores, int count) throws IOException;

  /** Each candidate on its own. */
  ExactScores ONE_BY_ONE =
      (scorer, ords, scores, count) -> {
        for (int i = 0; i < count; i++) {
          scores[i] = scorer.score(ords[i]);
        }
      };
}
