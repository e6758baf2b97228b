package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * {@link OrderedTreeBuild} writes trees in order, never holds more than its window, finishes on an
 * executor that runs tasks on the calling thread, and fails cleanly, without hanging.
 */
public class TestOrderedTreeBuild extends LuceneTestCase {
  private ExecutorService pool;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    pool = Executors.newFixedThreadPool(4);
  }

  @Override
  public void tearDown() throws Exception {
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    super.tearDown();
  }

  /** A stand-in tree whose root names its tree number. */
  private static TreeBuilder.Tree tree(int t) {
    return new TreeBuilder.Tree(t, 0, 1, new int[0], new float[0], new float[0], new byte[0], new int[0], 0, 100 + t);
  }

  public void testWritesInOrderWithinTheWindow() throws IOException {
    for (TaskExecutor executor : new TaskExecutor[] {new TaskExecutor(pool), new TaskExecutor(Runnable::run)}) {
      int numTrees = 20 + random().nextInt(20);
      int window = 1 + random().nextInt(5);
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger maxInFlight = new AtomicInteger();
      List<Integer> written = new ArrayList<>();
      OrderedTreeBuild build =
          new OrderedTreeBuild(
              numTrees,
              window,
              t -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                if (random().nextBoolean()) {
                  Thread.yield();
                }
                return tree(t);
              },
              tree -> {
                written.add(tree.root());
                inFlight.decrementAndGet();
              });
      long peak = build.run(executor, 4);
      List<Integer> expected = new ArrayList<>();
      for (int t = 0; t < numTrees; t++) {
        expected.add(t);
      }
      assertEquals(expected, written);
      assertTrue("in flight " + maxInFlight + ", window " + window, maxInFlight.get() <= window);
      // the largest window sum of 100 + t over the last `window` trees
      long last = 0;
      for (int t = numTrees - window; t < numTrees; t++) {
        last += 100 + t;
      }
      assertEquals(last, peak);
    }
  }

  public void testAFailingTreeFailsTheBuildWithoutHanging() {
    int failing = random().nextInt(10);
    OrderedTreeBuild build =
        new OrderedTreeBuild(
            30,
            3,
            t -> {
              if (t == failing) {
                throw new IOException("tree " + t + " failed");
              }
              return tree(t);
            },
            tree -> {});
    IOException e = expectThrows(IOException.class, () -> build.run(new TaskExecutor(pool), 4));
    assertEquals("tree " + failing + " failed", e.getMessage());
  }

  public void testAFailingWriteFailsTheBuildWithoutHanging() {
    OrderedTreeBuild build =
        new OrderedTreeBuild(
            30,
            2,
            TestOrderedTreeBuild::tree,
            tree -> {
              if (tree.root() == 5) {
                throw new IOException("disk full");
              }
            });
    IOException e = expectThrows(IOException.class, () -> build.run(new TaskExecutor(pool), 3));
    assertEquals("disk full", e.getMessage());
  }
}
