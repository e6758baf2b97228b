package io.github.luceneannoy.search;

import java.io.IOException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.knn.KnnCollectorManager;

/** Wraps every collector another manager creates in a {@link BudgetedKnnCollector}. */
final class BudgetedCollectorManager implements KnnCollectorManager {
  private final KnnCollectorManager in;
  private final int candidatesPerHit;

  BudgetedCollectorManager(KnnCollectorManager in, int candidatesPerHit) {
    this.in = in;
    this.candidatesPerHit = candidatesPerHit;
  }

  @Override
  public KnnCollector newCollector(int visitedLimit, LeafReaderContext context) throws IOException {
    return new BudgetedKnnCollector(in.newCollector(visitedLimit, context), candidatesPerHit);
  }
}
