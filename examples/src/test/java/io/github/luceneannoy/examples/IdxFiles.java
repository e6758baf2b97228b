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

  /** Dimensions of the variation within a class (pose, size, contrast in real images). */
  private static final int STYLES = 4;

  /**
   * Writes the four files into {@code dir}. An image of class {@code c} is bright in band {@code c}
   * of rows, like real classes separable by shape, plus its own mix of {@value #STYLES} patterns
   * shared by all classes (a Gaussian weight each) and a little noise: within a class, and from a
   * class to another, some images are nearer than others, as in real data, rather than all at about
   * the same distance as with noise alone.
   */
  static void writeDataset(Path dir, int train, int test, long seed) throws IOException {
    Random random = new Random(seed);
    float[][] styles = new float[STYLES][FashionMnist.DIMENSION];
    for (float[] style : styles) {
      for (int p = 0; p < style.length; p++) {
        style[p] = random.nextBoolean() ? 1 : -1;
      }
    }
    writeSplit(dir, "train", train, styles, random);
    writeSplit(dir, "t10k", test, styles, random);
  }

  private static void writeSplit(
      Path dir, String prefix, int count, float[][] styles, Random random) throws IOException {
    byte[][] images = new byte[count][FashionMnist.DIMENSION];
    byte[] labels = new byte[count];
    double[] weights = new double[STYLES];
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(10);
      labels[i] = (byte) label;
      for (int j = 0; j < STYLES; j++) {
        weights[j] = 20 * random.nextGaussian();
      }
      for (int p = 0; p < FashionMnist.DIMENSION; p++) {
        int row = p / FashionMnist.SIDE;
        double value = (row / 3 == label ? 180 : 70) + random.nextInt(10);
        for (int j = 0; j < STYLES; j++) {
          value += weights[j] * styles[j][p];
        }
        images[i][p] = (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
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
