package io.github.luceneannoy.examples;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes small Fashion-MNIST-shaped IDX files for tests. */
final class IdxFiles {
  private IdxFiles() {}

  /**
   * Writes the four files into {@code dir}: images of class {@code c} are bright in band {@code c}
   * of rows (plus noise), so that classes are separable like real ones.
   */
  static void writeDataset(Path dir, int train, int test, long seed) throws IOException {
    Random random = new Random(seed);
    writeSplit(dir, "train", train, random);
    writeSplit(dir, "t10k", test, random);
  }

  private static void writeSplit(Path dir, String prefix, int count, Random random)
      throws IOException {
    byte[][] images = new byte[count][FashionMnist.DIMENSION];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(10);
      labels[i] = (byte) label;
      for (int p = 0; p < FashionMnist.DIMENSION; p++) {
        int row = p / FashionMnist.SIDE;
        int base = row / 3 == label ? 200 : 20;
        images[i][p] = (byte) Math.min(255, base + random.nextInt(40));
      }
    }
    writeImages(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images, FashionMnist.SIDE);
    writeLabels(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels);
  }

  static void writeImages(Path file, byte[][] images, int side) throws IOException {
    try (DataOutputStream out = open(file)) {
      out.writeInt(0x00000803);
      out.writeInt(images.length);
      out.writeInt(side);
      out.writeInt(side);
      for (byte[] image : images) {
        out.write(image);
      }
    }
  }

  static void writeLabels(Path file, byte[] labels) throws IOException {
    try (DataOutputStream out = open(file)) {
      out.writeInt(0x00000801);
      out.writeInt(labels.length);
      out.write(labels);
    }
  }

  private static DataOutputStream open(Path file) throws IOException {
    OutputStream out = Files.newOutputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      out = new GZIPOutputStream(out);
    }
    return new DataOutputStream(out);
  }
}
