package io.github.luceneannoy.examples.bench;

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
  /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
  public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private DatasetLoader() {}

  /** Options the loader reads; implemented by the command line's flag parser. */
  public interface Options {
    Path path(String name);

    String text(String name, String defaultValue);

    int number(String name, int defaultValue, int min, int max) throws Exception;
  }

  public static Dataset load(Options options, int k, PrintStream progress) throws Exception {
    int limit = options.number("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    int numQueries = options.number("num-queries", 1000, 1, Integer.MAX_VALUE);
    Dataset data;
    Path cacheBase;
    if (options.path("base") != null) {
      Path base = options.path("base");
      Path queries = options.path("queries");
      if (queries == null) {
        throw new IllegalArgumentException("--base needs --queries");
      }
      VectorSimilarityFunction similarity =
          VectorSimilarityFunction.valueOf(options.text("similarity", "euclidean").toUpperCase(Locale.ROOT));
      int[][] truth = null;
      if (options.path("truth") != null) {
        truth = VectorFiles.readIvecs(options.path("truth"), numQueries);
      }
      data = new Dataset(base.getFileName().toString(), VectorFiles.readVecs(base, limit),
          VectorFiles.readVecs(queries, numQueries), similarity, truth);
      cacheBase = base;
      if (truth != null && limit != Integer.MAX_VALUE) {
        // a ground truth file describes the full base set, not a prefix of it
        data = data.withGroundTruth(null);
      }
    } else {
      Path dir = options.path("fashion-mnist") == null ? DEBIAN_FASHION_MNIST : options.path("fashion-mnist");
      data = fashionMnist(dir, limit, numQueries);
      cacheBase = dir.resolve("train-images-idx3-ubyte.gz");
    }
    if (data.groundTruth() == null || data.groundTruth()[0].length < k) {
      data = data.withGroundTruth(cachedGroundTruth(data, cacheBase, k, progress));
    }
    return data;
  }

  /** The Fashion-MNIST training images as the base set and the test images as queries. */
  public static Dataset fashionMnist(Path dir, int limit, int numQueries) throws IOException {
    Path train = dir.resolve("train-images-idx3-ubyte.gz");
    Path test = dir.resolve("t10k-images-idx3-ubyte.gz");
    if (Files.exists(train) == false || Files.exists(test) == false) {
      throw new IOException(
          "Fashion-MNIST not found in " + dir + " (expected train-images-idx3-ubyte.gz and t10k-images-idx3-ubyte.gz);"
              + " install Debian's dataset-fashion-mnist package or pass --fashion-mnist DIR");
    }
    return new Dataset("fashion-mnist", VectorFiles.readIdxImages(train, limit), VectorFiles.readIdxImages(test, numQueries),
        VectorSimilarityFunction.EUCLIDEAN, null);
  }

  private static int[][] cachedGroundTruth(Dataset data, Path dataFile, int k, PrintStream progress) throws Exception {
    String name = String.format(Locale.ROOT, "%s.gt-%s-n%d-q%d-k%d.ivecs", dataFile.getFileName(),
        data.similarity().name().toLowerCase(Locale.ROOT), data.base().length, data.queries().length, k);
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
    Progress bar = new Progress(progress, "ground truth (exact search, all cores)", data.queries().length);
    int[][] truth = GroundTruth.compute(data, k, bar::update);
    Files.createDirectories(dir);
    VectorFiles.writeIvecs(cache, truth);
    progress.println("ground truth: cached in " + cache);
    return truth;
  }
}
