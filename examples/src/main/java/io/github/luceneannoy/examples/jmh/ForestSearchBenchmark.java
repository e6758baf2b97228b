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
package io.github.luceneannoy.examples.jmh;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.forest.ArrayVectorSource;
import io.github.luceneannoy.forest.BudgetCalibration;
import io.github.luceneannoy.forest.ForestSearcher;
import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.LeafTraversal;
import io.github.luceneannoy.forest.OnHeapForest;
import io.github.luceneannoy.forest.ScoreToDistance;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One k=10 query against a forest on the heap (Euclidean, clustered generated data, the format's
 * default shape: its trees, leaves and children), at a fixed budget of candidates and at the budget
 * the build calibrates for a recall of 0.95; and, as the floor a search cannot go below, exact
 * scoring of as many candidates as the fixed budget with no forest at all.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ForestSearchBenchmark {
  /** Hits per query. */
  public static final int K = 10;

  @Param({"20000"})
  public int size;

  @Param({"64"})
  public int dim;

  /** Candidates gathered by {@link #searchFixedBudget}. */
  @Param({"400"})
  public int budget;

  private float[][] vectors;
  private float[][] queries;
  private OnHeapForest forest;
  private BudgetCalibration.Budgets budgets;
  private final ForestSearcher searcher = new ForestSearcher();
  private int next;

  @Setup
  public void setUp() throws IOException {
    Random random = new Random(42);
    int clusters = 50;
    float[][] centres = new float[clusters][dim];
    for (float[] centre : centres) {
      for (int i = 0; i < dim; i++) {
        centre[i] = 2 * random.nextFloat() - 1;
      }
    }
    vectors = clustered(random, centres, size);
    queries = clustered(random, centres, 100);
    forest =
        OnHeapForest.build(
            new ArrayVectorSource(vectors),
            Geometry.EUCLIDEAN,
            AnnoyVectorsFormat.DEFAULT_NUM_TREES,
            AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE,
            AnnoyVectorsFormat.DEFAULT_BRANCHING,
            1,
            null);
    budgets = BudgetCalibration.calibrate(() -> forest, new ArrayVectorSource(vectors), 0.95f, 1);
  }

  private float[][] clustered(Random random, float[][] centres, int count) {
    float[][] out = new float[count][dim];
    for (float[] v : out) {
      float[] centre = centres[random.nextInt(centres.length)];
      for (int i = 0; i < dim; i++) {
        v[i] = centre[i] + 0.25f * (float) random.nextGaussian();
      }
    }
    return out;
  }

  /** Euclidean scores, {@code 1/(1 + d²)}, as Lucene's. */
  public RandomVectorScorer scorer(float[] query) {
    return new RandomVectorScorer() {
      @Override
      public float score(int ord) {
        return 1 / (1 + VectorUtil.squareDistance(query, vectors[ord]));
      }

      @Override
      public int maxOrd() {
        return vectors.length;
      }
    };
  }

  private static final ScoreToDistance EUCLIDEAN = score -> 1 / score - 1;

  private float[] nextQuery() {
    next = (next + 1) % queries.length;
    return queries[next];
  }

  /**
   * Searches {@code query} with {@code budget} candidates; the hits are in the returned collector.
   */
  public TopKnnCollector search(float[] query, LeafTraversal.Order order, int budget)
      throws IOException {
    TopKnnCollector collector = new TopKnnCollector(K, Integer.MAX_VALUE);
    searcher.search(forest, order, query, scorer(query), EUCLIDEAN, collector, null, budget);
    return collector;
  }

  /** A k=10 query gathering {@link #budget} candidates. */
  @Benchmark
  public TopKnnCollector searchFixedBudget() throws IOException {
    return search(nextQuery(), budgets.order(), budget);
  }

  /** A k=10 query at the calibrated default budget. */
  @Benchmark
  public TopKnnCollector searchCalibratedBudget() throws IOException {
    return search(nextQuery(), budgets.order(), budgets.forHits(K));
  }

  /**
   * Scoring {@link #budget} vectors exactly, with no forest: the floor of a search at that budget.
   */
  @Benchmark
  public TopKnnCollector candidateScoring() throws IOException {
    float[] query = nextQuery();
    RandomVectorScorer scorer = scorer(query);
    TopKnnCollector collector = new TopKnnCollector(K, Integer.MAX_VALUE);
    int stride = Math.max(1, vectors.length / budget);
    for (int i = 0; i < budget && i * stride < vectors.length; i++) {
      int ord = i * stride;
      collector.collect(ord, scorer.score(ord));
    }
    return collector;
  }

  // for tests

  public float[][] vectors() {
    return vectors;
  }

  public float[][] queries() {
    return queries;
  }

  public BudgetCalibration.Budgets budgets() {
    return budgets;
  }

  /** The query the next benchmarked search runs. */
  public float[] upcomingQuery() {
    return queries[(next + 1) % queries.length];
  }

  /** Vectors gathered by the last search. */
  public long gathered() {
    return searcher.gathered();
  }
}
