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
package io.github.luceneannoy.solr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Vectors like embeddings: overlapping Gaussian clusters in a low-dimensional latent space, mapped
 * into the full dimension by a fixed random linear map, plus a little noise in every dimension.
 * Separated clusters in the full dimension would make any index look perfect; uniform noise would
 * make every one look bad. Also exact cosine top-k, for measuring recall.
 */
final class ClusteredVectors {
  private final Random random;
  private final float[][] centres;
  private final float[][] projection;
  private final float spread;
  private final float noise;

  /**
   * @param clusters number of cluster centres, drawn from N(0, 1) in the latent space
   * @param latentDimension dimension the clusters live in
   * @param dimension dimension of the vectors produced
   * @param spread standard deviation of a point around its centre, in the latent space
   * @param noise standard deviation of the noise added in each of the {@code dimension} coordinates
   */
  ClusteredVectors(
      Random random, int clusters, int latentDimension, int dimension, float spread, float noise) {
    this.random = random;
    this.spread = spread;
    this.noise = noise;
    centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      centres[c] = gaussian(latentDimension, 1f);
    }
    projection = new float[latentDimension][];
    for (int l = 0; l < latentDimension; l++) {
      projection[l] = gaussian(dimension, 1f);
    }
  }

  /** A vector around a random centre. */
  float[] next() {
    float[] centre = centres[random.nextInt(centres.length)];
    float[] v = gaussian(projection[0].length, noise);
    for (int l = 0; l < centre.length; l++) {
      float latent = centre[l] + spread * (float) random.nextGaussian();
      for (int i = 0; i < v.length; i++) {
        v[i] += latent * projection[l][i];
      }
    }
    return v;
  }

  private float[] gaussian(int dimension, float sigma) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = sigma * (float) random.nextGaussian();
    }
    return v;
  }

  /** Indices of the {@code k} accepted vectors most cosine-similar to {@code query}, best first. */
  static List<Integer> exactTop(List<float[]> vectors, float[] query, int k, IntPredicate accept) {
    double[] similarity = new double[vectors.size()];
    for (int i = 0; i < similarity.length; i++) {
      similarity[i] = cosine(vectors.get(i), query);
    }
    return IntStream.range(0, vectors.size())
        .filter(accept)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -similarity[i]))
        .limit(k)
        .collect(Collectors.toList());
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  static List<Float> asList(float[] v) {
    List<Float> list = new ArrayList<>(v.length);
    for (float x : v) {
      list.add(x);
    }
    return list;
  }

  /** The {@code [x, y, ...]} form Solr's vector query parsers read. */
  static String toSolr(float[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : ",").append(v[i]);
    }
    return s.append(']').toString();
  }
}
