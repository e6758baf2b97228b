package io.github.luceneannoy.solr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Vectors drawn around random cluster centres (embeddings are clustered, and uniform noise makes
 * every approximate index look bad), and exact cosine top-k over them for measuring recall.
 */
final class ClusteredVectors {
  private final float[][] centres;
  private final Random random;
  private final float spread;

  ClusteredVectors(Random random, int clusters, int dimension, float spread) {
    this.random = random;
    this.spread = spread;
    centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      centres[c] = gaussian(dimension, 1f, null);
    }
  }

  /** A vector around a random centre. */
  float[] next() {
    return gaussian(centres[0].length, spread, centres[random.nextInt(centres.length)]);
  }

  private float[] gaussian(int dimension, float sigma, float[] mean) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (mean == null ? 0 : mean[i]) + sigma * (float) random.nextGaussian();
    }
    return v;
  }

  /** Indices of the {@code k} accepted vectors most cosine-similar to {@code query}, best first. */
  static List<Integer> exactTop(List<float[]> vectors, float[] query, int k, IntPredicate accept) {
    return IntStream.range(0, vectors.size())
        .filter(accept)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -cosine(vectors.get(i), query)))
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
