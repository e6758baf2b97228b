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
package io.github.luceneannoy.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.examples.jmh.ForestKernelsBenchmark;
import io.github.luceneannoy.examples.jmh.ForestSearchBenchmark;
import io.github.luceneannoy.forest.CodeBlock;
import io.github.luceneannoy.forest.QueryCode;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.junit.Test;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Each JMH benchmark's setup and methods run once, so that the benchmarks cannot rot, and what they
 * compare computes consistent things: exact kernels the exact values, estimates within their bounds
 * of them, searches the hits exact search finds. (The benchmarks' data are generated from fixed
 * seeds, so these checks are deterministic.)
 */
public class JmhBenchmarksTest {

  private static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  @Test
  public void forestKernels() {
    for (int dim : new int[] {128, 784}) {
      ForestKernelsBenchmark bench = new ForestKernelsBenchmark();
      bench.dim = dim;
      bench.setUp();
      float[] query = bench.query();

      int e = bench.upcomingEntry();
      double dot = 0;
      double magnitude = 0;
      for (int i = 0; i < dim; i++) {
        dot += (double) query[i] * bench.entry(e)[i];
        magnitude += Math.abs((double) query[i] * bench.entry(e)[i]);
      }
      assertEquals(dot, bench.dot(), 1e-5 * magnitude);

      e = bench.upcomingEntry();
      double distance = squaredDistance(query, bench.entry(e));
      assertEquals(distance, bench.squareDistance(), 1e-5 * distance);

      // the estimate's lower bound, as benchmarked, is what the estimate and its error give
      e = bench.upcomingEntry();
      float[] estimate = bench.estimateAndError(e, 2.5f);
      assertEquals(estimate[0] - estimate[1], bench.estimate(), 1e-6f * Math.abs(estimate[0]));
      // every entry's true distance lies within a generous bound of its estimate (5 standard
      // scales: the chance of a miss among these entries is below one in a thousand)
      double sumError = 0;
      for (int entry = 0; entry < ForestKernelsBenchmark.LEAF; entry++) {
        float[] wide = bench.estimateAndError(entry, 5);
        double truth = squaredDistance(query, bench.entry(entry));
        assertEquals("dim " + dim + ", entry " + entry, truth, wide[0], wide[1]);
        sumError += wide[0] - truth;
      }
      assertTrue(
          "estimates are unbiased-ish",
          Math.abs(sumError / ForestKernelsBenchmark.LEAF) < 0.1 * distance);

      QueryCode code = bench.querySet();
      assertEquals(
          squaredDistance(query, bench.centre()),
          code.centreDistance(),
          1e-4 * code.centreDistance());

      float[] rotated = bench.rotate();
      double norm = 0;
      for (float x : query) {
        norm += (double) x * x;
      }
      double rotatedNorm = 0;
      for (float x : rotated) {
        rotatedNorm += (double) x * x;
      }
      assertEquals("the rotation keeps norms", norm, rotatedNorm, 1e-4 * norm);

      e = bench.upcomingEntry();
      CodeBlock encoded = bench.encode();
      assertSame(bench.encoded(), encoded);
      CodeBlock written = bench.codes();
      int words = encoded.words;
      for (int w = 0; w < words; w++) {
        assertEquals(
            "coding again gives the setup's code, word " + w, written.word(e, w), encoded.bits[w]);
      }
      assertEquals(written.ones[e], encoded.ones[0]);
      int popcount = 0;
      for (int w = 0; w < words; w++) {
        popcount += Long.bitCount(encoded.bits[w]);
      }
      assertEquals(popcount, encoded.ones[0]);
    }
  }

  /** The exact top {@code k} of {@code query}, best first. */
  private static int[] exactTopK(float[][] vectors, float[] query, int k) {
    Integer[] ords = new Integer[vectors.length];
    double[] distances = new double[vectors.length];
    for (int i = 0; i < ords.length; i++) {
      ords[i] = i;
      distances[i] = squaredDistance(query, vectors[i]);
    }
    Arrays.sort(ords, (a, b) -> Double.compare(distances[a], distances[b]));
    return Arrays.stream(ords, 0, k).mapToInt(Integer::intValue).toArray();
  }

