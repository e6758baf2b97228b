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

import io.github.luceneannoy.forest.BudgetCalibration;
import io.github.luceneannoy.forest.LeafTraversal;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * When the reader scores every accepted vector instead of gathering from the trees ({@link
 * AnnoyVectorsReader#scoresExactly}): for selective filters, not for large budgets without one.
 */
public class TestExactFallback extends LuceneTestCase {
  private static final int SIZE = 60_000;
  private static final int TREES = 2;

  /**
   * A large fan-out without a filter gathers: scoring all 60,000 vectors costs more than reading
   * most entries of both trees (this was a cliff, from 700 to 60 queries per second on text, when
   * any budget past the segment's size meant scoring it all).
   */
  public void testNoFilterGathersBelowEveryEntry() {
    for (long budget : new long[] {10, 10_000, SIZE, 2L * SIZE - 1}) {
      assertFalse("budget " + budget, AnnoyVectorsReader.scoresExactly(SIZE, budget, SIZE, TREES));
    }
  }

  /** A budget of every entry of every tree asks to look at everything: the exact answer. */
  public void testBudgetOfEveryEntryIsExact() {
    for (long budget : new long[] {2L * SIZE, 100L * SIZE, Integer.MAX_VALUE}) {
      assertTrue("budget " + budget, AnnoyVectorsReader.scoresExactly(SIZE, budget, SIZE, TREES));
      assertTrue(AnnoyVectorsReader.scoresExactly(SIZE / 2, budget, SIZE, TREES));
    }
  }

  /** A filter that accepts few vectors is answered exactly: gathering would read past them all. */
  public void testSelectiveFilterScoresExactly() {
    int budget = 10_000;
    assertTrue(AnnoyVectorsReader.scoresExactly(100, budget, SIZE, TREES));
    assertTrue(AnnoyVectorsReader.scoresExactly(1_000, budget, SIZE, TREES));
    assertTrue(AnnoyVectorsReader.scoresExactly(0, budget, SIZE, TREES));
    // a hundredth of the segment: gathering reads 10,000·100^0.3, about 40,000 entries, more than
    // 8 per accepted vector
    assertTrue(AnnoyVectorsReader.scoresExactly(SIZE / 100, budget, SIZE, TREES));
    // a tenth: gathering reads 10,000·10^0.3, about 20,000 entries, fewer than 6,000 exact scores
    // would cost (48,000 entries' worth)
    assertFalse(AnnoyVectorsReader.scoresExactly(SIZE / 10, budget, SIZE, TREES));
    assertFalse(AnnoyVectorsReader.scoresExactly(SIZE / 2, budget, SIZE, TREES));
  }

  /**
   * A plain query's budget grows with k but stops short of every entry, so that a large k gathers
   * instead of scoring the whole segment; a segment calibrated to score everything (a tiny one)
   * keeps doing so.
   */
  public void testPlainBudgetStopsShortOfEveryEntry() {
    long entries = (long) SIZE * TREES;
    BudgetCalibration.Budgets calibrated =
        new BudgetCalibration.Budgets(LeafTraversal.Order.BOUND, 10_000, 10_000);
    assertEquals(10_000, AnnoyVectorsReader.plainBudget(calibrated, 10, entries));
    assertEquals(80_000, AnnoyVectorsReader.plainBudget(calibrated, 80, entries));
    for (int k : new int[] {120, 160, 10_000}) {
      int budget = AnnoyVectorsReader.plainBudget(calibrated, k, entries);
      assertEquals(entries - 1, budget);
      assertFalse(AnnoyVectorsReader.scoresExactly(SIZE, budget, SIZE, TREES));
    }
    int tiny = 100;
    BudgetCalibration.Budgets whole =
        new BudgetCalibration.Budgets(LeafTraversal.Order.BOUND, 2 * tiny, 2 * tiny);
    int budget = AnnoyVectorsReader.plainBudget(whole, 10, 2L * tiny);
    assertTrue(AnnoyVectorsReader.scoresExactly(tiny, budget, tiny, TREES));
  }

  /** The choice flips once, where the accepted share makes the two costs equal. */
  public void testOneCrossing() {
    int budget = 1 + random().nextInt(2 * SIZE - 1);
    boolean previous = true;
    int flips = 0;
    for (long accepted = 1; accepted <= SIZE; accepted += 1 + accepted / 8) {
      boolean exact = AnnoyVectorsReader.scoresExactly(accepted, budget, SIZE, TREES);
      if (exact != previous) {
        flips++;
        assertFalse("exact again at " + accepted + " accepted", exact);
      }
      previous = exact;
    }
    assertTrue(flips <= 1);
  }
}
