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
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * A {@link KnnVectorsFormat} whose per-segment index is a forest over the segment's vectors (a
 * k-means tree and copies of it that put every vector in another leaf) with a one-bit code per
 * vector and tree; the algorithm is described in {@link io.github.luceneannoy.forest} (build,
 * codes, search, calibration), which this class shares with the codec of the Lucene 9.12 line.
 *
 * <p>Raw vectors are stored by {@link Lucene99FlatVectorsFormat} (files {@code .vec} and {@code
 * .vemf}, unchanged from Lucene 9.12), which also supplies vector values, exact scoring and
 * ord-to-doc mapping. This format adds {@code .afm} and {@code .afi}: the same files, byte for
 * byte, as {@code AnnoyVectorsFormat} of {@code lucene-annoy-codec} (Lucene 9.12) writes, whose
 * javadoc specifies them, with the same SPI name and versions ({@value #VERSION_START} to {@value
 * #VERSION_CURRENT}). So a segment written on either Lucene line is read on the other, within what
 * Lucene itself reads across lines (a Lucene 10 reader opens a 9.12 index with {@code
 * lucene-backward-codecs} on the class path; Lucene 9.12 opens no Lucene 10 index, but reads this
 * format's files of a Lucene 10 segment).
 */
public final class AnnoyVectorsFormat extends ForestVectorsFormat {

  /** The SPI name, written into every segment that uses this format. */
  public static final String NAME = "AnnoyVectorsFormat";

  /**
   * The {@link org.apache.lucene.util.InfoStream} component under which the writer reports each
   * field's forest: how long its trees and its calibration took, and the budgets chosen.
   */
  public static final String INFO_STREAM_COMPONENT = "ANNOY";

  static final String META_CODEC_NAME = NAME + "Meta";
  static final String INDEX_CODEC_NAME = NAME + "Index";
  static final String META_EXTENSION = "afm";
  static final String INDEX_EXTENSION = "afi";
  static final int VERSION_START = 3;

  /**
   * Budgets are calibrated for searches that stop early ({@code ForestSearcher}); a segment of
   * version 3 is searched for its whole budget, as it was calibrated.
   */
  static final int VERSION_EARLY_STOP = 4;

  /**
   * Codes of at most four longs (fields of up to 256 mapped dimensions) are written without their
   * counts of ones, which readers count ({@code CodeBlock#MAX_WORDS_COUNTED}).
   */
  static final int VERSION_COUNTED_ONES = 5;

  static final int VERSION_CURRENT = VERSION_COUNTED_ONES;

  /**
   * Default number of trees: the second, a spilled copy of the first ({@link
   * io.github.luceneannoy.forest}), finds the neighbours that fall just across a boundary of the
   * first, and each tree costs a code per vector. With one tree, text embeddings needed about 40%
   * more leaf entries for recall 0.95 (0.897 against 0.943 of the neighbours in 4,000 entries read
   * in centroid order), and noisy clustered vectors (64-d, 50 clusters) reached only 0.977 - 0.989
   * at ten times the default budget.
   */
  public static final int DEFAULT_NUM_TREES = 2;

  /** Default maximum number of vectors in a leaf. */
  public static final int DEFAULT_MAX_LEAF_SIZE = 256;

  /**
   * Default most children of an inner node: with 32 rather than 16, text embeddings (60,000, 384-d)
   * reached recall@10 0.95 at about 750 candidates per hit in forests of three seeds (0.950 - 0.955
   * there), where 16 needed about 1,000, 800 and more than 1,500 (a quarter to over half more in
   * two of three), so forests of different seeds are more alike; Fashion-MNIST was unchanged and
   * the build took as long.
   */
  public static final int DEFAULT_BRANCHING = 32;

  /** Default recall@k that a plain query's default budget is calibrated to reach. */
  public static final float DEFAULT_TARGET_RECALL = 0.95f;

  /** Seed of the trees: a constant, so that the same vectors always give the same forest. */
  public static final long DEFAULT_SEED = 0x5EED_A11_0E5L;

  /** Upper bound on the number of trees: every tree stores a code of every vector. */
  public static final int MAXIMUM_NUM_TREES = 64;

  /**
   * Upper bound on the leaf size: a leaf is read whole by a query, and the searcher keeps one leaf
   * buffer of this size.
   */
  public static final int MAXIMUM_MAX_LEAF_SIZE = 1 << 16;

  /** Upper bound on the branching: a node's record holds the distances between all its children. */
  public static final int MAXIMUM_BRANCHING = 256;

  /** Upper bound on candidates per hit of a per-query budget; beyond it exact search is cheaper. */
  public static final int MAXIMUM_CANDIDATES_PER_HIT = 1 << 20;

  /** Largest vector dimension accepted: today's embedding models go past Lucene's 1024. */
  public static final int MAXIMUM_DIMENSIONS = 4096;

  private final FlatVectorsFormat flatVectorsFormat = rawVectorsFormat();

  /** A format with the default parameters. */
  public AnnoyVectorsFormat() {
    this(DEFAULT_TARGET_RECALL);
  }

  /**
   * @param targetRecall the recall@k, in (0, 1], that each segment's default budget is calibrated
   *     to reach when it is written; a query's own budget ({@link
   *     io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery}) overrides it
   */
  public AnnoyVectorsFormat(float targetRecall) {
    this(DEFAULT_NUM_TREES, DEFAULT_MAX_LEAF_SIZE, targetRecall);
  }

  /**
   * @param numTrees number of trees per field and segment: more trees find neighbours with fewer
   *     candidates, and each stores a code of every vector
   * @param maxLeafSize largest number of vectors in a leaf
   * @see #AnnoyVectorsFormat(float)
   */
  public AnnoyVectorsFormat(int numTrees, int maxLeafSize, float targetRecall) {
    this(numTrees, maxLeafSize, DEFAULT_BRANCHING, targetRecall, DEFAULT_SEED);
  }

  /**
   * @param branching most children of an inner node, in [2, {@value #MAXIMUM_BRANCHING}]
   * @param seed the seed of the forest; the same seed and vectors give the same files
   * @see #AnnoyVectorsFormat(int, int, float)
   */
  public AnnoyVectorsFormat(
      int numTrees, int maxLeafSize, int branching, float targetRecall, long seed) {
    super(NAME, new ForestParameters(numTrees, maxLeafSize, branching, targetRecall, seed));
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return forest.writer(state, flatVectorsFormat);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return new AnnoyVectorsReader(state, flatVectorsFormat.fieldsReader(state));
  }

  @Override
  public String toString() {
    return NAME + "(" + forest + ", flatVectorsFormat=" + flatVectorsFormat + ")";
  }
}
