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

import io.github.luceneannoy.codec.AnnoyScalarQuantizedVectorsFormat;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import picocli.CommandLine.Option;

/**
 * The Annoy forest's shape and calibration target, as options of every command that writes an
 * index; the format's own constructor checks the values.
 */
final class ForestOptions {
  @Option(
      names = "--trees",
      paramLabel = "T",
      description =
          "Annoy: trees per segment, a k-means tree and spilled copies of it (default: ${DEFAULT-VALUE})")
  int trees = AnnoyVectorsFormat.DEFAULT_NUM_TREES;

  @Option(
      names = "--leaf",
      paramLabel = "L",
      description = "Annoy: most vectors in a leaf (default: ${DEFAULT-VALUE})")
  int leaf = AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE;

  @Option(
      names = "--branching",
      paramLabel = "B",
      description = "Annoy: most children of an inner node (default: ${DEFAULT-VALUE})")
  int branching = AnnoyVectorsFormat.DEFAULT_BRANCHING;

  @Option(
      names = "--target-recall",
      paramLabel = "R",
      description =
          "Annoy: the recall@k each segment calibrates its"
              + " default budget for, in (0, 1] (default: ${DEFAULT-VALUE})")
  float targetRecall = AnnoyVectorsFormat.DEFAULT_TARGET_RECALL;

  @Option(
      names = "--forest-seed",
      paramLabel = "S",
      description =
          "Annoy: the seed of the trees' random choices; another seed gives another forest of the"
              + " same quality, to tell a setting's effect from one forest's luck"
              + " (default: ${DEFAULT-VALUE})")
  long seed = AnnoyVectorsFormat.DEFAULT_SEED;

  /**
   * The Annoy format of these options; an {@link IllegalArgumentException} names a value out of
   * range.
   */
  AnnoyVectorsFormat annoyFormat() {
    return new AnnoyVectorsFormat(trees, leaf, branching, targetRecall, seed);
  }

  /** The same forest over scalar-quantized vectors. */
  AnnoyScalarQuantizedVectorsFormat quantizedFormat(int bits, boolean compress, int rescore) {
    return new AnnoyScalarQuantizedVectorsFormat(
        trees, leaf, branching, targetRecall, seed, bits, compress, null, rescore);
  }
}
