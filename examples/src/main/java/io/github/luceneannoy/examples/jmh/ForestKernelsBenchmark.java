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

import io.github.luceneannoy.forest.CodeBlock;
import io.github.luceneannoy.forest.FastRotation;
import io.github.luceneannoy.forest.ForestKernels;
import io.github.luceneannoy.forest.LeafCoder;
import io.github.luceneannoy.forest.QueryCode;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * The per-vector and per-query kernels of a forest search: what an exact distance costs ({@link
 * #dot}, {@link #squareDistance}) against what a distance estimated from a one-bit code costs
 * ({@link #estimate}, once per gathered candidate), and the per-query work that makes estimates
 * possible ({@link #querySet}: rotation and 4-bit rounding of the query, of which {@link #rotate}
 * is the rotation alone). {@link #encode} is the build's cost per leaf entry.
 *
 * <p>Codes and vectors on the heap, so memory latency is not part of the figures. The forked JVM
 * reads {@code jdk.incubator.vector}, so the float loops are those a search would use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ForestKernelsBenchmark {
  /** Entries of the coded leaf. */
  public static final int LEAF = 256;

  private static final ForestKernels KERNELS = ForestKernels.get();

  @Param({"128", "384", "784"})
  public int dim;

  private float[][] leaf;
  private float[] centre;
  private float[] centroid;
  private float[] query;
  private float centroidDistance;
  private FastRotation rotation;
  private LeafCoder coder;
  private CodeBlock codes;
  private CodeBlock scratchCodes;
  private QueryCode code;
  private float[] rotated;
  private float[] scratch;
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    centre = gaussian(random, dim, 1);
    centroid = gaussian(random, dim, 1);
    leaf = new float[LEAF][];
    for (int e = 0; e < LEAF; e++) {
      // a leaf's vectors lie around its centroid
      float[] noise = gaussian(random, dim, 0.3f);
      leaf[e] = new float[dim];
      for (int i = 0; i < dim; i++) {
        leaf[e][i] = centroid[i] + noise[i];
      }
    }
    query = gaussian(random, dim, 1);
    rotation = new FastRotation(dim, random.nextLong());
    coder = new LeafCoder(rotation, centre);
    coder.centroid(centroid);
    codes = new CodeBlock(LEAF, coder.words());
    scratchCodes = new CodeBlock(1, coder.words());
    for (int e = 0; e < LEAF; e++) {
      coder.encode(leaf[e], codes, e);
    }
    // as the builder writes them and searches read them
    codes.interleave(LEAF);
    code = new QueryCode(centre, rotation);
    code.set(query);
    centroidDistance = KERNELS.squareDistance(query, centroid);
    rotated = new float[rotation.paddedDimension()];
    scratch = new float[rotation.paddedDimension()];
  }

  private static float[] gaussian(Random random, int dim, float scale) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian() * scale;
    }
    return v;
  }

  private int nextEntry() {
    next = (next + 1) % LEAF;
    return next;
  }

  /** An exact dot product (inner-product and cosine scores). */
  @Benchmark
  public float dot() {
    return KERNELS.dot(query, leaf[nextEntry()]);
  }

  /** An exact squared distance (Euclidean scores, a leaf's centroid). */
  @Benchmark
  public float squareDistance() {
    return KERNELS.squareDistance(query, leaf[nextEntry()]);
  }

  /** A distance estimated from a code, with its error bound: what gathering costs per candidate. */
  @Benchmark
  public float estimate() {
    int e = nextEntry();
    return code.estimate(codes, e, centroidDistance)
        - code.error(codes, e, (float) Math.sqrt(centroidDistance), 2.5f);
  }

  /** Preparing a query for estimates: rotation about the centre and rounding to 4 bits. */
  @Benchmark
  public QueryCode querySet() {
    code.set(query);
    return code;
  }

  /** The rotation alone. */
  @Benchmark
  public float[] rotate() {
    rotation.rotate(query, rotated, scratch);
    return rotated;
  }

  /** Coding one leaf entry, as the build does. */
  @Benchmark
  public CodeBlock encode() {
    coder.encode(leaf[nextEntry()], scratchCodes, 0);
    return scratchCodes;
  }

  // for tests: what the benchmarked methods work on

  /** Leaf entry {@code e}. */
  public float[] entry(int e) {
    return leaf[e];
  }

  /** The query. */
  public float[] query() {
    return query;
  }

  /** The segment's centre, about which queries are rotated. */
  public float[] centre() {
    return centre;
  }

  /**
   * The entry the next {@link #dot}, {@link #squareDistance}, {@link #estimate} or {@link #encode}
   * reads.
   */
  public int upcomingEntry() {
    return (next + 1) % LEAF;
  }

  /** The code of entry {@code e}, as written at setup. */
  public CodeBlock codes() {
    return codes;
  }

  /** The code {@link #encode} last wrote. */
  public CodeBlock encoded() {
    return scratchCodes;
  }

  /**
   * The query's estimated distance from entry {@code e} and the bound's half width at {@code bound}
   * standard scales.
   */
  public float[] estimateAndError(int e, float bound) {
    return new float[] {
      code.estimate(codes, e, centroidDistance),
      code.error(codes, e, (float) Math.sqrt(centroidDistance), bound)
    };
  }
}
