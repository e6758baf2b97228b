package io.github.luceneannoy.examples.jmh;

import io.github.luceneannoy.forest.Margins;
import java.util.Random;
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
 * The per-vector kernels of a query: the exact distance a candidate costs, and the margin a split
 * node costs with the byte-quantized normal the format stores (against a float normal, which it
 * would cost if stored as floats).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotLoopsBenchmark {
  @Param({"128", "784"})
  public int dim;

  private float[] query;
  private float[] vector;
  private float[] floatNormal;
  private byte[] byteNormal;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    query = new float[dim];
    vector = new float[dim];
    floatNormal = new float[dim];
    byteNormal = new byte[dim];
    for (int i = 0; i < dim; i++) {
      query[i] = random.nextFloat();
      vector[i] = random.nextFloat();
      floatNormal[i] = (float) random.nextGaussian();
      byteNormal[i] = (byte) (random.nextInt(255) - 127);
    }
  }

  /** What scoring one candidate costs (Euclidean). */
  @Benchmark
  public float candidateDistance() {
    return VectorUtil.squareDistance(query, vector);
  }

  /** What one split node costs, as stored: bytes times a scale. */
  @Benchmark
  public float splitSideByteNormal() {
    return 0.5f + 0.01f * Margins.dot(byteNormal, 0, query);
  }

  /** What one split node would cost with a float normal. */
  @Benchmark
  public float splitSideFloatNormal() {
    return 0.5f + VectorUtil.dotProduct(floatNormal, query);
  }
}
