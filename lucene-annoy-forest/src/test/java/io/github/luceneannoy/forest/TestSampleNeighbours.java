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
import io.github.luceneannoy.forest.ForestTestUtil.Similarity;
import java.io.IOException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.FixedBitSet;

/**
 * {@link SampleNeighbours}: the neighbours calibration measures recall against are the exact
 * nearest, checked against a brute-force scan in double precision; and the leaf radius it prunes
 * with bounds every vector of the leaf.
 */
public class TestSampleNeighbours extends LuceneTestCase {

  /**
   * Every geometry and shape of data, leaves and trees of any size: the neighbours found are the
   * exact ones, but for the rare neighbour whose code's bounds fail (they hold with high
   * probability only; a search would miss it too): 0.9993 - 0.9995 of them per geometry over 30
   * iterations. One run's few segments vary more: over 400 seeds the share found was 0.9924 at the
   * lowest and below 0.995 in 4 (close neighbours on a circle, under the inner product in 30
   * dimensions), so a mark of 0.995 failed about one suite run in a hundred; the mark is 0.985.
   */
  public void testFindsTheExactNeighbours() throws IOException {
    Random random = random();
    long found = 0;
    long expected = 0;
    for (int iter = 0; iter < atLeast(6); iter++) {
      Geometry geometry = Geometry.values()[random.nextInt(Geometry.values().length)];
      Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
      int n = 120 + random.nextInt(2000);
      int dim = 2 + random.nextInt(random.nextBoolean() ? 8 : 100);
      float[][] vectors = ForestTestUtil.vectors(random, kind, n, dim);
      OnHeapForest forest =
          OnHeapForest.build(
              new ArrayVectorSource(vectors),
              geometry,
              1 + random.nextInt(3),
              4 + random.nextInt(60),
              2 + random.nextInt(15),
              random.nextLong(),
              null);
      int k = 1 + random.nextInt(15);
      int[] selves = new int[1 + random.nextInt(40)];
      for (int i = 0; i < selves.length; i++) {
        selves[i] = random.nextInt(n);
      }
      int[][] nearest = SampleNeighbours.find(forest, new BufferedVectorSource(vectors), selves, k);
      Similarity similarity = new Similarity(geometry, vectors);
      String where = geometry + " " + kind + " n=" + n + " dim=" + dim + " k=" + k;
      for (int i = 0; i < selves.length; i++) {
        int self = selves[i];
        int[] exact = similarity.exactTopK(vectors[self], k, allBut(n, self));
        assertEquals(where, Math.min(k, n - 1), nearest[i].length);
        Set<Integer> distinct = new HashSet<>();
        for (int ord : nearest[i]) {
          assertTrue(where + ": itself among its neighbours", ord != self);
          assertTrue(where + ": ordinal " + ord + " twice", distinct.add(ord));
        }
        found += Math.round(similarity.recall(vectors[self], exact, nearest[i]) * exact.length);
        expected += exact.length;
      }
    }
    assertTrue(found + " of " + expected, found >= 0.985 * expected);
  }

  /** Fewer other vectors than {@code k}: all of them, nearest first. */
  public void testFewerVectorsThanK() throws IOException {
    Random random = random();
    float[][] vectors = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 6, 3);
    OnHeapForest forest =
        OnHeapForest.build(
            new ArrayVectorSource(vectors), Geometry.EUCLIDEAN, 2, 2, 2, random.nextLong(), null);
    int[][] nearest =
        SampleNeighbours.find(forest, new BufferedVectorSource(vectors), new int[] {3}, 10);
    Similarity similarity = new Similarity(Geometry.EUCLIDEAN, vectors);
    assertArrayEquals(similarity.exactTopK(vectors[3], 10, allBut(6, 3)), nearest[0]);
  }

  /** The radius from a leaf's codes bounds, and nearly equals, its farthest vector's distance. */
  public void testRadiusBoundsTheLeaf() throws IOException {
    Random random = random();
    for (int iter = 0; iter < atLeast(5); iter++) {
      Geometry geometry = Geometry.values()[random.nextInt(Geometry.values().length)];
      int dim = 2 + random.nextInt(200);
      float[][] vectors =
          ForestTestUtil.vectors(
              random, Kind.values()[random.nextInt(Kind.values().length)], 500, dim);
      OnHeapForest forest =
          OnHeapForest.build(
              new ArrayVectorSource(vectors),
              geometry,
              1,
              8 + random.nextInt(100),
              2 + random.nextInt(10),
              random.nextLong(),
              null);
      int words = forest.rotation().paddedDimension() / Long.SIZE;
      LeafBlock block = new LeafBlock(forest.maxLeafSize(), words);
      float[] centroid = new float[forest.dimension()];
      float[] mapped = new float[forest.dimension()];
      int[] leaves = SampleNeighbours.leavesOf(forest, 0);
      int covered = 0;
      for (int i = 0; i < leaves.length; i += 3) {
        forest.readLeafCentroid(leaves[i], leaves[i + 1], leaves[i + 2], centroid);
        forest.readLeaf(leaves[i], leaves[i + 1], leaves[i + 2], block);
        double radius =
            SampleNeighbours.radius(
                block.codes, leaves[i + 2], forest.rotation().paddedDimension());
        double farthest = 0;
        for (int e = 0; e < leaves[i + 2]; e++) {
          geometry.mapVector(vectors[block.ords[e]], mapped, forest.maxNorm());
          farthest =
              Math.max(farthest, Math.sqrt(ForestTestUtil.squaredDistance(mapped, centroid)));
        }
        assertTrue(radius + " < " + farthest, radius >= farthest * (1 - 1e-5));
        assertTrue(radius + " >> " + farthest, radius <= farthest * 1.001 + 1e-6);
        covered += leaves[i + 2];
      }
      assertEquals("one tree's leaves hold every vector", vectors.length, covered);
    }
  }

  private static FixedBitSet allBut(int n, int left) {
    FixedBitSet bits = new FixedBitSet(n);
    bits.set(0, n);
    bits.clear(left);
    return bits;
  }
}
