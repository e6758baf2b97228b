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

import java.io.IOException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.knn.KnnCollectorManager;
import org.apache.lucene.search.knn.KnnSearchStrategy;

/** Wraps every collector another manager creates in a {@link BudgetedKnnCollector}. */
final class BudgetedCollectorManager implements KnnCollectorManager {
  private final KnnCollectorManager in;
  private final int candidatesPerHit;

  BudgetedCollectorManager(KnnCollectorManager in, int candidatesPerHit) {
    this.in = in;
    this.candidatesPerHit = candidatesPerHit;
  }

  @Override
  public KnnCollector newCollector(
      int visitedLimit, KnnSearchStrategy searchStrategy, LeafReaderContext context)
      throws IOException {
    return new BudgetedKnnCollector(
        in.newCollector(visitedLimit, searchStrategy, context), candidatesPerHit);
  }
}
