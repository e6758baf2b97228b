package io.github.luceneannoy.examples.jmh;

import io.github.luceneannoy.examples.ClusteredVectors;
import io.github.luceneannoy.forest.ArrayVectorSource;
import io.github.luceneannoy.forest.ForestBuilder;
import io.github.luceneannoy.forest.ForestSearcher;
import io.github.luceneannoy.forest.OnHeapForest;
import io.github.luceneannoy.forest.SplitRule;
import java.io.IOException;
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
 * A query against an on-heap forest, split into its parts: descending the trees to the first leaf
 * of each (budget of one hit), a full search at the default budget, and scoring the same number
 * of candidates without any tree, which is the floor the search cannot go below.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForestSearchBenchmark {
  @Param({"20000"})
  public int size;

  @Param({"64"})
  public int dim;

  private float[][] vectors;
  private float[][] queries;
  private OnHeapForest forest;
  private final ForestSearcher searcher = new ForestSearcher();
  private int next;

  /** Candidates a k=10 query scores at the default 40 per hit. */
  static final int CANDIDATES = 400;

  @Setup
  public void setUp() throws IOException {
    ClusteredVectors generator = new ClusteredVectors(dim, 50, 0.5f, 42);
    vectors = generator.next(size).vectors();
    queries = generator.next(100).vectors();
    forest = new ForestBuilder(SplitRule.EUCLIDEAN, 16, 128, 1).build(new ArrayVectorSource(vectors));
  }

  private RandomVectorScorer scorer(float[] query) {
    return new RandomVectorScorer() {
      public float score(int ord) {
        return 1 / (1 + VectorUtil.squareDistance(query, vectors[ord]));
      }

      public int maxOrd() {
        return vectors.length;
      }
    };
  }

  private float[] nextQuery() {
    next = (next + 1) % queries.length;
    return queries[next];
  }

  /** Down every tree to a first leaf, and little else. */
  @Benchmark
  public Object treeDescent() throws IOException {
    float[] q = nextQuery();
    TopKnnCollector collector = new TopKnnCollector(1, Integer.MAX_VALUE);
    searcher.search(forest, q, scorer(q), collector, null, 1);
    return collector;
  }

  /** A k=10 query at the default budget of 40 candidates per hit. */
  @Benchmark
  public Object searchDefaultBudget() throws IOException {
    float[] q = nextQuery();
    TopKnnCollector collector = new TopKnnCollector(10, Integer.MAX_VALUE);
    searcher.search(forest, q, scorer(q), collector, null, CANDIDATES);
    return collector;
  }

  /** Scoring as many candidates as that search does, with no tree at all. */
  @Benchmark
  public Object candidateScoring() throws IOException {
    float[] q = nextQuery();
    RandomVectorScorer scorer = scorer(q);
    TopKnnCollector collector = new TopKnnCollector(10, Integer.MAX_VALUE);
    int stride = vectors.length / CANDIDATES;
    for (int i = 0; i < CANDIDATES; i++) {
      int ord = i * stride;
      collector.collect(ord, scorer.score(ord));
    }
    return collector;
  }
}
