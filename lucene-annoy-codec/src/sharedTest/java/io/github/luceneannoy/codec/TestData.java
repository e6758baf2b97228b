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
package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/** Generated vectors shaped for each similarity, and exact nearest neighbours to compare with. */
final class TestData {
  private TestData() {}

  /**
   * Gaussian clusters: {@code clusters} random centres, each vector a centre plus noise, so that
   * neighbourhoods are meaningful (uniform random vectors make every method look alike).
   */
  static float[][] clustered(Random random, int count, int dim, int clusters, float spread) {
    float[][] centres = new float[clusters][dim];
    for (float[] c : centres) {
      for (int i = 0; i < dim; i++) {
        c[i] = (float) random.nextGaussian();
      }
    }
    float[][] vectors = new float[count][dim];
    for (int n = 0; n < count; n++) {
      float[] c = centres[random.nextInt(clusters)];
      for (int i = 0; i < dim; i++) {
        vectors[n][i] = c[i] + spread * (float) random.nextGaussian();
      }
    }
    return vectors;
  }

  /** Makes vectors valid for the similarity: unit length for DOT_PRODUCT, as Lucene expects. */
  static float[][] shapeFor(VectorSimilarityFunction similarity, float[][] vectors) {
    if (similarity == VectorSimilarityFunction.DOT_PRODUCT) {
      for (float[] v : vectors) {
        normalize(v);
      }
    }
    return vectors;
  }

  static void normalize(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
  }

  /** Scales floats (assumed within a few units of 0) into the byte range. */
  static byte[][] toBytes(float[][] vectors, float scale) {
    byte[][] bytes = new byte[vectors.length][];
    for (int n = 0; n < vectors.length; n++) {
      bytes[n] = new byte[vectors[n].length];
      for (int i = 0; i < vectors[n].length; i++) {
        bytes[n][i] = (byte) Math.max(-127, Math.min(127, Math.round(vectors[n][i] * scale)));
      }
    }
    return bytes;
  }

  /**
   * Exact top-k by brute force among vectors whose index is accepted; ties broken by lower index,
   * which is also Lucene's order for equal scores within a segment.
   */
  static int[] exactTopK(
      VectorSimilarityFunction similarity,
      float[] query,
      float[][] vectors,
      int k,
      java.util.function.IntPredicate accept) {
    return topK(vectors.length, k, accept, i -> similarity.compare(query, vectors[i]));
  }

  static int[] exactTopK(
      VectorSimilarityFunction similarity,
      byte[] query,
      byte[][] vectors,
      int k,
      java.util.function.IntPredicate accept) {
    return topK(vectors.length, k, accept, i -> similarity.compare(query, vectors[i]));
  }

  private static int[] topK(
      int n,
      int k,
      java.util.function.IntPredicate accept,
      java.util.function.IntToDoubleFunction score) {
    Integer[] ids = new Integer[n];
    double[] scores = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (accept.test(i)) {
        ids[m++] = i;
        scores[i] = score.applyAsDouble(i);
      }
    }
    Integer[] accepted = Arrays.copyOf(ids, m);
    Arrays.sort(
        accepted,
        (a, b) ->
            scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
    int[] top = new int[Math.min(k, m)];
    for (int i = 0; i < top.length; i++) {
      top[i] = accepted[i];
    }
    return top;
  }

  /**
   * The ids of the hits, in order: the value of each hit's numeric doc values field {@code "id"}
   * (the index the test gave the document), whatever segment holds it.
   */
  static int[] ids(IndexReader reader, TopDocs hits) throws IOException {
    int[] ids = new int[hits.scoreDocs.length];
    for (int i = 0; i < ids.length; i++) {
      ScoreDoc sd = hits.scoreDocs[i];
      LeafReaderContext leaf = reader.leaves().get(ReaderUtil.subIndex(sd.doc, reader.leaves()));
      NumericDocValues values = leaf.reader().getNumericDocValues("id");
      if (values == null || values.advanceExact(sd.doc - leaf.docBase) == false) {
        throw new AssertionError("hit " + sd.doc + " has no id");
      }
      ids[i] = (int) values.longValue();
    }
    return ids;
  }

  /**
   * Recall that accepts ties: the share of {@code expected} (the exact top k, best first) matched
   * by hits whose exact score reaches the k-th best score. Byte vectors tie often, and a hit tied
   * with the k-th neighbour is as right as the one the exact search happened to keep.
   *
   * @param score the exact score of a document against the query
   */
  static double recallWithTies(
      int[] expected, int[] actual, java.util.function.IntToDoubleFunction score) {
    if (expected.length == 0) {
      return 1;
    }
    double kth = score.applyAsDouble(expected[expected.length - 1]);
    long found =
        Arrays.stream(actual).distinct().filter(a -> score.applyAsDouble(a) >= kth).count();
    return (double) Math.min(found, expected.length) / expected.length;
  }

  /** Fraction of {@code expected} found in {@code actual}. */
  static double recall(int[] expected, int[] actual) {
    if (expected.length == 0) {
      return 1;
    }
    int found = 0;
    for (int e : expected) {
      for (int a : actual) {
        if (a == e) {
          found++;
          break;
        }
      }
    }
    return (double) found / expected.length;
  }
}
