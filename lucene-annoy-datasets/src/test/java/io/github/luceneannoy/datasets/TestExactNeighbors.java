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
package io.github.luceneannoy.datasets;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class TestExactNeighbors {
  /**
   * Small integer components make every dot product and norm exact in double whatever the summation
   * order, so exact ties are real and the brute force below must agree to the last bit.
   */
  private static float[][] integerVectors(Random random, int count, int dim) {
    float[][] vectors = new float[count][dim];
    for (float[] v : vectors) {
      for (int i = 0; i < dim; i++) {
        v[i] = random.nextInt(7) - 3;
      }
    }
    return vectors;
  }

  /** The simplest correct answer: score everything, sort by cosine descending then id ascending. */
  private static int[] bruteForce(float[][] base, float[] query, int k) {
    List<Integer> ids = new ArrayList<>();
    double[] scores = new double[base.length];
    for (int id = 0; id < base.length; id++) {
      double dot = 0, qq = 0, bb = 0;
      for (int i = 0; i < query.length; i++) {
        dot += query[i] * base[id][i];
        qq += query[i] * query[i];
        bb += base[id][i] * base[id][i];
      }
      scores[id] = qq == 0 || bb == 0 ? 0 : dot / (Math.sqrt(qq) * Math.sqrt(bb));
      ids.add(id);
    }
    ids.sort(Comparator.<Integer>comparingDouble(id -> -scores[id]).thenComparingInt(id -> id));
    return ids.subList(0, k).stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  public void matchesBruteForceIncludingTies() throws InterruptedException {
    Random random = new Random(12345);
    float[][] base = integerVectors(random, 300, 6);
    // Exact duplicates and positive multiples tie on cosine with their originals.
    base[250] = base[3].clone();
    base[260] = base[3].clone();
    for (int i = 0; i < 6; i++) {
      base[270][i] = 2 * base[3][i];
    }
    base[280] = new float[6]; // all zeros: cosine 0, never NaN
    float[][] queries = integerVectors(random, 40, 6);
    queries[0] = base[3].clone();
    int k = 25;
    int[][] truth = ExactNeighbors.topK(base, queries, k, 2);
    for (int q = 0; q < queries.length; q++) {
      assertArrayEquals("query " + q, bruteForce(base, queries[q], k), truth[q]);
    }
    // The query equal to base[3] finds it and its tied copies first, by id.
    assertArrayEquals(new int[] {3, 250, 260, 270}, java.util.Arrays.copyOf(truth[0], 4));
  }

  @Test
  public void sameAnswerOnAnyNumberOfThreads() throws InterruptedException {
    Random random = new Random(99);
    float[][] base = new float[500][16];
    float[][] queries = new float[37][16];
    for (float[][] set : new float[][][] {base, queries}) {
      for (float[] v : set) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) random.nextGaussian();
        }
      }
    }
    int[][] one = ExactNeighbors.topK(base, queries, 100, 1);
    int[][] three = ExactNeighbors.topK(base, queries, 100, 3);
    for (int q = 0; q < queries.length; q++) {
      assertArrayEquals(one[q], three[q]);
      assertEquals(100, one[q].length);
      // best first: cosines never increase along the list
      for (int r = 1; r < one[q].length; r++) {
        double previous = ExactNeighbors.cosine(queries[q], base[one[q][r - 1]]);
        double current = ExactNeighbors.cosine(queries[q], base[one[q][r]]);
        assertEquals(true, previous >= current);
      }
    }
  }

  @Test
  public void kMustFitTheBase() {
    float[][] base = new float[5][3];
    assertThrows(IllegalArgumentException.class, () -> ExactNeighbors.topK(base, base, 6, 1));
    assertThrows(IllegalArgumentException.class, () -> ExactNeighbors.topK(base, base, 0, 1));
  }

  @Test
  public void cosineOfKnownVectors() {
    assertEquals(1.0, ExactNeighbors.cosine(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-15);
    assertEquals(
        0.0, ExactNeighbors.cosine(new float[] {1, 0, 0, 0, 0}, new float[] {0, 1, 0, 0, 0}), 0);
    assertEquals(
        -1.0,
        ExactNeighbors.cosine(new float[] {1, 1, 1, 1, 1}, new float[] {-1, -1, -1, -1, -1}),
        1e-15);
    assertEquals(0.0, ExactNeighbors.cosine(new float[] {0, 0}, new float[] {1, 1}), 0);
  }
}
