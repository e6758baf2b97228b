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

import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * Vectors to index, queries to run, and (once computed or loaded) the exact nearest neighbours of
 * each query among the indexed vectors.
 *
 * @param name a label for reports
 * @param base the indexed vectors; vector {@code i} is document {@code i}
 * @param queries the query vectors
 * @param similarity how vectors are compared
 * @param groundTruth for each query the ids of its exact nearest neighbours, best first, or null
 * @param labels a class label per base vector (such as Fashion-MNIST's), or null
 * @param labelNames what each label stands for ({@code labelNames[label]}), or null where the
 *     labels are numbers only
 */
public record Dataset(
    String name,
    float[][] base,
    float[][] queries,
    VectorSimilarityFunction similarity,
    int[][] groundTruth,
    int[] labels,
    String[] labelNames) {

  public Dataset(
      String name,
      float[][] base,
      float[][] queries,
      VectorSimilarityFunction similarity,
      int[][] groundTruth) {
    this(name, base, queries, similarity, groundTruth, null, null);
  }

  public int dimension() {
    return base[0].length;
  }

  /** The first {@code count} base vectors; drops the ground truth, which no longer applies. */
  public Dataset limitBase(int count) {
    if (count >= base.length) {
      return this;
    }
    return new Dataset(
        name + " (first " + count + ")",
        java.util.Arrays.copyOf(base, count),
        queries,
        similarity,
        null,
        labels == null ? null : java.util.Arrays.copyOf(labels, count),
        labelNames);
  }

  /** The first {@code count} queries, with their ground truth. */
  public Dataset limitQueries(int count) {
    if (count >= queries.length) {
      return this;
    }
    int[][] truth = groundTruth == null ? null : java.util.Arrays.copyOf(groundTruth, count);
    return new Dataset(
        name, base, java.util.Arrays.copyOf(queries, count), similarity, truth, labels, labelNames);
  }

  public Dataset withGroundTruth(int[][] truth) {
    return new Dataset(name, base, queries, similarity, truth, labels, labelNames);
  }
}
