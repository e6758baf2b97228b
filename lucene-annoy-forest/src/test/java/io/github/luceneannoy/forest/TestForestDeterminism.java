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
package io.github.luceneannoy.forest;

import io.github.luceneannoy.forest.ForestTestUtil.BufferedVectorSource;
import io.github.luceneannoy.forest.ForestTestUtil.Kind;
import io.github.luceneannoy.forest.ForestTestUtil.RecordingWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.NamedThreadFactory;

/**
 * The same vectors and seed must give the same forest, byte for byte, however the build is spread
 * over threads: segments are rebuilt on merge, and replicas must agree.
 */
public class TestForestDeterminism extends LuceneTestCase {

  private static ExecutorService pool;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    pool =
        Executors.newFixedThreadPool(
            1 + random().nextInt(4), new NamedThreadFactory("forest-build"));
  }

  @Override
  public void tearDown() throws Exception {
    pool.shutdown();
    assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    pool = null;
    super.tearDown();
  }

  /** A forest written by {@link ForestBuilder} into a recorder, with its layout. */
  private static final class Built {
    final RecordingWriter records;
    final ForestLayout layout;

    Built(RecordingWriter records, ForestLayout layout) {
      this.records = records;
      this.layout = layout;
    }
  }

  private static Built build(
      float[][] vectors,
      Geometry geometry,
      int numTrees,
      int maxLeafSize,
      int branching,
      long seed,
      TaskExecutor executor)
      throws IOException {
    return build(
        vectors,
        geometry,
        numTrees,
        maxLeafSize,
        branching,
        seed,
        executor,
        ForestBuilder.CODES_AHEAD_BYTES);
  }

  private static Built build(
      float[][] vectors,
      Geometry geometry,
      int numTrees,
      int maxLeafSize,
      int branching,
      long seed,
      TaskExecutor executor,
      long codesAheadBytes)
      throws IOException {
    // a source with one buffer per copy, as files give: threads sharing one would corrupt vectors
    MappedVectors mapped = MappedVectors.of(new BufferedVectorSource(vectors), geometry);
    RecordingWriter records =
        new RecordingWriter(FastRotation.paddedDimension(mapped.dimension()) / Long.SIZE);
    ForestLayout layout =
        new ForestBuilder(geometry, numTrees, maxLeafSize, branching, seed)
            .codesAheadBytes(codesAheadBytes)
            .build(mapped, executor, records);
    return new Built(records, layout);
  }

  private static void assertSameForest(Built expected, Built actual) {
    assertArrayEquals(expected.layout.roots(), actual.layout.roots());
    assertEquals(expected.layout.nodes(), actual.layout.nodes());
    assertEquals(expected.layout.nodeBytes(), actual.layout.nodeBytes());
    assertEquals(expected.layout.leaves(), actual.layout.leaves());
    assertEquals(expected.layout.entries(), actual.layout.entries());
    assertEquals(expected.records.numTrees(), actual.records.numTrees());
    for (int t = 0; t < expected.records.numTrees(); t++) {
      assertArrayEquals("tree " + t, expected.records.treeBytes(t), actual.records.treeBytes(t));
    }
  }

  private static float[][] deepCopy(float[][] vectors) {
    float[][] copy = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      copy[i] = vectors[i].clone();
    }
    return copy;
  }

  /**
   * Codes computed ahead for all trees ({@link LeafEntryCodes}) and codes computed entry by entry
   * as leaves are written (segments too large to hold them) are the same bytes.
   */
  public void testCodesAheadAndAsWrittenAreIdentical() throws IOException {
    Random random = random();
    for (Geometry geometry : Geometry.values()) {
      float[][] vectors =
          ForestTestUtil.vectors(
              random,
              Kind.values()[random.nextInt(3)],
              300 + random.nextInt(1500),
              1 + random.nextInt(100));
      long seed = random.nextLong();
      int numTrees = 1 + random.nextInt(3);
      int maxLeafSize = 8 + random.nextInt(64);
      int branching = 2 + random.nextInt(15);
      assertSameForest(
          build(vectors, geometry, numTrees, maxLeafSize, branching, seed, null),
          build(vectors, geometry, numTrees, maxLeafSize, branching, seed, null, 0));
    }
  }

  /**
   * Same seed: identical records and layout, from fresh builders over a fresh copy of the vectors.
   */
  public void testSameSeedGivesIdenticalForest() throws IOException {
    Random random = random();
    for (Geometry geometry : Geometry.values()) {
      float[][] vectors =
          ForestTestUtil.vectors(
              random,
              Kind.values()[random.nextInt(3)],
              300 + random.nextInt(1500),
              1 + random.nextInt(40));
      long seed = random.nextLong();
      int numTrees = 1 + random.nextInt(4);
      int maxLeafSize = 1 + random.nextInt(64);
      int branching = 2 + random.nextInt(15);
      Built first = build(vectors, geometry, numTrees, maxLeafSize, branching, seed, null);
      Built second =
          build(deepCopy(vectors), geometry, numTrees, maxLeafSize, branching, seed, null);
      assertSameForest(first, second);
    }
  }

  /**
   * Trees built and written on an executor's threads (the merge's) give what one thread gives: on a
   * pool of 1 to 4 threads and on the caller's thread.
   */
  public void testExecutorGivesTheSameForest() throws IOException {
    Random random = random();
    for (Geometry geometry : Geometry.values()) {
      float[][] vectors =
          ForestTestUtil.vectors(
              random,
              Kind.values()[random.nextInt(3)],
              500 + random.nextInt(1500),
              1 + random.nextInt(40));
      long seed = random.nextLong();
      int numTrees = 2 + random.nextInt(5);
      int maxLeafSize = 1 + random.nextInt(64);
      int branching = 2 + random.nextInt(15);
      Built sequential = build(vectors, geometry, numTrees, maxLeafSize, branching, seed, null);
      assertSameForest(
          sequential,
          build(vectors, geometry, numTrees, maxLeafSize, branching, seed, new TaskExecutor(pool)));
      // an executor that runs tasks on the calling thread
      assertSameForest(
          sequential,
          build(
              vectors,
              geometry,
              numTrees,
              maxLeafSize,
              branching,
              seed,
              new TaskExecutor(Runnable::run)));
    }
  }

  /** The forest as {@link OnHeapForest} reads it back is the same too, executor or not. */
  public void testOnHeapForestContentsDoNotDependOnExecutor() throws IOException {
    Random random = random();
    float[][] vectors =
        ForestTestUtil.vectors(
            random, Kind.CLUSTERED, 500 + random.nextInt(1500), 2 + random.nextInt(30));
    Geometry geometry = Geometry.values()[random.nextInt(3)];
    long seed = random.nextLong();
    int numTrees = 2 + random.nextInt(3);
    OnHeapForest sequential =
        OnHeapForest.build(
            new BufferedVectorSource(vectors), geometry, numTrees, 16, 8, seed, null);
    OnHeapForest parallel =
        OnHeapForest.build(
            new BufferedVectorSource(vectors),
            geometry,
            numTrees,
            16,
            8,
            seed,
            new TaskExecutor(pool));
    byte[] expected = ForestTestUtil.contents(sequential);
    assertArrayEquals(expected, ForestTestUtil.contents(parallel));
    OnHeapForest other =
        OnHeapForest.build(
            new BufferedVectorSource(vectors),
            geometry,
            numTrees,
            16,
            8,
            seed + 1,
            new TaskExecutor(pool));
    assertFalse(
        "another seed, another forest", Arrays.equals(expected, ForestTestUtil.contents(other)));
  }

  public void testDifferentSeedsGiveDifferentForests() throws IOException {
    Random random = random();
    float[][] vectors = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 500, 5);
    long seed = random.nextLong();
    Built a = build(vectors, Geometry.EUCLIDEAN, 2, 8, 4, seed, null);
    Built b = build(vectors, Geometry.EUCLIDEAN, 2, 8, 4, seed + 1, null);
    for (int t = 0; t < 2; t++) {
      assertFalse("tree " + t, Arrays.equals(a.records.treeBytes(t), b.records.treeBytes(t)));
    }
  }

  /** The trees of one forest have seeds of their own: their leaves differ. */
  public void testTreesOfOneForestDiffer() throws IOException {
    Random random = random();
    float[][] vectors = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 500, 5);
    OnHeapForest forest =
        OnHeapForest.build(
            new BufferedVectorSource(vectors),
            Geometry.EUCLIDEAN,
            3,
            8,
            4,
            random.nextLong(),
            null);
    List<List<List<Integer>>> leaves = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      leaves.add(new ArrayList<>());
    }
    ForestTestUtil.walk(
        forest,
        new ForestTestUtil.ForestVisitor() {
          @Override
          public void node(int tree, int ref, int depth, NodeRecord record) {}

          @Override
          public void leaf(int tree, int depth, ForestTestUtil.LeafView leaf) {
            leaves.get(tree).add(Arrays.stream(leaf.ords).boxed().collect(Collectors.toList()));
          }
        });
    for (int t = 1; t < 3; t++) {
      assertFalse(
          "tree " + t + " has tree 0's leaves",
          new HashSet<>(leaves.get(0)).equals(new HashSet<>(leaves.get(t))));
    }
  }

  /**
   * A tree does not depend on how many trees the forest has: tree {@code t}'s records (positions
   * included, as the trees before it are the same) are the same in a forest of {@code t + 1} trees
   * and in a larger one.
   */
  public void testTreeDoesNotDependOnNumberOfTrees() throws IOException {
    Random random = random();
    float[][] vectors =
        ForestTestUtil.vectors(
            random, Kind.values()[random.nextInt(3)], 400 + random.nextInt(400), 6);
    Geometry geometry = Geometry.values()[random.nextInt(3)];
    long seed = random.nextLong();
    Built small = build(vectors, geometry, 2, 10, 6, seed, null);
    Built large = build(vectors, geometry, 5, 10, 6, seed, new TaskExecutor(pool));
    for (int t = 0; t < 2; t++) {
      assertArrayEquals("tree " + t, small.records.treeBytes(t), large.records.treeBytes(t));
      assertEquals(small.layout.roots()[t], large.layout.roots()[t]);
    }
  }

  /** The layout {@link ForestBuilder} returns describes what it wrote. */
  public void testLayoutDescribesRecords() throws IOException {
    Random random = random();
    int n = 1 + random.nextInt(2000);
    float[][] vectors =
        ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], n, 1 + random.nextInt(20));
    int numTrees = 1 + random.nextInt(4);
    Built built =
        build(
            vectors,
            Geometry.values()[random.nextInt(3)],
            numTrees,
            1 + random.nextInt(50),
            2 + random.nextInt(15),
            random.nextLong(),
            new TaskExecutor(pool));
    ForestLayout layout = built.layout;
    assertEquals(numTrees, layout.roots().length);
    assertEquals((long) numTrees * n, layout.entries());
    long nodeBytes = 0;
    int nodes = 0;
    int leaves = 0;
    for (int t = 0; t < numTrees; t++) {
      assertEquals("tree " + t + " starts after the trees before it", nodeBytes, layout.roots()[t]);
      nodeBytes += built.records.nodeBytes.get(t);
      nodes += built.records.nodeCounts.get(t);
      leaves += built.records.leafCounts.get(t);
    }
    assertEquals(nodeBytes, layout.nodeBytes());
    assertEquals(nodes, layout.nodes());
    assertEquals(leaves, layout.leaves());
  }
}
