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
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * A {@link FlatVectorsScorer} that scores exactly like its delegate and, in addition, lets the
 * writer reach the vectors behind a merge's scorer supplier.
 *
 * <p>At merge, {@code Lucene99FlatVectorsWriter.mergeOneFieldToIndex} writes the merged vectors to
 * a temporary file and returns a scorer supplier over a memory-mapped view of it; the forest
 * builder needs those raw vectors (two-means centroids, hyperplanes), not only scores. Every scorer
 * this class supplies is a {@link VectorsScorer} that exposes them, so the forest is built from the
 * flat format's own temporary file: no second copy, nothing loaded onto the heap.
 */
final class RawVectorsExposingScorer implements FlatVectorsScorer {
  private final FlatVectorsScorer delegate;

  RawVectorsExposingScorer(FlatVectorsScorer delegate) {
    this.delegate = delegate;
  }

  @Override
  public RandomVectorScorerSupplier getRandomVectorScorerSupplier(
      VectorSimilarityFunction similarityFunction, RandomAccessVectorValues vectorValues)
      throws IOException {
    return new Supplier(
        delegate.getRandomVectorScorerSupplier(similarityFunction, vectorValues), vectorValues);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarityFunction,
      RandomAccessVectorValues vectorValues,
      float[] target)
      throws IOException {
    return delegate.getRandomVectorScorer(similarityFunction, vectorValues, target);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarityFunction,
      RandomAccessVectorValues vectorValues,
      byte[] target)
      throws IOException {
    return delegate.getRandomVectorScorer(similarityFunction, vectorValues, target);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  /**
   * Returns the vectors behind a scorer supplier created by this class (possibly wrapped by the
   * flat writer, which forwards {@code scorer(int)}), or null for a supplier of another origin.
   */
  static RandomAccessVectorValues vectorsOf(RandomVectorScorerSupplier supplier)
      throws IOException {
    RandomVectorScorer scorer = supplier.scorer(0);
    return scorer instanceof VectorsScorer ? ((VectorsScorer) scorer).vectors : null;
  }

  private static final class Supplier implements RandomVectorScorerSupplier {
    private final RandomVectorScorerSupplier in;
    private final RandomAccessVectorValues vectors;

    Supplier(RandomVectorScorerSupplier in, RandomAccessVectorValues vectors) {
      this.in = in;
      this.vectors = vectors;
    }

    @Override
    public RandomVectorScorer scorer(int ord) throws IOException {
      return new VectorsScorer(in.scorer(ord), vectors);
    }

    @Override
    public RandomVectorScorerSupplier copy() throws IOException {
      return new Supplier(in.copy(), vectors.copy());
    }
  }

  /** A scorer that also names the vectors it scores against. */
  static final class VectorsScorer implements RandomVectorScorer {
    private final RandomVectorScorer in;
    final RandomAccessVectorValues vectors;

    VectorsScorer(RandomVectorScorer in, RandomAccessVectorValues vectors) {
      this.in = in;
      this.vectors = vectors;
    }

    @Override
    public float score(int node) throws IOException {
      return in.score(node);
    }

    @Override
    public int maxOrd() {
      return in.maxOrd();
    }

    @Override
    public int ordToDoc(int ord) {
      return in.ordToDoc(ord);
    }

    @Override
    public Bits getAcceptOrds(Bits acceptDocs) {
      return in.getAcceptOrds(acceptDocs);
    }
  }
}
