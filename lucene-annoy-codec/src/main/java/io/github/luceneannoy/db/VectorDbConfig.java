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
package io.github.luceneannoy.db;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.util.Objects;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * How a {@link VectorDb} is created and run. The dimension and similarity are fixed when the
 * database is created and checked every time it is reopened; the rest may change between opens
 * (format parameters apply to segments written from then on).
 *
 * <pre class="prettyprint">
 * VectorDbConfig config = VectorDbConfig.of(768, VectorSimilarityFunction.COSINE)
 *     .withFormat(new AnnoyVectorsFormat(4, 128, 0.95f)) // trees, leaf size, target recall
 *     .withSearchThreads(4);
 * VectorDbConfig morePrecise = config.withTargetRecall(0.99f); // the same forest, larger budgets
 * </pre>
 *
 * <p>Search effort is set in two places: {@link #withTargetRecall} fixes the recall that each
 * segment's default budget is calibrated for when the segment is written, and {@link
 * SearchRequest#withCandidatesPerHit} overrides that budget for one search.
 *
 * <p>Immutable; each {@code with…} method returns a new config.
 */
public final class VectorDbConfig {

  /** Default indexing buffer: big enough that segments (and their forests) are not tiny. */
  public static final double DEFAULT_RAM_BUFFER_MB = 64;

  private final int dimension;
  private final VectorSimilarityFunction similarity;
  private final AnnoyVectorsFormat format;
  private final int searchThreads;
  private final double ramBufferMB;

  private VectorDbConfig(
      int dimension,
      VectorSimilarityFunction similarity,
      AnnoyVectorsFormat format,
      int searchThreads,
      double ramBufferMB) {
    this.dimension = dimension;
    this.similarity = similarity;
    this.format = format;
    this.searchThreads = searchThreads;
    this.ramBufferMB = ramBufferMB;
  }

  /**
   * A config with the default Annoy format, one search thread per available processor and a {@value
   * #DEFAULT_RAM_BUFFER_MB} MB indexing buffer.
   *
   * @param dimension components per vector, 1 to {@link AnnoyVectorsFormat#MAXIMUM_DIMENSIONS}
   * @param similarity how vectors are compared; DOT_PRODUCT requires unit-length vectors
   */
  public static VectorDbConfig of(int dimension, VectorSimilarityFunction similarity) {
    if (dimension < 1 || dimension > AnnoyVectorsFormat.MAXIMUM_DIMENSIONS) {
      throw new IllegalArgumentException(
          "dimension must be in [1, "
              + AnnoyVectorsFormat.MAXIMUM_DIMENSIONS
              + "], got "
              + dimension);
    }
    Objects.requireNonNull(similarity, "similarity");
    return new VectorDbConfig(
        dimension,
        similarity,
        new AnnoyVectorsFormat(),
        Runtime.getRuntime().availableProcessors(),
        DEFAULT_RAM_BUFFER_MB);
  }

  /** The vector format of segments written from now on. */
  public VectorDbConfig withFormat(AnnoyVectorsFormat format) {
    Objects.requireNonNull(format, "format");
    return new VectorDbConfig(dimension, similarity, format, searchThreads, ramBufferMB);
  }

  /**
   * The recall@k, in (0, 1], that the default search budget of each segment written from now on is
   * calibrated to reach (see {@link AnnoyVectorsFormat#AnnoyVectorsFormat(float)}); the format's
   * other parameters stay as they are.
   *
   * @throws IllegalArgumentException when {@code targetRecall} is not in (0, 1]
   */
  public VectorDbConfig withTargetRecall(float targetRecall) {
    return withFormat(
        new AnnoyVectorsFormat(
            format.numTrees(),
            format.maxLeafSize(),
            format.branching(),
            targetRecall,
            format.seed()));
  }

  /**
   * Threads a search fans out over, one task per segment; 1 searches on the caller's thread only.
   */
  public VectorDbConfig withSearchThreads(int searchThreads) {
    if (searchThreads < 1) {
      throw new IllegalArgumentException("searchThreads must be >= 1, got " + searchThreads);
    }
    return new VectorDbConfig(dimension, similarity, format, searchThreads, ramBufferMB);
  }

  /** Megabytes of added vectors buffered in memory before they are written as a segment. */
  public VectorDbConfig withRamBufferMB(double ramBufferMB) {
    if ((ramBufferMB >= 1 && ramBufferMB <= 2048) == false) {
      throw new IllegalArgumentException("ramBufferMB must be in [1, 2048], got " + ramBufferMB);
    }
    return new VectorDbConfig(dimension, similarity, format, searchThreads, ramBufferMB);
  }

  public int dimension() {
    return dimension;
  }

  public VectorSimilarityFunction similarity() {
    return similarity;
  }

  public AnnoyVectorsFormat format() {
    return format;
  }

  /**
   * The recall the format's default budgets are calibrated for: {@code format().targetRecall()}.
   */
  public float targetRecall() {
    return format.targetRecall();
  }

  public int searchThreads() {
    return searchThreads;
  }

  public double ramBufferMB() {
    return ramBufferMB;
  }

  @Override
  public String toString() {
    return "VectorDbConfig{dimension="
        + dimension
        + ", similarity="
        + similarity
        + ", format="
        + format
        + ", searchThreads="
        + searchThreads
        + ", ramBufferMB="
        + ramBufferMB
        + "}";
  }
}
