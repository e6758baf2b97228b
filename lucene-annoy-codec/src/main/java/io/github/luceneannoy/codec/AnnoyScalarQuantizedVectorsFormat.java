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
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorScorer;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsReader;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.util.IOUtils;

/**
 * The Annoy forest over scalar-quantized vectors: {@link AnnoyVectorsFormat} with its flat vectors
 * stored by Lucene's {@link Lucene99ScalarQuantizedVectorsFormat} (7 bits, or 4 bits optionally
 * packed two per byte) instead of {@link Lucene99FlatVectorsFormat}.
 *
 * <h2>What changes</h2>
 *
 * <ul>
 *   <li><b>Search.</b> The forest gathers and ranks candidates exactly as {@link
 *       AnnoyVectorsFormat} does, but scores them on the quantized vectors ({@code .veq}, a quarter
 *       of the floats' size at 7 bits, an eighth at 4 bits compressed): these are the bytes a query
 *       touches, so they are what must stay in the page cache. Scoring stops as it does on floats,
 *       once the best {@code rescoreFactor·k} candidates by quantized score settle; those are then
 *       scored again against the full-precision vectors and the top {@code k} of those are the
 *       hits, with the scores {@link AnnoyVectorsFormat} would give them. Lucene's exact search
 *       (its fallback for selective filters) is also given the full-precision vectors, so every hit
 *       carries a full-precision score.
 *   <li><b>Disk.</b> Lucene's quantized format keeps the raw floats ({@code .vec}) beside the
 *       quantized ones, for merges and re-scoring, so the index grows by the quantized copy: the
 *       saving is in RAM needed for fast search, not on disk.
 *   <li><b>Building.</b> Trees are built from the full-precision vectors, at flush and at merge
 *       (see {@link QuantizedFlatVectorsWriter}), so the forest is the same as {@link
 *       AnnoyVectorsFormat}'s for the same vectors and parameters.
 *   <li><b>Byte vectors</b> are not quantized (as in Lucene's format): they are stored, searched
 *       and scored exactly as by {@link AnnoyVectorsFormat}.
 * </ul>
 *
 * <h2>Files</h2>
 *
 * <ul>
 *   <li>{@code .afm}, {@code .afi}: the forest, exactly as documented in {@link
 *       AnnoyVectorsFormat}.
 *   <li>{@code .vemq}, {@code .veq}: quantized vectors and their quantiles, written by Lucene's
 *       {@link Lucene99ScalarQuantizedVectorsFormat}.
 *   <li>{@code .vemf}, {@code .vec}: the raw vectors, written by {@link Lucene99FlatVectorsFormat}.
 * </ul>
 *
 * The rescore factor is recorded per field as the field attribute {@code
 * AnnoyScalarQuantizedVectorsFormat.rescoreFactor} (in the segment's field infos), so a reopened
 * index re-scores as it was written to, as it searches with the candidates per hit it was written
 * with.
 *
 * @lucene.experimental
 */
public final class AnnoyScalarQuantizedVectorsFormat extends ForestVectorsFormat {

  /** The SPI name, written into every segment that uses this format. */
  public static final String NAME = "AnnoyScalarQuantizedVectorsFormat";

  /** Default bits per dimension: 7, a signed byte, Lucene's default. */
  public static final int DEFAULT_BITS = 7;

  /**
   * Default candidates re-scored at full precision per requested hit. On clustered data ({@code
   * TestAnnoyQuantizedRecall}, 4 bits) recall@10 is 0.80 with 1, 0.97-0.98 with 2, 0.995 with 3 and
   * that of float vectors with 4; 7 bits needs fewer. On Fashion-MNIST (README), 4 gives the
   * recall@10 of float vectors at 7 and 4 bits for every budget from 10 to 160 candidates per hit.
   * Re-scoring reads {@code rescoreFactor·k} raw vectors per query, few beside the {@code
   * candidatesPerHit·k} scored.
   */
  public static final int DEFAULT_RESCORE_FACTOR = 4;

  /**
   * Upper bound on the rescore factor: beyond it the raw vectors are read as much as without
   * quantization.
   */
  public static final int MAXIMUM_RESCORE_FACTOR = 1024;

  private final int bits;
  private final boolean compress;
  private final Float confidenceInterval;
  private final int rescoreFactor;

  /** 7-bit quantization and the default forest and re-scoring. */
  public AnnoyScalarQuantizedVectorsFormat() {
    this(DEFAULT_BITS, false);
  }

  /**
   * Default forest and re-scoring.
   *
   * @param bits 7 (one signed byte per dimension) or 4 (half a byte)
   * @param compress with 4 bits, pack two dimensions per byte, halving the quantized vectors at
   *     some decoding cost; must be false with 7 bits
   */
  public AnnoyScalarQuantizedVectorsFormat(int bits, boolean compress) {
    this(
        AnnoyVectorsFormat.DEFAULT_NUM_TREES,
        AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE,
        AnnoyVectorsFormat.DEFAULT_TARGET_RECALL,
        bits,
        compress,
        null,
        DEFAULT_RESCORE_FACTOR);
  }

