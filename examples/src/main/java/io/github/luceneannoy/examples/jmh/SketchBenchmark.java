package io.github.luceneannoy.examples.jmh;

import io.github.luceneannoy.examples.ClusteredVectors;
import io.github.luceneannoy.forest.ArrayVectorSource;
import io.github.luceneannoy.forest.ForestBuilder;
import io.github.luceneannoy.forest.OnHeapForest;
import io.github.luceneannoy.forest.Projection;
import io.github.luceneannoy.forest.SketchScorer;
import io.github.luceneannoy.forest.SplitRule;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
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
 * The two per-query kernels of a sketched field: projecting the query onto the sketch's rows
 * (once per query and segment), against what a dot product per row would cost, and estimating a
 * candidate's distance from its sketch (once per gathered candidate).
 * Sketches on the heap, so memory latency is not part of the estimate's figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SketchBenchmark {
  @Param({"784"})
  public int dim;

  private float[] query;
  private Projection projection;
  private float[][] rows;
  private float[] projected;
  private SketchScorer estimates;
  private int size;
  private int next;

  @Setup
  public void setUp() throws IOException {
    ClusteredVectors generator = new ClusteredVectors(dim, 50, 0.3f, 42);
    float[][] vectors = generator.next(ForestBuilder.SKETCH_MIN_VECTORS).vectors();
    query = generator.next(1).vectors()[0];
    OnHeapForest forest = new ForestBuilder(SplitRule.EUCLIDEAN, 2, 64, 32, 128, 42).build(new ArrayVectorSource(vectors));
    if (forest.sketches() == null) {
      throw new IllegalStateException("the generated vectors did not get sketches");
    }
    projection = forest.projection();
    rows = new float[projection.rows()][dim];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < dim; c++) {
        rows[r][c] = projection.get(r, c);
      }
    }
    projected = projection.project(query, new float[projection.rows()]);
    estimates = new SketchScorer(forest.sketches(), query, projected);
    size = vectors.length;
  }

  /** Projecting the query as the searcher does (column by column). */
  @Benchmark
  public float[] projectQuery() {
    return projection.project(query, projected);
  }

  /** Projecting the query with one dot product per row, for comparison. */
  @Benchmark
  public float[] projectQueryRowByRow() {
    for (int r = 0; r < rows.length; r++) {
      projected[r] = VectorUtil.dotProduct(rows[r], query);
    }
    return projected;
  }

  /** One estimate (all 128 coordinates), of the next ordinal in turn. */
  @Benchmark
  public float sketchEstimate() throws IOException {
    next = next + 1 == size ? 0 : next + 1;
    return estimates.distance(next);
  }
}
