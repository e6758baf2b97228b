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

import io.github.luceneannoy.examples.FashionMnist;
import io.github.luceneannoy.examples.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * Loads a benchmark data set (Fashion-MNIST's IDX files or TEXMEX vector files) and its ground
 * truth, computing the ground truth on all cores when no file holds it and caching it for the next
 * run: next to the data when that directory is writable (and not a system directory), else under
 * {@code ~/.cache/lucene-annoy}.
 */
public final class DatasetLoader {
  private DatasetLoader() {}

  /**
   * What to load.
   *
   * @param fashionMnist directory of the Fashion-MNIST files, used when {@code base} is null
   * @param base TEXMEX base vectors ({@code .fvecs} or {@code .bvecs}), or null
   * @param queries TEXMEX query vectors, required with {@code base}
   * @param truth TEXMEX ground truth ({@code .ivecs}), or null to compute it
   * @param similarity the similarity of TEXMEX data
   * @param limit how many base vectors to load at most
   * @param numQueries how many queries to load at most
   */
  public record Spec(
      Path fashionMnist,
      Path base,
      Path queries,
      Path truth,
      VectorSimilarityFunction similarity,
      int limit,
      int numQueries) {}

  /**
   * Loads the data set and its ground truth for top-{@code k}, computing (and caching) the ground
   * truth on {@code threads} threads when no file holds it.
   */
  public static Dataset load(Spec spec, int k, int threads, PrintStream progress) throws Exception {
    int limit = spec.limit();
    int numQueries = spec.numQueries();
    Dataset data;
    Path cacheBase;
    if (spec.base() != null) {
      if (spec.queries() == null) {
        throw new IllegalArgumentException("--base needs --queries");
      }
      int[][] truth = spec.truth() == null ? null : VectorFiles.readIvecs(spec.truth(), numQueries);
      float[][] base = VectorFiles.readVecs(spec.base(), limit);
      Labels labels = Labels.beside(spec.base(), base.length);
      data =
          new Dataset(
              datasetName(spec.base()),
              base,
              VectorFiles.readVecs(spec.queries(), numQueries),
              spec.similarity(),
              truth,
              labels == null ? null : labels.ids(),
              labels == null ? null : labels.names());
      cacheBase = spec.base();
      if (truth != null && limit != Integer.MAX_VALUE) {
        // a ground truth file describes the full base set, not a prefix of it
        data = data.withGroundTruth(null);
      }
    } else {
      Path dir = spec.fashionMnist() == null ? FashionMnist.DEFAULT_DIRECTORY : spec.fashionMnist();
      data = fashionMnist(dir, limit, numQueries);
      cacheBase = dir.resolve("train-images-idx3-ubyte.gz");
    }
    if (data.groundTruth() == null || data.groundTruth()[0].length < k) {
      data = data.withGroundTruth(cachedGroundTruth(data, cacheBase, k, threads, progress));
    }
    return data;
  }

  /**
   * A data set's name: its directory's for a generated set ({@code <name>/base.fvecs}), else its
   * file's.
   */
  private static String datasetName(Path base) {
    Path parent = base.toAbsolutePath().getParent();
    if (base.getFileName().toString().equals("base.fvecs")
        && parent != null
        && parent.getFileName() != null) {
      return parent.getFileName().toString();
    }
    return base.getFileName().toString();
  }

  /** The Fashion-MNIST training images as the base set and the test images as queries. */
  public static Dataset fashionMnist(Path dir, int limit, int numQueries) throws IOException {
    FashionMnist data = FashionMnist.load(dir, limit, numQueries);
    return new Dataset(
        "fashion-mnist",
        data.train().vectors(),
        data.test().vectors(),
        VectorSimilarityFunction.EUCLIDEAN,
        null,
        data.train().labels(),
        null);
  }

  private static int[][] cachedGroundTruth(
      Dataset data, Path dataFile, int k, int threads, PrintStream progress) throws Exception {
    String name =
        String.format(
            Locale.ROOT,
            "%s.gt-%s-n%d-q%d-k%d.ivecs",
            dataFile.getFileName(),
            data.similarity().name().toLowerCase(Locale.ROOT),
            data.base().length,
            data.queries().length,
            k);
    Path dir = dataFile.toAbsolutePath().getParent();
    if (dir == null || dir.startsWith("/usr") || Files.isWritable(dir) == false) {
      dir = Path.of(System.getProperty("user.home"), ".cache", "lucene-annoy");
    }
    Path cache = dir.resolve(name);
    if (Files.exists(cache)) {
      int[][] truth = VectorFiles.readIvecs(cache, data.queries().length);
      if (truth.length == data.queries().length) {
        progress.println("ground truth: read " + cache);
        return truth;
      }
    }
    Progress bar =
        new Progress(
            progress,
            "ground truth (exact search, " + threads + " threads)",
            "queries",
            data.queries().length);
    int[][] truth = GroundTruth.compute(data, k, threads, bar::update);
    bar.finish();
    Files.createDirectories(dir);
    VectorFiles.writeIvecs(cache, truth);
    progress.println("ground truth: cached in " + cache);
    return truth;
  }
}