  /**
   * The hits' ordinals, checked sorted and distinct. {@link TopKnnCollector#topDocs} drains the
   * collector: once only.
   */
  private static Set<Integer> ords(TopKnnCollector collector) {
    Set<Integer> ords = new HashSet<>();
    ScoreDoc[] hits = collector.topDocs().scoreDocs;
    assertEquals(ForestSearchBenchmark.K, hits.length);
    for (int i = 0; i < hits.length; i++) {
      assertTrue("hits best first", i == 0 || hits[i].score <= hits[i - 1].score);
      ords.add(hits[i].doc);
    }
    assertEquals("no duplicate hits", hits.length, ords.size());
    return ords;
  }

  private static double recall(float[][] vectors, float[] query, TopKnnCollector collector) {
    Set<Integer> found = ords(collector);
    int hits = 0;
    for (int ord : exactTopK(vectors, query, ForestSearchBenchmark.K)) {
      hits += found.contains(ord) ? 1 : 0;
    }
    return (double) hits / ForestSearchBenchmark.K;
  }

  @Test
  public void forestSearch() throws Exception {
    ForestSearchBenchmark bench = new ForestSearchBenchmark();
    bench.size = 3_000;
    bench.dim = 16;
    bench.budget = 400;
    bench.setUp();
    float[][] vectors = bench.vectors();
    int k = ForestSearchBenchmark.K;

    float[] query = bench.upcomingQuery();
    TopKnnCollector fixed = bench.searchFixedBudget();
    assertEquals("a fixed budget gathers that many", 400, bench.gathered());
    double fixedRecall = recall(vectors, query, fixed);

    query = bench.upcomingQuery();
    TopKnnCollector calibrated = bench.searchCalibratedBudget();
    assertEquals(bench.budgets().forHits(k), bench.gathered());
    double calibratedRecall = recall(vectors, query, calibrated);
    assertTrue(bench.budgets().toString(), bench.budgets().forHits(k) <= vectors.length);

    // the calibrated budget gives these queries the recall it was calibrated for, give or take
    double sum = 0;
    float[][] queries = bench.queries();
    for (float[] q : queries) {
      sum +=
          recall(vectors, q, bench.search(q, bench.budgets().order(), bench.budgets().forHits(k)));
    }
    assertTrue(
        "recall@10 at the calibrated budget " + sum / queries.length, sum / queries.length >= 0.9);
    // and a budget of every vector is exact search
    assertEquals(
        1.0,
        recall(vectors, query, bench.search(query, bench.budgets().order(), vectors.length)),
        0);
    // these clustered data are easy: 400 candidates of 3,000 find about every neighbour
    assertTrue("recall@10 at a budget of 400: " + fixedRecall, fixedRecall >= 0.8);
    assertTrue("recall@10 at the calibrated budget: " + calibratedRecall, calibratedRecall >= 0.5);

    // the floor: the best of every (size / budget)-th vector, as many as the budget
    query = bench.upcomingQuery();
    Set<Integer> floor = ords(bench.candidateScoring());
    int stride = vectors.length / 400;
    float[][] scored = new float[400][];
    for (int i = 0; i < 400; i++) {
      scored[i] = vectors[i * stride];
    }
    Set<Integer> expected = new HashSet<>();
    for (int i : exactTopK(scored, query, k)) {
      expected.add(i * stride);
    }
    assertEquals(expected, floor);
  }

  /**
   * JMH's annotation processor listed every benchmark method: without the list, {@code
   * org.openjdk.jmh.Main} runs nothing.
   */
  @Test
  public void benchmarkListNamesEveryBenchmark() throws Exception {
    String list;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
      assertNotNull("META-INF/BenchmarkList missing: JMH's annotation processor did not run", in);
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (Class<?> bench :
        new Class<?>[] {ForestKernelsBenchmark.class, ForestSearchBenchmark.class}) {
      for (Method method : bench.getMethods()) {
        if (method.isAnnotationPresent(Benchmark.class)) {
          assertTrue(
              bench.getSimpleName() + "." + method.getName() + " not listed",
              list.contains(bench.getName() + " ")
                  && list.contains(bench.getSimpleName() + "_" + method.getName() + "_jmh"));
        }
      }
    }
  }
}
