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

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;

/**
 * What every Annoy format has whatever stores its flat vectors: the forest's parameters and their
 * getters, the raw flat format the forest is built from, and the dimension limit.
 *
 * <p>Package-private, as Lucene's {@code AbstractKnnVectorQuery} is: users name {@link
 * AnnoyVectorsFormat}, whose public getters these are.
 */
abstract class ForestVectorsFormat extends KnnVectorsFormat {
  final ForestParameters forest;

  ForestVectorsFormat(String name, ForestParameters forest) {
    super(name);
    this.forest = forest;
  }

  /** Lucene's flat format of raw vectors, with Lucene's own scorer. */
  static FlatVectorsFormat rawVectorsFormat() {
    return new Lucene99FlatVectorsFormat(FlatVectorScorerUtil.getLucene99FlatVectorsScorer());
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return AnnoyVectorsFormat.MAXIMUM_DIMENSIONS;
  }

  public int numTrees() {
    return forest.numTrees;
  }

  public int maxLeafSize() {
    return forest.maxLeafSize;
  }

  public int branching() {
    return forest.branching;
  }

  public float targetRecall() {
    return forest.targetRecall;
  }

  public long seed() {
    return forest.seed;
  }
}
