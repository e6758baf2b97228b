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
package io.github.luceneannoy.forest;

import java.util.SplittableRandom;

/**
 * A random rotation of vectors padded to a multiple of 64 coordinates, computed in {@code O(p log
 * 64)} operations instead of the {@code p²} of a dense matrix: {@value #ROUNDS} rounds, each a
 * random sign per coordinate, a Walsh-Hadamard transform of every block of 64 coordinates (scaled
 * to stay orthonormal) and a random permutation of all coordinates, which carries each block's
 * mixture into other blocks in the next round.
 *
 * <p>One-bit codes need it: the sign of a coordinate says little about a vector whose variance sits
 * in a few coordinates (Fashion-MNIST's border pixels are always 0), but after a random rotation
 * every coordinate carries a comparable share, which is what the code's error bound assumes
 * (measured on Fashion-MNIST: reaching the same recall took 2.5 - 3.5 times fewer exact distances
 * than unrotated codes, and as few as a dense random orthogonal matrix).
 *
 * <p>The rotation is defined by its seed and dimension only, so it is never stored: the reader
 * rebuilds it. Instances are immutable and thread-safe.
 */
public final class FastRotation {
  private static final ForestKernels KERNELS = ForestKernels.get();

  /** Mixing rounds: three reach every output coordinate from {@code 64³} input coordinates. */
  static final int ROUNDS = 3;

  private static final int BLOCK = ForestKernels.HADAMARD_BLOCK;
  private static final float BLOCK_SCALE = 0.125f; // 1 / sqrt(64)

  private final int dimension;
  private final int padded;

  /** Per round, the sign of each coordinate times the transform's scale, as a factor. */
  private final float[][] signs;

  private final int[][] permutations;

  /**
   * @param dimension coordinates of the vectors to rotate, at least 1
   * @param seed the seed of the signs and permutations
   */
  public FastRotation(int dimension, long seed) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    this.dimension = dimension;
    this.padded = paddedDimension(dimension);
    SplittableRandom random = new SplittableRandom(seed);
    signs = new float[ROUNDS][padded];
    permutations = new int[ROUNDS][padded];
    for (int r = 0; r < ROUNDS; r++) {
      for (int i = 0; i < padded; i++) {
        // the transform's scale, 1/8, rides on the sign: one multiplication per coordinate
        signs[r][i] = random.nextBoolean() ? -BLOCK_SCALE : BLOCK_SCALE;
        permutations[r][i] = i;
      }
      for (int i = padded - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = permutations[r][i];
        permutations[r][i] = permutations[r][j];
        permutations[r][j] = t;
      }
    }
  }

  /** The smallest multiple of 64 that holds {@code dimension} coordinates. */
  public static int paddedDimension(int dimension) {
    return Math.max(BLOCK, (dimension + BLOCK - 1) / BLOCK * BLOCK);
  }

  /** Coordinates of the vectors this rotation takes. */
  public int dimension() {
    return dimension;
  }

  /** Coordinates of a rotated vector: {@link #dimension()} rounded up to a multiple of 64. */
  public int paddedDimension() {
    return padded;
  }

  /**
   * Rotates {@code in} (of {@link #dimension()} coordinates, the rest read as 0) into {@code out}
   * (of {@link #paddedDimension()} coordinates), using {@code scratch} (also padded) as work space.
   */
  public void rotate(float[] in, float[] out, float[] scratch) {
    float[] a = scratch;
    float[] b = out;
    // after ROUNDS swaps the result must land in out: start in whichever array makes it so
    if (ROUNDS % 2 == 0) {
      a = out;
      b = scratch;
    }
    System.arraycopy(in, 0, a, 0, dimension);
    for (int i = dimension; i < padded; i++) {
      a[i] = 0;
    }
    for (int r = 0; r < ROUNDS; r++) {
      float[] sign = signs[r];
      for (int i = 0; i < padded; i++) {
        a[i] *= sign[i];
      }
      for (int block = 0; block < padded; block += BLOCK) {
        KERNELS.hadamard64(a, block);
      }
      int[] permutation = permutations[r];
      for (int i = 0; i < padded; i++) {
        b[permutation[i]] = a[i];
      }
      float[] t = a;
      a = b;
      b = t;
    }
  }
}
