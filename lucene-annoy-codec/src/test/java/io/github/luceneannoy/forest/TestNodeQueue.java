package io.github.luceneannoy.forest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The search's priority queue packs a float priority and an int reference into one long; leaf
 * references are negative, so packing bugs would silently reorder or corrupt nodes.
 */
public class TestNodeQueue extends LuceneTestCase {

  private static final float[] SPECIAL =
      new float[] {
        Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY,
        0f,
        -0f,
        Float.MIN_VALUE,
        -Float.MIN_VALUE,
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        1f,
        -1f
      };

  private static final int[] SPECIAL_REFS =
      new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, NodeRefs.leafRef(12345)};

  private static float randomPriority() {
    if (random().nextInt(3) == 0) {
      return SPECIAL[random().nextInt(SPECIAL.length)];
    }
    return (float) (random().nextGaussian() * Math.pow(10, random().nextInt(7) - 3));
  }

  private static int randomRef() {
    if (random().nextInt(4) == 0) {
      return SPECIAL_REFS[random().nextInt(SPECIAL_REFS.length)];
    }
    return random().nextInt();
  }

  /** Float.compare orders -0 before 0, as the queue must for margins of either sign. */
  private static final Comparator<long[]> BY_PRIORITY_DESC =
      (a, b) -> Float.compare(Float.intBitsToFloat((int) b[0]), Float.intBitsToFloat((int) a[0]));

  public void testPopsInNonIncreasingPriorityOrder() {
    NodeQueue queue = new NodeQueue();
    int n = 1 + random().nextInt(2000);
    List<Long> pushed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float priority = randomPriority();
      int ref = randomRef();
      queue.push(priority, ref);
      pushed.add(key(priority, ref));
    }
    assertEquals(n, queue.size());
    List<Long> popped = new ArrayList<>();
    float previous = Float.POSITIVE_INFINITY;
    while (queue.size() > 0) {
      float top = queue.topPriority();
      long packed = queue.pop();
      float priority = NodeQueue.priorityOf(packed);
      assertSameFloat(top, priority);
      assertTrue(previous + " then " + priority, Float.compare(previous, priority) >= 0);
      previous = priority;
      popped.add(key(priority, NodeQueue.refOf(packed)));
    }
    // every (priority, ref) pair comes back exactly, bit for bit
    pushed.sort(null);
    popped.sort(null);
    assertEquals(pushed.size(), popped.size());
    for (int i = 0; i < pushed.size(); i++) {
      assertEquals("pair " + i, pushed.get(i), popped.get(i));
    }
  }

  public void testInterleavedPushPopAndReplaceMatchModel() {
    NodeQueue queue = new NodeQueue();
    PriorityQueue<long[]> model = new PriorityQueue<>(BY_PRIORITY_DESC);
    for (int iter = 0; iter < 5000; iter++) {
      int op = model.isEmpty() ? 0 : random().nextInt(6);
      if (op < 3) {
        float priority = randomPriority();
        int ref = randomRef();
        queue.push(priority, ref);
        model.add(new long[] {Float.floatToRawIntBits(priority), ref});
      } else {
        // a replacement is a pop followed by a push, applied to the model in that order
        float replacement = randomPriority();
        int replacementRef = randomRef();
        long packed = op == 5 ? queue.replaceTop(replacement, replacementRef) : queue.pop();
        float priority = NodeQueue.priorityOf(packed);
        int ref = NodeQueue.refOf(packed);
        float expected = Float.intBitsToFloat((int) model.peek()[0]);
        assertSameFloat(expected, priority);
        // among equal priorities any order is fine, but the pair must have been pushed; remove
        // one copy only, since the same pair may have been pushed twice
        long[] match = null;
        for (long[] e : model) {
          if (e[1] == ref && (int) e[0] == Float.floatToRawIntBits(priority)) {
            match = e;
            break;
          }
        }
        assertNotNull("popped a pair never pushed", match);
        model.remove(match);
        if (op == 5) {
          model.add(new long[] {Float.floatToRawIntBits(replacement), replacementRef});
        }
      }
      assertEquals(model.size(), queue.size());
    }
  }

  public void testRefsRoundTrip() {
    NodeQueue queue = new NodeQueue();
    for (int ref : SPECIAL_REFS) {
      for (float priority : SPECIAL) {
        queue.push(priority, ref);
        long packed = queue.pop();
        assertEquals(ref, NodeQueue.refOf(packed));
        assertSameFloat(priority, NodeQueue.priorityOf(packed));
        assertEquals(0, queue.size());
      }
    }
  }

  public void testLeafRefsDoNotDisturbOrder() {
    // negative refs fill the low half with ones: that must not leak into the priority half
    NodeQueue queue = new NodeQueue();
    queue.push(1f, Integer.MIN_VALUE);
    queue.push(2f, -1);
    queue.push(-0f, -1);
    queue.push(0f, Integer.MIN_VALUE);
    queue.push(Float.NEGATIVE_INFINITY, -1);
    float[] expected = {2f, 1f, 0f, -0f, Float.NEGATIVE_INFINITY};
    int[] expectedRefs = {-1, Integer.MIN_VALUE, Integer.MIN_VALUE, -1, -1};
    for (int i = 0; i < expected.length; i++) {
      long packed = queue.pop();
      assertSameFloat(expected[i], NodeQueue.priorityOf(packed));
      assertEquals(expectedRefs[i], NodeQueue.refOf(packed));
    }
  }

  public void testClearEmptiesAndQueueIsReusable() {
    NodeQueue queue = new NodeQueue();
    for (int i = 0; i < 200; i++) {
      queue.push(i, i);
    }
    queue.clear();
    assertEquals(0, queue.size());
    queue.push(-5f, 7);
    queue.push(3f, 8);
    assertEquals(3f, queue.topPriority(), 0f);
    assertEquals(8, NodeQueue.refOf(queue.pop()));
    assertEquals(7, NodeQueue.refOf(queue.pop()));
    assertEquals(0, queue.size());
  }

  /** Bit equality: 0 and -0 must stay distinct, which assertEquals(float, float, 0) ignores. */
  private static void assertSameFloat(float expected, float actual) {
    int expectedBits = Float.floatToRawIntBits(expected);
    assertEquals(expected + " vs " + actual, expectedBits, Float.floatToRawIntBits(actual));
  }

  private static long key(float priority, int ref) {
    return ((long) Float.floatToRawIntBits(priority) << 32) | (ref & 0xFFFFFFFFL);
  }
}
