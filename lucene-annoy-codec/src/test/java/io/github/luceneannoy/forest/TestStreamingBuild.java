package io.github.luceneannoy.forest;

import static io.github.luceneannoy.forest.ForestTestUtil.assertSameForest;
import static io.github.luceneannoy.forest.ForestTestUtil.gaussianVectors;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * {@link ForestBuilder#buildTrees} hands each tree to its output as soon as it is built, so that
 * the heap holds a few trees at a time, never the forest: trees reach the output before the last
 * tree is built, and the builder's peak grows with the vectors, not with the number of trees.
 */
public class TestStreamingBuild extends LuceneTestCase {
  private ExecutorService pool;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    pool = Executors.newFixedThreadPool(3);
  }

  @Override
  public void tearDown() throws Exception {
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    super.tearDown();
  }

  /** Counts every vector read, over all copies, so a test can tell how far the build has gone. */
  private static final class CountingSource implements VectorSource {
    private final VectorSource in;
    final AtomicLong reads;

    CountingSource(VectorSource in, AtomicLong reads) {
      this.in = in;
      this.reads = reads;
    }

    @Override
    public int size() {
      return in.size();
    }

    @Override
    public int dimension() {
      return in.dimension();
    }

    @Override
    public float[] vector(int ord) throws IOException {
      reads.incrementAndGet();
      return in.vector(ord);
    }

    @Override
    public VectorSource copy() throws IOException {
      return new CountingSource(in.copy(), reads);
    }
  }

  /** Notes how many vectors had been read when the first leaf arrived. */
  private static final class FirstOutputProbe implements ForestOutput {
    private final AtomicLong reads;
    long readsAtFirstLeaf = -1;

    FirstOutputProbe(AtomicLong reads) {
      this.reads = reads;
    }

    @Override
    public void split(int left, int right, float offset, float scale, byte[] normal, int from, int length) {}

    @Override
    public void leafInts(int[] ints, int from, int length) {
      if (readsAtFirstLeaf < 0) {
        readsAtFirstLeaf = reads.get();
      }
    }
  }

  public void testTreesReachTheOutputBeforeTheLastTreeIsBuilt() throws IOException {
    float[][] vectors = gaussianVectors(random(), 2000, 8);
    int window = ForestBuilder.treesInFlight(Integer.MAX_VALUE);
    int numTrees = 4 * window;
    for (TaskExecutor executor : new TaskExecutor[] {null, new TaskExecutor(pool)}) {
      AtomicLong reads = new AtomicLong();
      FirstOutputProbe probe = new FirstOutputProbe(reads);
      new ForestBuilder(SplitRule.EUCLIDEAN, numTrees, 16, random().nextLong())
          .buildTrees(new CountingSource(new ArrayVectorSource(vectors), reads), executor, probe);
      // sequentially the first tree, in parallel the first window: a quarter of the work or less
      double share = (double) probe.readsAtFirstLeaf / reads.get();
      assertTrue("first leaf after " + share + " of the reads, executor " + executor, share > 0 && share < 0.4);
    }
  }

  public void testParallelWindowsGiveTheSameForestAsOneThread() throws IOException {
    float[][] vectors = gaussianVectors(random(), 600, 6);
    long seed = random().nextLong();
    // more trees than one window holds, and not a multiple of it
    int numTrees = 2 * ForestBuilder.treesInFlight(Integer.MAX_VALUE) + 1;
    for (SplitRule rule : SplitRule.values()) {
      ForestBuilder builder = new ForestBuilder(rule, numTrees, 1 + random().nextInt(12), seed);
      OnHeapForest sequential = builder.build(new ArrayVectorSource(vectors));
      OnHeapForest parallel = builder.build(new ArrayVectorSource(vectors), new TaskExecutor(pool));
      assertSameForest(sequential, parallel);
    }
  }

  /**
   * The builder's own accounting of what it holds: about 11 bytes per vector per tree in flight
   * (ordinal and side arrays, leaves, split records), whatever the number of trees.
   */
  public void testPeakHeapGrowsWithVectorsNotTrees() throws IOException {
    int n = 4000;
    long few = peak(n, 4, null);
    long many = peak(n, 16, null);
    long twice = peak(2 * n, 4, null);
    assertTrue("4 trees: " + few + ", 16 trees: " + many, many < 1.2 * few);
    assertTrue(n + " vectors: " + few + ", " + 2 * n + ": " + twice, twice > 1.7 * few && twice < 2.3 * few);
    assertTrue("per vector: " + (double) few / n, few < 16L * n);

    int window = ForestBuilder.treesInFlight(16);
    long parallel = peak(n, 16, new TaskExecutor(pool));
    assertTrue("parallel " + parallel + " vs one tree " + many, parallel >= many && parallel <= 1.2 * window * many);
  }

  private long peak(int n, int numTrees, TaskExecutor executor) throws IOException {
    float[][] vectors = gaussianVectors(new java.util.Random(n), n, 32);
    ForestShape shape =
        new ForestBuilder(SplitRule.EUCLIDEAN, numTrees, 64, 7L)
            .buildTrees(new ArrayVectorSource(vectors), executor, new FirstOutputProbe(new AtomicLong()));
    assertEquals(numTrees, shape.numTrees());
    return shape.peakTreeBytes();
  }
}
