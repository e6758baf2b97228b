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
package io.github.luceneannoy.examples.bench;

import io.github.luceneannoy.examples.ClusteredVectors;
import io.github.luceneannoy.examples.Progress;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The scale benchmark's data: clustered vectors ({@link ClusteredVectors}) written to {@code
 * .fvecs} files, queries drawn from the same clusters after the base vectors, and their exact
 * neighbours in an {@code .ivecs} file. Files are named after every parameter and reused when
 * present, since the exact neighbours of a million vectors take a while; each is written under a
 * temporary name and moved into place, so an interrupted run leaves no partial file to be reused.
 */
final class ScaleData {

  /** The generator's parameters. */
  record Spec(
      int vectors, int dimension, int clusters, float spread, long seed, int queries, int k) {
    String stem() {
      return String.format(
          Locale.ROOT,
          "clustered-%dx%d-c%d-s%s-seed%d",
          vectors,
          dimension,
          clusters,
          spread,
          seed);
    }
  }

  /** Where the data is. */
  record Files3(Path base, Path queries, Path truth) {}

  private ScaleData() {}

  static Files3 prepare(Spec spec, Path dir, int threads, PrintStream progress) throws Exception {
    Files.createDirectories(dir);
    Path base = dir.resolve(spec.stem() + ".fvecs");
    Path queries = dir.resolve(spec.stem() + "-q" + spec.queries() + ".fvecs");
    Path truth = dir.resolve(spec.stem() + "-q" + spec.queries() + "-k" + spec.k() + ".ivecs");
    long baseBytes =
        (long) spec.vectors() * (Integer.BYTES + (long) spec.dimension() * Float.BYTES);
    if (Files.exists(base) && Files.size(base) == baseBytes && Files.exists(queries)) {
      progress.println("data: reusing " + base + " and " + queries);
    } else {
      generate(spec, base, queries, progress);
    }
    if (Files.exists(truth)) {
      progress.println("ground truth: reusing " + truth);
    } else {
      computeTruth(spec, base, queries, truth, threads, progress);
    }
    return new Files3(base, queries, truth);
  }

  private static void generate(Spec spec, Path base, Path queries, PrintStream progress)
      throws IOException {
    ClusteredVectors generator =
        new ClusteredVectors(spec.dimension(), spec.clusters(), spec.spread(), spec.seed());
    Progress drawing =
        new Progress(progress, "generating " + base.getFileName(), "vectors", spec.vectors());
    Path partial = base.resolveSibling(base.getFileName() + ".partial");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
      ByteBuffer record =
          ByteBuffer.allocate(Integer.BYTES + spec.dimension() * Float.BYTES)
              .order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < spec.vectors(); i++) {
        float[] v = generator.nextVector(generator.nextCluster());
        record.clear();
        record.putInt(v.length);
        for (float x : v) {
          record.putFloat(x);
        }
        out.write(record.array());
        drawing.update(i + 1);
      }
    }
    drawing.finish();
    // queries continue the same sequence: same clusters, vectors not in the index
    Path partialQueries = queries.resolveSibling(queries.getFileName() + ".partial");
    VectorFiles.writeFvecs(partialQueries, generator.next(spec.queries()).vectors());
    Files.move(partial, base, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(
        partialQueries,
        queries,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private static void computeTruth(
      Spec spec, Path base, Path queries, Path truth, int threads, PrintStream progress)
      throws Exception {
    // the parent JVM holds the vectors for this; the children, whose heap is measured, never do
    Dataset data =
        new Dataset(
            "scale",
            VectorFiles.readVecs(base, Integer.MAX_VALUE),
            VectorFiles.readVecs(queries, Integer.MAX_VALUE),
            VectorSimilarityFunction.EUCLIDEAN,
            null);
    Progress computing =
        new Progress(progress, "exact neighbours", "queries", data.queries().length);
    long start = System.nanoTime();
    int[][] neighbours = GroundTruth.compute(data, spec.k(), threads, computing::update);
    computing.finish();
    progress.printf(
        Locale.ROOT,
        "ground truth: %d queries in %.1f s%n",
        neighbours.length,
        IndexBuild.seconds(start));
    Path partial = truth.resolveSibling(truth.getFileName() + ".partial");
    VectorFiles.writeIvecs(partial, neighbours);
    Files.move(partial, truth, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
