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
   * Every geometry and shape of data, leaves and trees of any size, among all vectors or a random
   * share (as calibration seeks them): the neighbours found are the exact ones, but for the rare
   * neighbour whose code's bounds fail (they hold with high probability only; a search would miss
   * it too): 0.9993 - 0.9995 of them per geometry over 30 iterations.
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
      SampleShares shares = random.nextBoolean() ? new SampleShares(random.nextLong()) : null;
      boolean inShares = shares != null;
      int[][] nearest =
          inShares
              ? SampleNeighbours.find(forest, new BufferedVectorSource(vectors), selves, k, shares)
              : SampleNeighbours.find(forest, new BufferedVectorSource(vectors), selves, k);
      Similarity similarity = new Similarity(geometry, vectors);
      String where =
          geometry + " " + kind + " n=" + n + " dim=" + dim + " k=" + k + " shares=" + inShares;
      for (int i = 0; i < selves.length; i++) {
        int self = selves[i];
        FixedBitSet among = allBut(n, self);
        if (inShares) {
          for (int ord = 0; ord < n; ord++) {
            if (shares.contains(shares.groupOf(self), ord) == false) {
              among.clear(ord);
            }
          }
        }
        int[] exact = similarity.exactTopK(vectors[self], k, among);
        assertEquals(where, Math.min(k, among.cardinality()), nearest[i].length);
        Set<Integer> distinct = new HashSet<>();
        for (int ord : nearest[i]) {
          assertTrue(where + ": itself among its neighbours", ord != self);
          assertTrue(where + ": " + ord + " is not among those sought", among.get(ord));
          assertTrue(where + ": ordinal " + ord + " twice", distinct.add(ord));
        }
        found += Math.round(similarity.recall(vectors[self], exact, nearest[i]) * exact.length);
        expected += exact.length;
      }
    }
    assertTrue(found + " of " + expected, found >= 0.995 * expected);
  }

  /**
   * Each group's share ({@link SampleShares}) holds {@link SampleShares#SHARE}/256 of any range of
   * ordinals, two groups' shares overlap as independent draws, and queries fall in every group
   * alike.
   */
  public void testSharesAreIndependentDraws() {
    Random random = random();
    SampleShares shares = new SampleShares(random.nextLong());
    int first = random.nextInt(1 << 20);
    int n = 100_000;
    double p = SampleShares.SHARE / 256.0;
    int[] in = new int[SampleShares.GROUPS];
    int inFirstTwo = 0;
    int[] queries = new int[SampleShares.GROUPS];
    for (int ord = first; ord < first + n; ord++) {
      for (int g = 0; g < SampleShares.GROUPS; g++) {
        in[g] += shares.contains(g, ord) ? 1 : 0;
      }
      inFirstTwo +=
          shares.contains(0, ord) && shares.contains(SampleShares.GROUPS - 1, ord) ? 1 : 0;
      queries[shares.groupOf(ord)]++;
    }
    // 6 standard deviations of a fair count: at most 950 of these (n/2), 460 of n/16
    for (int g = 0; g < SampleShares.GROUPS; g++) {
      assertEquals("group " + g, n * p, in[g], 950);
      assertEquals("queries in group " + g, n / (double) SampleShares.GROUPS, queries[g], 460);
    }
    assertEquals(n * p * p, inFirstTwo, 950);
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
