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
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.index.SegmentWriteState;

/**
 * The forest's parameters, checked once, shared by every Annoy format whatever it stores its flat
 * vectors with: the forest files do not depend on that choice.
 */
final class ForestParameters {
  final int numTrees;
  final int maxLeafSize;
  final int branching;
  final float targetRecall;
  final long seed;

  ForestParameters(int numTrees, int maxLeafSize, int branching, float targetRecall, long seed) {
    this.numTrees = checkRange("numTrees", numTrees, 1, AnnoyVectorsFormat.MAXIMUM_NUM_TREES);
    this.maxLeafSize =
        checkRange("maxLeafSize", maxLeafSize, 1, AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE);
    this.branching = checkRange("branching", branching, 2, AnnoyVectorsFormat.MAXIMUM_BRANCHING);
    if ((targetRecall > 0 && targetRecall <= 1) == false) {
      throw new IllegalArgumentException("targetRecall must be in (0, 1], got " + targetRecall);
    }
    this.targetRecall = targetRecall;
    this.seed = seed;
  }

  /** Returns {@code value}, or throws naming the parameter, its bounds and the value given. */
  static int checkRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /** A writer that stores flat vectors through {@code flatWriter} and builds forests over them. */
  AnnoyVectorsWriter writer(SegmentWriteState state, FlatVectorsFormat flatFormat)
      throws IOException {
    return new AnnoyVectorsWriter(state, flatFormat, flatFormat.fieldsWriter(state), this);
  }

  /** The parameters as {@code toString} shows them, for the formats' own {@code toString}. */
  @Override
  public String toString() {
    return "numTrees="
        + numTrees
        + ", maxLeafSize="
        + maxLeafSize
        + ", branching="
        + branching
        + ", targetRecall="
        + targetRecall
        + ", seed="
        + seed;
  }
}
