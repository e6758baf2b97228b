package io.github.luceneannoy.forest;

/**
 * Chooses between the forest and an exact scan for one query on one segment, by comparing their
 * estimated costs in units of one exact distance computation.
 *
 * <ul>
 *   <li>Exact scan: one distance per accepted vector.
 *   <li>Forest: the budget's distances, plus gathering {@link ForestSearcher#GATHER_FACTOR} times
 *       the budget in accepted candidates. A filter that accepts a fraction {@code s} of the vectors
 *       makes the search read about {@code 1/s} leaf entries per accepted candidate; an entry costs
 *       a bit test and, when accepted, a hash-table update: {@link #ENTRY_NANOS} against a distance
 *       of {@link #DISTANCE_NANOS_PER_DIMENSION} per dimension plus a fixed {@link
 *       #DISTANCE_FIXED_NANOS} (measured on the project's benchmark machine, Java 17, scalar
 *       kernels).
 * </ul>
 *
 * <p>So a selective filter switches to the exact scan where the scan is faster, well before the
 * visit limit Lucene sets (the filter's cost) would force it; an unselective one keeps the forest.
 */
public final class SearchPlan {
  static final double ENTRY_NANOS = 10;
  static final double DISTANCE_NANOS_PER_DIMENSION = 0.5;
  static final double DISTANCE_FIXED_NANOS = 20;
  /** Leaf entries read per distinct candidate gathered, duplicates across trees included. */
  static final double ENTRIES_PER_CANDIDATE = 1.5;

  private SearchPlan() {}

  /**
   * Whether scoring every accepted vector is expected to be cheaper than searching the forest.
   *
   * @param accepted how many vectors the filter (and live documents) accept, at most {@code size}
   * @param size how many vectors the segment holds
   * @param budget how many candidates the forest search would score
   * @param dimension the vectors' dimension
   */
  public static boolean exactIsCheaper(long accepted, long size, long budget, int dimension) {
    if (accepted <= budget || size <= budget) {
      return true;
    }
    double distanceNanos = DISTANCE_FIXED_NANOS + DISTANCE_NANOS_PER_DIMENSION * dimension;
    double entryCost = ENTRY_NANOS / distanceNanos;
    double gathered = Math.min(accepted, (double) budget * ForestSearcher.GATHER_FACTOR);
    double entriesRead = gathered * ENTRIES_PER_CANDIDATE * size / accepted;
    double forestCost = budget + entriesRead * entryCost;
    return accepted <= forestCost;
  }
}
