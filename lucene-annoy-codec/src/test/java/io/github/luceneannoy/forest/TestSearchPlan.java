package io.github.luceneannoy.forest;

import org.apache.lucene.tests.util.LuceneTestCase;

/** The choice between the forest and an exact scan follows the cost model's shape. */
public class TestSearchPlan extends LuceneTestCase {

  public void testBudgetCoveringTheAcceptedVectorsMeansExact() {
    assertTrue(SearchPlan.exactIsCheaper(400, 60_000, 400, 784));
    assertTrue(SearchPlan.exactIsCheaper(10, 60_000, 400, 784));
    assertTrue(SearchPlan.exactIsCheaper(60_000, 300, 400, 784));
  }

  public void testNoFilterOnALargeSegmentMeansForest() {
    assertFalse(SearchPlan.exactIsCheaper(60_000, 60_000, 400, 784));
    assertFalse(SearchPlan.exactIsCheaper(1_000_000, 1_000_000, 400, 128));
  }

  public void testMoreSelectiveFiltersSwitchToExactAndStayThere() {
    int size = 60_000;
    boolean exact = false;
    // from everything accepted down to one vector: once exact, always exact
    for (long accepted = size; accepted >= 1; accepted = accepted * 9 / 10) {
      boolean now = SearchPlan.exactIsCheaper(accepted, size, 400, 784);
      assertTrue("went back to the forest at " + accepted, now || exact == false);
      exact |= now;
    }
    assertTrue(exact);
  }

  public void testCheaperDistancesSwitchLater() {
    // leaf entries cost the same whatever the dimension, distances do not: with short vectors the
    // scan stays cheaper up to larger filters
    int size = 60_000;
    int switch784 = switchPoint(size, 784);
    int switch16 = switchPoint(size, 16);
    assertTrue(switch784 + " vs " + switch16, switch16 > switch784);
    // and a filter of 2% of Fashion-MNIST's size is scanned, one of 10% searched in the forest
    assertTrue(SearchPlan.exactIsCheaper(1_200, size, 400, 784));
    assertFalse(SearchPlan.exactIsCheaper(6_000, size, 400, 784));
  }

  /** The largest accepted count for which exact search is chosen. */
  private static int switchPoint(int size, int dimension) {
    int last = 0;
    for (int accepted = 1; accepted <= size; accepted += 10) {
      if (SearchPlan.exactIsCheaper(accepted, size, 400, dimension)) {
        last = accepted;
      }
    }
    return last;
  }
}
