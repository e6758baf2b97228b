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

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST (Zalando's 70,000 28×28 grey-scale images of clothing in 10 classes) from the
 * four IDX files that Debian's {@code dataset-fashion-mnist} package installs in {@link
 * #DEFAULT_DIRECTORY}: {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
 * {@code t10k-images-idx3-ubyte.gz} and {@code t10k-labels-idx1-ubyte.gz} (the same names without
 * {@code .gz} are read too).
 *
 * <p>Each image becomes a 784-dimensional float vector of its pixel values (0 to 255, row by row),
 * to be compared by Euclidean distance; each label is a class number 0–9, named by {@link #LABELS}.
 *
 * <pre class="prettyprint">
 * FashionMnist data = FashionMnist.load(FashionMnist.DEFAULT_DIRECTORY);
 * float[] firstImage = data.train().vectors()[0];
 * String itsClass = FashionMnist.labelName(data.train().labels()[0]);
 * </pre>
 *
 * <p>IDX format: big-endian; a magic number whose third byte is the element type ({@code 0x08},
 * unsigned byte) and fourth the number of dimensions, then one int per dimension, then the
 * elements.
 */
public final class FashionMnist {

  /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
  public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

  /** Class names by label number. */
  public static final List<String> LABELS =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** Rows and columns of an image. */
  public static final int SIDE = 28;

  /** Components of an image vector: {@code SIDE × SIDE}. */
  public static final int DIMENSION = SIDE * SIDE;

  private static final int IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions
  private static final int LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension

  /**
   * Images and their labels, in file order.
   *
   * @param vectors one {@link #DIMENSION}-component vector per image
   * @param labels the class number (0–9) of each image
   */
  public record Split(float[][] vectors, int[] labels) {
    public int size() {
      return labels.length;
    }
  }

  private final Split train;
  private final Split test;

  private FashionMnist(Split train, Split test) {
    this.train = train;
    this.test = test;
  }

  /**
   * Reads all 60,000 training and 10,000 test images.
   *
   * @throws NoSuchFileException when a file is missing, naming it and how to get it
   * @throws InputFormatException when a file is not what it should be, saying what was expected
   */
  public static FashionMnist load(Path directory) throws IOException {
    return load(directory, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Reads the first {@code maxTrain} training and first {@code maxTest} test images. */
  public static FashionMnist load(Path directory, int maxTrain, int maxTest) throws IOException {
    return new FashionMnist(
        readSplit(directory, "train", maxTrain), readSplit(directory, "t10k", maxTest));
  }

  /** The training images (60,000 in the full set). */
  public Split train() {
    return train;
  }

  /** The test images (10,000 in the full set), meant as queries. */
  public Split test() {
    return test;
  }

  /** The class name of a label number. */
  public static String labelName(int label) {
    return LABELS.get(label);
  }

  private static Split readSplit(Path directory, String prefix, int max) throws IOException {
    Path images = find(directory, prefix + "-images-idx3-ubyte");
    Path labels = find(directory, prefix + "-labels-idx1-ubyte");
    float[][] vectors = readImages(images, max);
    int[] labelValues = readLabels(labels, max);
    if (vectors.length != labelValues.length) {
      throw new InputFormatException(
          labels,
          "record",
          0,
          "holds "
              + labelValues.length
              + " labels but "
              + images.getFileName()
              + " holds "
              + vectors.length
              + " images; expected one label per image");
    }
    return new Split(vectors, labelValues);
  }

  private static Path find(Path directory, String name) throws NoSuchFileException {
    for (Path candidate : List.of(directory.resolve(name + ".gz"), directory.resolve(name))) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new NoSuchFileException(
        directory.resolve(name + ".gz").toString(),
        null,
        "Fashion-MNIST file missing (install Debian's dataset-fashion-mnist, or give the directory"
            + " that holds the four IDX files)");
  }

  /** Reads up to {@code max} images of {@code file} as float vectors. */
  static float[][] readImages(Path file, int max) throws IOException {
    try (DataInputStream in = open(file)) {
      int count = readHeader(in, file, IMAGES_MAGIC, "images (idx3, unsigned bytes)");
      int rows = in.readInt();
      int columns = in.readInt();
      if (rows != SIDE || columns != SIDE) {
        throw new InputFormatException(
            file,
            "record",
            0,
            "images are " + rows + "x" + columns + ", expected " + SIDE + "x" + SIDE);
      }
      float[][] vectors = new float[Math.min(count, max)][DIMENSION];
      byte[] pixels = new byte[DIMENSION];
      for (int i = 0; i < vectors.length; i++) {
        readFully(in, pixels, file, i, count, "image of " + DIMENSION + " bytes");
        for (int p = 0; p < DIMENSION; p++) {
          vectors[i][p] = pixels[p] & 0xFF;
        }
      }
      return vectors;
    }
  }

  /** Reads up to {@code max} labels of {@code file}, each checked to be a class number. */
  static int[] readLabels(Path file, int max) throws IOException {
    try (DataInputStream in = open(file)) {
      int count = readHeader(in, file, LABELS_MAGIC, "labels (idx1, unsigned bytes)");
      byte[] bytes = new byte[Math.min(count, max)];
      readFully(in, bytes, file, 0, count, "labels");
      int[] labels = new int[bytes.length];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = bytes[i] & 0xFF;
        if (labels[i] >= LABELS.size()) {
          throw new InputFormatException(
              file,
              "record",
              i + 1L,
              "label " + labels[i] + ", expected a class number from 0 to " + (LABELS.size() - 1));
        }
      }
      return labels;
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw new InputFormatException(file, "record", 0, "not a gzip file (" + e.getMessage() + ")");
    }
    return new DataInputStream(in);
  }

  private static int readHeader(DataInputStream in, Path file, int magic, String expected)
      throws IOException {
    try {
      int found = in.readInt();
      if (found != magic) {
        throw new InputFormatException(
            file,
            "record",
            0,
            String.format(
                Locale.ROOT,
                "magic number 0x%08X, expected 0x%08X for %s",
                found,
                magic,
                expected));
      }
      int count = in.readInt();
      if (count < 0) {
        throw new InputFormatException(file, "record", 0, "negative item count " + count);
      }
      return count;
    } catch (EOFException e) {
      throw new InputFormatException(file, "record", 0, "too short for an IDX header");
    }
  }

  /** Reads {@code into} whole; a short read means a truncated file, named at the missing item. */
  private static void readFully(
      DataInputStream in, byte[] into, Path file, int index, int count, String what)
      throws IOException {
    int read = in.readNBytes(into, 0, into.length);
    if (read < into.length) {
      long missing = index + 1L + (what.equals("labels") ? read : 0);
      throw new InputFormatException(
          file,
          "record",
          missing,
          "file ends here, in the middle of the "
              + what
              + "; the header promises "
              + count
              + " records");
    }
  }
}
