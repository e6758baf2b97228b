package io.github.luceneannoy.forest;

/**
 * How one query searches one segment: the forest or an exact scan, and with what budget. Costs are
 * in units of one exact distance computation.
 *
 * <ul>
 *   <li>Exact scan: one distance per accepted vector.
 *   <li>Forest: the budget's distances, plus gathering {@link ForestSearcher#GATHER_FACTOR} times
 *       the budget in accepted candidates. When a fraction {@code r} of the leaf entries read is
 *       accepted, gathering a candidate reads about {@code 1/r} entries; an entry costs a bit test
 *       and, when accepted, a hash-table update: {@link #ENTRY_NANOS} against a distance of {@link
 *       #DISTANCE_NANOS_PER_DIMENSION} per dimension plus a fixed {@link #DISTANCE_FIXED_NANOS}
 *       (measured on the project's benchmark machine, Java 17, scalar kernels).
 * </ul>
 *
 * <p>Before the search, {@code r} is taken to be the filter's overall selectivity ({@link
 * #exactIsCheaper}). During the search the forest measures {@code r} on the leaves it actually
 * reads ({@link #adapt}). A filter whose documents sit far from the query (a category the query is
 * not in) shows a local rate well below its overall selectivity: the first candidates the trees
 * yield are then a poorer sample of the true neighbours, so the budget grows by the ratio of the two
 * rates (up to {@link #MAX_BUDGET_BOOST}), and when the remaining work would cost more than scoring
 * every accepted vector, the search switches to the exact scan.
 */
public final class SearchPlan {
  static final double ENTRY_NANOS = 10;
  static final double DISTANCE_NANOS_PER_DIMENSION = 0.5;
  static final double DISTANCE_FIXED_NANOS = 20;
  /** Leaf entries read per distinct candidate gathered, duplicates across trees included. */
  static final double ENTRIES_PER_CANDIDATE = 1.5;
  /** Largest factor by which a filter far from the query raises the budget. */
  static final int MAX_BUDGET_BOOST = 8;
  /** Leaf entries read before the local acceptance rate is first trusted. */
  static final int FIRST_CHECK_ENTRIES = 1024;

  private final int baseBudget;
  private final int size;
  private final long accepted;
  private final double entryCost;
  private int budget;
  private int gatherTarget;
  private long nextCheck = FIRST_CHECK_ENTRIES;

  /**
   * @param budget candidates to score when the filter is no obstacle
   * @param size vectors in the segment
   * @param accepted vectors the filter accepts, at most (the size when there is no filter)
   * @param dimension the vectors' dimension
   */
  SearchPlan(int budget, int size, long accepted, int dimension) {
    this.baseBudget = budget;
    this.size = size;
    this.accepted = Math.max(1, Math.min(size, accepted));
    this.entryCost = entryCost(dimension);
    setBudget(budget);
  }

  int budget() {
    return budget;
  }

  int gatherTarget() {
    return gatherTarget;
  }

  private void setBudget(int newBudget) {
    budget = newBudget;
    gatherTarget = (int) Math.min(Math.min(size, accepted), (long) newBudget * ForestSearcher.GATHER_FACTOR);
  }

  /**
   * Updates the plan after {@code entries} leaf entries were read, {@code acceptedEntries} of them
   * accepted, giving {@code gathered} distinct candidates. Returns false when the exact scan is now
   * expected to be cheaper than finishing the forest search.
   */
  boolean adapt(long entries, long acceptedEntries, int gathered) {
    if (entries < nextCheck) {
      return true;
    }
    nextCheck = entries * 2;
    double localRate = Math.max(1, acceptedEntries) / (double) entries;
    double selectivity = accepted / (double) size;
    double boost = Math.min(MAX_BUDGET_BOOST, Math.max(1, selectivity / localRate));
    int boosted = (int) Math.min(size, Math.ceil(baseBudget * boost));
    if (boosted > budget) {
      setBudget(boosted);
    }
    double remaining = budget + Math.max(0, gatherTarget - gathered) * ENTRIES_PER_CANDIDATE / localRate * entryCost;
    return remaining <= accepted;
  }

  /** What reading one leaf entry costs, in distances of vectors of {@code dimension}. */
  static double entryCost(int dimension) {
    return ENTRY_NANOS / (DISTANCE_FIXED_NANOS + DISTANCE_NANOS_PER_DIMENSION * dimension);
  }

  /**
   * Whether scoring every accepted vector is expected to be cheaper than searching the forest,
   * taking the filter's overall selectivity as the rate at which leaves yield accepted vectors.
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
    double gathered = Math.min(accepted, (double) budget * ForestSearcher.GATHER_FACTOR);
    double entriesRead = gathered * ENTRIES_PER_CANDIDATE * size / accepted;
    double forestCost = budget + entriesRead * entryCost(dimension);
    return accepted <= forestCost;
  }
}
