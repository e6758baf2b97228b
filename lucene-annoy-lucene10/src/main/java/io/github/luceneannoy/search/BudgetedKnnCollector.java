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

import java.util.function.IntSupplier;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.knn.KnnSearchStrategy;

/**
 * A {@link KnnCollector} that carries a per-query search budget for the Annoy format: the number of
 * candidates (leaf entries, one per vector and tree) to gather per requested hit. The Annoy reader
 * uses it instead of the budget recorded in the segment; other formats ignore it and see a plain
 * collector.
 *
 * <p>Everything else is delegated, so visit limits, early termination and the collected hits are
 * exactly those of the wrapped collector.
 *
 * <p>The reader finds the budget with {@link #candidatesPerHitOf}, which also recognises this class
 * loaded by another class loader than the reader's: a host that loads this library more than once
 * (several Solr nodes in one JVM, each with its own plugin class loader, while Lucene keeps the
 * first copy of the format it found) builds queries with one copy and reads segments with another.
 * The budget therefore crosses over as a JDK type, {@link IntSupplier}, which every copy shares.
 */
public final class BudgetedKnnCollector implements KnnCollector, IntSupplier {
  private final KnnCollector in;
  private final int candidatesPerHit;

  /**
   * @param in the collector to delegate to
   * @param candidatesPerHit candidates (leaf entries) to gather per requested hit, at least 1
   */
  public BudgetedKnnCollector(KnnCollector in, int candidatesPerHit) {
    this.in = in;
    this.candidatesPerHit = checkCandidatesPerHit(candidatesPerHit);
  }

  /**
   * Returns {@code candidatesPerHit} if it is a valid per-query budget (at least 1), else throws an
   * {@link IllegalArgumentException} naming the value. The one check every budgeted query uses.
   */
  public static int checkCandidatesPerHit(int candidatesPerHit) {
    if (candidatesPerHit < 1) {
      throw new IllegalArgumentException("candidatesPerHit must be >= 1, got " + candidatesPerHit);
    }
    return candidatesPerHit;
  }

  /** The budget: candidates (leaf entries) to gather per requested hit. */
  public int candidatesPerHit() {
    return candidatesPerHit;
  }

  /**
   * The budget, {@link #candidatesPerHit()}: how copies of this class from other class loaders read
   * it.
   */
  @Override
  public int getAsInt() {
    return candidatesPerHit;
  }

  /**
   * The per-query budget {@code collector} carries, or 0 when it carries none: it is a {@code
   * BudgetedKnnCollector}, from this class loader or any other (same class name, read through
   * {@link IntSupplier}).
   */
  public static int candidatesPerHitOf(KnnCollector collector) {
    if (collector instanceof BudgetedKnnCollector) {
      return ((BudgetedKnnCollector) collector).candidatesPerHit;
    }
    if (collector instanceof IntSupplier
        && collector.getClass().getName().equals(BudgetedKnnCollector.class.getName())) {
      return ((IntSupplier) collector).getAsInt();
    }
    return 0;
  }

  @Override
  public boolean earlyTerminated() {
    return in.earlyTerminated();
  }

  @Override
  public void incVisitedCount(int count) {
    in.incVisitedCount(count);
  }

  @Override
  public long visitedCount() {
    return in.visitedCount();
  }

  @Override
  public long visitLimit() {
    return in.visitLimit();
  }

  @Override
  public int k() {
    return in.k();
  }

  @Override
  public boolean collect(int docId, float similarity) {
    return in.collect(docId, similarity);
  }

  @Override
  public float minCompetitiveSimilarity() {
    return in.minCompetitiveSimilarity();
  }

  @Override
  public TopDocs topDocs() {
    return in.topDocs();
  }

  @Override
  public KnnSearchStrategy getSearchStrategy() {
    return in.getSearchStrategy();
  }
}