  /**
   * @param numTrees see {@link AnnoyVectorsFormat#AnnoyVectorsFormat(int, int, float)}
   * @param maxLeafSize see {@link AnnoyVectorsFormat#AnnoyVectorsFormat(int, int, float)}
   * @param targetRecall see {@link AnnoyVectorsFormat#AnnoyVectorsFormat(float)}
   * @param bits 7 or 4
   * @param compress pack two 4-bit dimensions per byte; only with 4 bits
   * @param confidenceInterval the share of each segment's values the quantization range covers, in
   *     [0.9, 1]; 0 lets Lucene search for the best range; null is Lucene's default, derived from
   *     the dimension
   * @param rescoreFactor candidates per requested hit that are re-scored at full precision, in [1,
   *     {@value #MAXIMUM_RESCORE_FACTOR}]
   */
  public AnnoyScalarQuantizedVectorsFormat(
      int numTrees,
      int maxLeafSize,
      float targetRecall,
      int bits,
      boolean compress,
      Float confidenceInterval,
      int rescoreFactor) {
    this(
        numTrees,
        maxLeafSize,
        AnnoyVectorsFormat.DEFAULT_BRANCHING,
        targetRecall,
        AnnoyVectorsFormat.DEFAULT_SEED,
        bits,
        compress,
        confidenceInterval,
        rescoreFactor);
  }

  /**
   * @param branching see {@link AnnoyVectorsFormat#AnnoyVectorsFormat(int, int, int, float, long)}
   * @param seed the seed of the forest
   * @see #AnnoyScalarQuantizedVectorsFormat(int, int, float, int, boolean, Float, int)
   */
  public AnnoyScalarQuantizedVectorsFormat(
      int numTrees,
      int maxLeafSize,
      int branching,
      float targetRecall,
      long seed,
      int bits,
      boolean compress,
      Float confidenceInterval,
      int rescoreFactor) {
    super(NAME, new ForestParameters(numTrees, maxLeafSize, branching, targetRecall, seed));
    this.bits = checkBits(bits, compress);
    this.compress = compress;
    this.confidenceInterval = checkConfidenceInterval(confidenceInterval);
    this.rescoreFactor =
        ForestParameters.checkRange("rescoreFactor", rescoreFactor, 1, MAXIMUM_RESCORE_FACTOR);
  }

  private static int checkBits(int bits, boolean compress) {
    if (bits != 4 && bits != 7) {
      throw new IllegalArgumentException(
          "bits must be 4 or 7 (Lucene's scalar quantization), got " + bits);
    }
    if (compress && bits != 4) {
      throw new IllegalArgumentException(
          "compress=true packs two 4-bit values per byte and needs bits=4, got bits=" + bits);
    }
    return bits;
  }

  private static Float checkConfidenceInterval(Float confidenceInterval) {
    if (confidenceInterval == null
        || confidenceInterval == Lucene99ScalarQuantizedVectorsFormat.DYNAMIC_CONFIDENCE_INTERVAL) {
      return confidenceInterval;
    }
    // written so that NaN fails too
    if ((confidenceInterval >= 0.9f && confidenceInterval <= 1f) == false) {
      throw new IllegalArgumentException(
          "confidenceInterval must be null (Lucene's default), 0 (dynamic) or in [0.9, 1], got "
              + confidenceInterval);
    }
    return confidenceInterval;
  }

  /** Lucene's scorer of quantized vectors, as its own quantized format builds it. */
  private static FlatVectorsScorer quantizedScorer() {
    return new Lucene99ScalarQuantizedVectorScorer(DefaultFlatVectorScorer.INSTANCE);
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    QuantizedFlatVectorsWriter flat =
        new QuantizedFlatVectorsWriter(
            state,
            rawVectorsFormat().fieldsWriter(state),
            quantizedScorer(),
            confidenceInterval,
            bits,
            compress,
            rescoreFactor);
    boolean success = false;
    try {
      KnnVectorsWriter writer = forest.writer(state, flat);
      success = true;
      return writer;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(flat);
      }
    }
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    FlatVectorsReader raw = rawVectorsFormat().fieldsReader(state);
    FlatVectorsReader quantized = null;
    boolean success = false;
    try {
      quantized = new Lucene99ScalarQuantizedVectorsReader(state, raw, quantizedScorer());
      KnnVectorsReader reader =
          new AnnoyVectorsReader(state, quantized, new QuantizedRescoring(state.fieldInfos, raw));
      success = true;
      return reader;
    } finally {
      if (success == false) {
        // the quantized reader owns the raw one once it exists
        IOUtils.closeWhileHandlingException(quantized == null ? raw : quantized);
      }
    }
  }

  public int bits() {
    return bits;
  }

  public boolean compress() {
    return compress;
  }

  /** The confidence interval, or null for Lucene's default. */
  public Float confidenceInterval() {
    return confidenceInterval;
  }

  public int rescoreFactor() {
    return rescoreFactor;
  }

  @Override
  public String toString() {
    return NAME
        + "("
        + forest
        + ", bits="
        + bits
        + ", compress="
        + compress
        + ", confidenceInterval="
        + confidenceInterval
        + ", rescoreFactor="
        + rescoreFactor
        + ")";
  }
}
