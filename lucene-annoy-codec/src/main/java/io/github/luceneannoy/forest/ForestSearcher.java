package io.github.luceneannoy.forest;

import java.io.IOException;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Annoy's best-first search over all trees of a forest at once.
 *
 * <p>One priority queue holds subtrees of every tree. The priority of a subtree is the smallest
 * margin on the path to it, measured on the side the path takes (Annoy's rule), so subtrees whose
 * region is far from the query on some split come last. Leaves reached in that order yield
 * candidates; each distinct accepted candidate is scored exactly once by the {@link
 * RandomVectorScorer} and offered to the {@link KnnCollector}, which sees ordinals.
 *
 * <p>Stopping rule: the search stops when it has scored {@code budget} accepted candidates, when
 * the collector terminates early (its visit limit counts exactly the scored candidates), or when
 * every tree is exhausted, in which case every accepted ordinal has been scored. Ordinals rejected
 * by {@code acceptOrds} are skipped by a bit test before any distance is computed and do not count
 * against the budget, so a filter makes the search go deeper rather than return fewer hits.
 *
 * <p>An instance reuses its queue and buffers; it is not thread-safe.
 */
public final class ForestSearcher {
  private final NodeQueue queue = new NodeQueue();
  private final int[] children = new int[2];
  private int[] leafOrds = new int[0];

  /**
   * Searches {@code forest} for the vectors nearest to {@code query}.
   *
   * @param forest the forest (a view for this query)
   * @param query the query as floats, in the vectors' space (projected here if the forest is)
   * @param scorer exact scores of ordinals against the query
   * @param collector receives (ordinal, score) pairs
   * @param acceptOrds ordinals that may be collected, or null for all
   * @param budget how many accepted candidates to score, at least {@code collector.k()} to return
   *     k hits when they exist
   */
  public void search(
      Forest forest,
      float[] query,
      RandomVectorScorer scorer,
      KnnCollector collector,
      Bits acceptOrds,
      int budget)
      throws IOException {
    int size = scorer.maxOrd();
    if (leafOrds.length < forest.maxLeafSize()) {
      leafOrds = new int[forest.maxLeafSize()];
    }
    Projection projection = forest.projection();
    if (projection != null) {
      query = projection.project(query, new float[projection.rows()]);
    }
    FixedBitSet visited = new FixedBitSet(size);
    queue.clear();
    for (int t = 0; t < forest.numTrees(); t++) {
      queue.push(Float.POSITIVE_INFINITY, forest.root(t));
    }
    int scored = 0;
    while (queue.size() > 0 && scored < budget) {
      long top = queue.pop();
      float priority = NodeQueue.priorityOf(top);
      int ref = NodeQueue.refOf(top);
      while (NodeRefs.isLeaf(ref) == false) {
        float margin = forest.split(ref, query, children);
        int near = margin > 0 ? children[1] : children[0];
        int far = margin > 0 ? children[0] : children[1];
        float nearPriority = Math.min(priority, Math.abs(margin));
        queue.push(Math.min(priority, -Math.abs(margin)), far);
        if (queue.topPriority() > nearPriority) {
          // another subtree is now more promising: continue there, as a full pop would
          queue.push(nearPriority, near);
          top = queue.pop();
          priority = NodeQueue.priorityOf(top);
          ref = NodeQueue.refOf(top);
        } else {
          priority = nearPriority;
          ref = near;
        }
      }
      int count = forest.leaf(ref, leafOrds);
      // the budget caps scoring, not leaves: stop inside the leaf that reaches it
      for (int i = 0; i < count && scored < budget; i++) {
        int ord = leafOrds[i];
        if (visited.getAndSet(ord) || (acceptOrds != null && acceptOrds.get(ord) == false)) {
          continue;
        }
        if (collector.earlyTerminated()) {
          return;
        }
        float score = scorer.score(ord);
        collector.incVisitedCount(1);
        collector.collect(ord, score);
        scored++;
      }
    }
  }

  /**
   * Scores every accepted ordinal: exact search, used when the budget would score (almost) all of
   * them anyway. Honors the collector's visit limit.
   */
  public static void scanAll(RandomVectorScorer scorer, KnnCollector collector, Bits acceptOrds)
      throws IOException {
    for (int ord = 0; ord < scorer.maxOrd(); ord++) {
      if (acceptOrds != null && acceptOrds.get(ord) == false) {
        continue;
      }
      if (collector.earlyTerminated()) {
        return;
      }
      float score = scorer.score(ord);
      collector.incVisitedCount(1);
      collector.collect(ord, score);
    }
  }
}
