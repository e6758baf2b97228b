package io.github.luceneannoy.forest;

/**
 * How one query searches one segment: the forest or an exact scan, and with what budget. Costs are
 * in units of one exact distance computation.
 *
 * <ul>
 *   <li>Exact scan: one distance per accepted vector.
 *   <li>Forest: the distances it scores, plus gathering a multiple of them in accepted candidates
 *       ({@link ForestSearcher#GATHER_FACTOR} times with votes, more with sketches, which also
 *       cost an estimate of {@link #ESTIMATE_NANOS} per candidate gathered). When a fraction {@code
 *       r} of the leaf entries read is accepted, gathering a candidate reads about {@code 1/r}
 *       entries; an entry costs a bit test and, when accepted, a table update: {@link
 *       #ENTRY_NANOS} against a distance of {@link #DISTANCE_NANOS_PER_DIMENSION} per dimension plus
 *       a fixed {@link #DISTANCE_FIXED_NANOS} (measured on the project's benchmark machine, Java 17,
 *       scalar kernels).
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
  /**
   * A sketch estimate. Measured with {@link ForestSearcher#scan} over Fashion-MNIST (784
   * dimensions, 128-coordinate sketches, on the heap, Java 17), when most estimates still stopped
   * after their first 16 coordinates: 61 – 67 ns per accepted vector for a random half of the
   * 60,000 (ranking and the 117 exact scores of the best included), 116 – 124 ns for a random
   * tenth. Estimates are now always complete (52 ns alone in JMH), and the benchmark's scans of
   * filters far from the query got 5 – 15% slower, so this somewhat understates an estimate. Not
   * re-measured: the constant prices the estimates of both sides the plan compares (every
   * accepted vector for a scan, each gathered candidate for a search).
   */
  static final double ESTIMATE_NANOS = 60;
  /** Leaf entries read per distinct candidate gathered, duplicates across trees included. */
  static final double ENTRIES_PER_CANDIDATE = 1.5;
  /** Largest factor by which a filter far from the query raises the budget. */
  static final int MAX_BUDGET_BOOST = 8;
  /** Leaf entries read before the local acceptance rate is first trusted. */
  static final int FIRST_CHECK_ENTRIES = 1024;

  private final double gatherFactor;
  private final int baseBudget;
  private final int size;
  private final long accepted;
  private final double entryCost;
  private final double gatherCost;
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
    this(budget, size, accepted, dimension, ForestSearcher.GATHER_FACTOR, false);
  }

  /**
   * As {@link #SearchPlan(int, int, long, int)}, gathering {@code gatherFactor} candidates per
   * candidate scored, each estimated from its sketch when {@code sketched}.
   */
  SearchPlan(int budget, int size, long accepted, int dimension, double gatherFactor, boolean sketched) {
    this.gatherFactor = gatherFactor;
    this.gatherCost = sketched ? estimateCost(dimension) : 0;
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
    gatherTarget = (int) Math.min(Math.min(size, accepted), (long) Math.ceil(newBudget * gatherFactor));
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
    double remaining =
        budget + Math.max(0, gatherTarget - gathered) * (ENTRIES_PER_CANDIDATE / localRate * entryCost + gatherCost);
    return remaining <= scanCost();
  }

  /**
   * What scanning every accepted vector costs: one distance each, or with sketches an estimate
   * each and the exact scores of the best ({@link #scanCost(long, long, double)}).
   */
  double scanCost() {
    return gatherCost == 0 ? accepted : scanCost(accepted, baseBudget, gatherCost);
  }

  /**
   * What a sketched scan of {@code accepted} vectors costs when it scores up to a few times {@code
   * scored} exactly ({@link ForestSearcher#SKETCH_SETTLE_FACTOR}), never more than the exact scan.
   */
  static double scanCost(long accepted, long scored, double estimateCost) {
    return Math.min(accepted, accepted * estimateCost + ForestSearcher.SKETCH_SETTLE_FACTOR * (double) scored);
  }

  /** What reading one leaf entry costs, in distances of vectors of {@code dimension}. */
  static double entryCost(int dimension) {
    return ENTRY_NANOS / (DISTANCE_FIXED_NANOS + DISTANCE_NANOS_PER_DIMENSION * dimension);
  }

  /** What estimating a candidate from its sketch costs, in distances of vectors of {@code dimension}. */
  static double estimateCost(int dimension) {
    return ESTIMATE_NANOS / (DISTANCE_FIXED_NANOS + DISTANCE_NANOS_PER_DIMENSION * dimension);
  }

  /**
   * As {@link #exactIsCheaper(long, long, long, int)} for a forest with sketches, which scores
   * {@code scored} candidates exactly out of {@code gathered} ranked by their sketches, and whose
   * scan ranks every accepted vector by its sketch before scoring the best (see {@link
   * ForestSearcher#scan}).
   */
  public static boolean exactIsCheaper(long accepted, long size, long scored, long gathered, int dimension) {
    double estimate = estimateCost(dimension);
    return scanIsCheaper(
        accepted, size, scored, gathered, dimension, estimate, scanCost(accepted, scored, estimate));
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
    return scanIsCheaper(
        accepted, size, budget, budget * (long) ForestSearcher.GATHER_FACTOR, dimension, 0, accepted);
  }

  /**
   * The one comparison behind both {@code exactIsCheaper}: a forest that scores {@code scored}
   * candidates out of {@code gathered}, each gathered one costing {@code gatherCost} on top of the
   * leaf entries read for it, against a scan costing {@code scanCost}.
   */
  private static boolean scanIsCheaper(
      long accepted, long size, long scored, long gathered, int dimension, double gatherCost, double scanCost) {
    if (accepted <= scored || size <= scored) {
      return true;
    }
    double target = Math.min(accepted, (double) gathered);
    double entriesRead = target * ENTRIES_PER_CANDIDATE * size / accepted;
    double forestCost = scored + entriesRead * entryCost(dimension) + target * gatherCost;
    return scanCost <= forestCost;
  }
}
