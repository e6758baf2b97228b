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

import java.util.Random;

/**
 * A deterministic source of clustered float vectors: {@code numClusters} centres drawn uniformly
 * from the cube [-1, 1]<sup>dimension</sup>, and vectors drawn around a centre with independent
 * gaussian noise of standard deviation {@code spread} in every coordinate.
 *
 * <p>Clustered rather than uniform data, because real embeddings are clustered and uniform random
 * vectors in many dimensions are all nearly equidistant, which makes any approximate index look
 * worse than it is on real data. The same arguments always produce the same centres and the same
 * sequence of vectors ({@link Random} is specified down to its algorithm), so runs are repeatable.
 *
 * <p>Not thread-safe: draw from one thread, or give each thread its own instance.
 */
public final class ClusteredVectors {

  /** Vectors drawn together with the cluster each was drawn around. */
  public record LabelledVectors(float[][] vectors, int[] clusters) {

    public int size() {
      return vectors.length;
    }
  }

  private final Random random;
  private final float[][] centres;
  private final float spread;

  /**
   * @param dimension the number of coordinates of every vector
   * @param numClusters the number of centres
   * @param spread the standard deviation of a vector's coordinates around its centre; with centres
   *     in [-1, 1], a spread well below 1 keeps clusters apart
   * @param seed the seed of the centres and of every vector drawn
   */
  public ClusteredVectors(int dimension, int numClusters, float spread, long seed) {
    if (dimension < 1 || numClusters < 1 || (spread >= 0) == false) {
      throw new IllegalArgumentException(
          "need dimension >= 1, numClusters >= 1 and spread >= 0, got "
              + dimension
              + ", "
              + numClusters
              + ", "
              + spread);
    }
    this.random = new Random(seed);
    this.spread = spread;
    this.centres = new float[numClusters][dimension];
    for (float[] centre : centres) {
      for (int i = 0; i < dimension; i++) {
        centre[i] = 2 * random.nextFloat() - 1;
      }
    }
  }

  public int dimension() {
    return centres[0].length;
  }

  public int numClusters() {
    return centres.length;
  }

  /** A cluster chosen uniformly at random. */
  public int nextCluster() {
    return random.nextInt(centres.length);
  }

  /** A new vector drawn around the centre of {@code cluster}. */
  public float[] nextVector(int cluster) {
    float[] centre = centres[cluster];
    float[] vector = new float[centre.length];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = centre[i] + spread * (float) random.nextGaussian();
    }
    return vector;
  }

  /** Draws {@code count} vectors, each around a cluster chosen uniformly at random. */
  public LabelledVectors next(int count) {
    float[][] vectors = new float[count][];
    int[] clusters = new int[count];
    for (int i = 0; i < count; i++) {
      clusters[i] = nextCluster();
      vectors[i] = nextVector(clusters[i]);
    }
    return new LabelledVectors(vectors, clusters);
  }
}
