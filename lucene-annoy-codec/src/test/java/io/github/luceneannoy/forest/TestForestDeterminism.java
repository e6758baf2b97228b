package io.github.luceneannoy.forest;

import static io.github.luceneannoy.forest.ForestTestUtil.assertSameForest;
import static io.github.luceneannoy.forest.ForestTestUtil.deepCopy;
import static io.github.luceneannoy.forest.ForestTestUtil.gaussianVectors;
import static io.github.luceneannoy.forest.ForestTestUtil.sameForest;
import static io.github.luceneannoy.forest.ForestTestUtil.sameTree;

import io.github.luceneannoy.forest.ForestTestUtil.ArrayVectorSource;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The same vectors and seed must give the same forest: segments are rebuilt on merge and replicas
 * must agree byte for byte.
 */
public class TestForestDeterminism extends LuceneTestCase {

  private static SplitRule randomRule() {
    return SplitRule.values()[random().nextInt(SplitRule.values().length)];
  }

  public void testSameSeedGivesIdenticalForest() throws IOException {
    for (SplitRule rule : SplitRule.values()) {
      float[][] vectors = gaussianVectors(random(), 300 + random().nextInt(300), 7);
      long seed = random().nextLong();
      int maxLeafSize = 1 + random().nextInt(10);
      OnHeapForest first =
          new ForestBuilder(rule, 4, maxLeafSize, seed).build(new ArrayVectorSource(vectors));
      // a fresh builder over a fresh copy: no state may leak between builds
      OnHeapForest second =
          new ForestBuilder(rule, 4, maxLeafSize, seed)
              .build(new ArrayVectorSource(deepCopy(vectors)));
      assertSameForest(first, second);
    }
  }

  public void testParallelBuildEqualsSequentialBuild() throws Exception {
    float[][] vectors = gaussianVectors(random(), 700, 9);
    long seed = random().nextLong();
    for (SplitRule rule : SplitRule.values()) {
      ForestBuilder builder = new ForestBuilder(rule, 7, 1 + random().nextInt(20), seed);
      OnHeapForest sequential = builder.build(new ArrayVectorSource(vectors));
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
      try {
        OnHeapForest parallel =
            builder.build(new ArrayVectorSource(vectors), new org.apache.lucene.search.TaskExecutor(pool));
        assertSameForest(sequential, parallel);
      } finally {
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
      }
    }
  }

  public void testDifferentSeedGivesDifferentForest() throws IOException {
    float[][] vectors = gaussianVectors(random(), 500, 5);
    SplitRule rule = randomRule();
    long seed = random().nextLong();
    OnHeapForest a = new ForestBuilder(rule, 2, 8, seed).build(new ArrayVectorSource(vectors));
    OnHeapForest b = new ForestBuilder(rule, 2, 8, seed + 1).build(new ArrayVectorSource(vectors));
    assertFalse(sameForest(a, b));
    assertFalse(sameTree(a, 0, b, 0));
  }

  public void testTreesOfOneForestDiffer() throws IOException {
    float[][] vectors = gaussianVectors(random(), 500, 5);
    OnHeapForest forest =
        new ForestBuilder(randomRule(), 3, 8, random().nextLong())
            .build(new ArrayVectorSource(vectors));
    assertFalse(sameTree(forest, 0, forest, 1));
    assertFalse(sameTree(forest, 1, forest, 2));
  }

  public void testTreeDoesNotDependOnNumberOfTrees() throws IOException {
    float[][] vectors = gaussianVectors(random(), 400, 6);
    SplitRule rule = randomRule();
    long seed = random().nextLong();
    OnHeapForest small = new ForestBuilder(rule, 2, 6, seed).build(new ArrayVectorSource(vectors));
    OnHeapForest large = new ForestBuilder(rule, 5, 6, seed).build(new ArrayVectorSource(vectors));
    for (int t = 0; t < small.numTrees(); t++) {
      assertTrue("tree " + t, sameTree(small, t, large, t));
    }
  }

  public void testTreeSeedIsAFunctionOfSeedAndTree() {
    long seed = random().nextLong();
    int tree = random().nextInt(1000);
    assertEquals(ForestBuilder.treeSeed(seed, tree), ForestBuilder.treeSeed(seed, tree));
    // distinct trees get distinct seeds: the mix is a bijection of seed + (tree+1)·golden
    Set<Long> seeds = new HashSet<>();
    for (int t = 0; t < 1024; t++) {
      assertTrue(seeds.add(ForestBuilder.treeSeed(seed, t)));
    }
    assertNotEquals(ForestBuilder.treeSeed(seed, tree), ForestBuilder.treeSeed(seed + 1, tree));
    // pinned: SplitMix64's first output for state 0, so files stay reproducible across versions
    assertEquals(0xE220A8397B1DCDAFL, ForestBuilder.treeSeed(0, 0));
  }

  public void testSharedBufferSourceMatchesFreshArrays() throws IOException {
    // the builder must copy what it keeps from VectorSource.vector, whose buffer the next call
    // overwrites; a source handing out the arrays themselves must give the same forest
    float[][] vectors = gaussianVectors(random(), 300, 5);
    VectorSource fresh =
        new VectorSource() {
          @Override
          public int size() {
            return vectors.length;
          }

          @Override
          public int dimension() {
            return 5;
          }

          @Override
          public float[] vector(int ord) {
            return vectors[ord].clone();
          }

          @Override
          public VectorSource copy() {
            return this;
          }
        };
    for (SplitRule rule : SplitRule.values()) {
      long seed = random().nextLong();
      OnHeapForest expected = new ForestBuilder(rule, 3, 4, seed).build(fresh);
      OnHeapForest actual =
          new ForestBuilder(rule, 3, 4, seed).build(new ArrayVectorSource(vectors));
      assertSameForest(expected, actual);
    }
  }
}
