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
 * codes, search, calibration). This class documents the files.
 *
 * <p>Raw vectors are stored by {@link Lucene99FlatVectorsFormat} (files {@code .vec} and {@code
 * .vemf}), which also supplies vector values, exact scoring and ord-to-doc mapping. This format
 * adds two files. {@link AnnoyScalarQuantizedVectorsFormat} writes the same two files over Lucene's
 * scalar-quantized flat format instead. The Lucene 10 codec ({@code lucene-annoy-lucene10}) writes
 * and reads the same files, with the same names and versions: what follows specifies both.
 *
 * <h2>Conventions</h2>
 *
 * <p>Both files start with a {@link org.apache.lucene.codecs.CodecUtil#writeIndexHeader index
 * header} (segment id and suffix) and end with a {@link
 * org.apache.lucene.codecs.CodecUtil#writeFooter checksum footer}. Every int, long and float is
 * little-endian (floats as their IEEE 754 bits, {@link Float#floatToIntBits}); vint and vlong are
 * Lucene's variable-length encodings. Vectors are in the field's <em>mapped space</em> ({@link
 * io.github.luceneannoy.forest.Geometry}) of {@code D} coordinates: {@code D = dimension} for
 * EUCLIDEAN (vectors as they are) and COSINE (vectors scaled to unit length), {@code D = dimension
 * + 1} for DOT_PRODUCT and MAXIMUM_INNER_PRODUCT (a vector {@code x} gets the extra coordinate
 * {@code sqrt(M² - |x|²)}, {@code M} the field's largest norm; a query gets 0). Codes have {@code
 * P} bits, {@code D} rounded up to a multiple of 64, in {@code W = P/64} longs.
 *
 * <h3>{@code .afm}: forest metadata</h3>
 *
 * <p>Header {@code AnnoyVectorsFormatMeta}, then for each field with vectors:
 *
 * <ol>
 *   <li>int field number
 *   <li>int vector encoding: 0 = BYTE, 1 = FLOAT32
 *   <li>int similarity: 0 = EUCLIDEAN, 1 = DOT_PRODUCT, 2 = COSINE, 3 = MAXIMUM_INNER_PRODUCT
 *   <li>vint dimension
 *   <li>int vector count {@code N} (must equal the flat format's count for the field)
 *   <li>byte geometry: 0 = Euclidean, 1 = angular, 2 = inner product (determined by the similarity;
 *       checked on read)
 *   <li>byte leaf order of searches: 0 = bound, 1 = centroid (chosen by calibration)
 *   <li>vint number of trees {@code T} (0 when the field has no vectors)
 *   <li>vint branching {@code B}: the most children of an inner node
 *   <li>vint maximum leaf size {@code L}
 *   <li>long seed: the trees' and the rotation's
 *   <li>float {@code M}, the largest vector norm (inner product only; 0 otherwise)
 *   <li>float target recall the budgets were calibrated for
 *   <li>vint default budget for 10 hits, vint default budget for 100 hits (the most leaf entries to
 *       gather; from version 4 a search may stop before, and both are the calibrated budget for 10
 *       hits)
 *   <li>vlong offset of the centre section in {@code .afi}
 *   <li>vint number of inner nodes over all trees
 *   <li>vlong offset and vlong length of the node section in {@code .afi}
 *   <li>vint number of leaves {@code C} over all trees
 *   <li>vlong offset and vlong length of the leaf section in {@code .afi}: {@code 4·C·D + T·N·(E +
 *       8·W)} bytes, where {@code E} is 20 when codes store their counts of ones (below) and 16
 *       when they do not
 *   <li>{@code T} ints: the position of each tree's root record in the node section
 * </ol>
 *
 * then int -1 and the footer.
 *
 * <h3>{@code .afi}: forest data</h3>
 *
 * <p>Header {@code AnnoyVectorsFormatIndex}, then for each field, in the order of {@code .afm}'s
 * records, with no gaps but the centre's alignment:
 *
 * <ul>
 *   <li><b>Centre</b> (aligned to 4 bytes): {@code D} floats, the mean {@code g} of the mapped
 *       vectors, every root's centroid.
 *   <li><b>Node section</b>: the inner nodes of tree 0 in pre-order, then of tree 1, and so on. A
 *       node of {@code c} children ({@code 1 ≤ c ≤ B}) is: int {@code c}; {@code c} ints, the
 *       children's references; {@code c} ints, the vectors under each child; {@code c} ints, for a
 *       leaf child the index of its first entry among all entries of the field (0 for an inner
 *       child); {@code c·c} floats, the distances between the children's centroids (row by row);
 *       then the children's centroids as codes relative to this node's centroid (below). A
 *       reference {@code r ≥ 0} is the position of an inner node's record in this section, always
 *       greater than its parent's; {@code r < 0} is leaf number {@code -1 - r}.
 *   <li><b>Leaf section</b>: the leaves in the order of their numbers (pre-order, tree after tree).
 *       A leaf of {@code c} entries ({@code 1 ≤ c ≤ L}) is {@code D} floats, its centroid, {@code
 *       c} ints, the ordinals of its vectors (increasing), then their codes relative to the
 *       centroid. Leaf {@code j} whose first entry is {@code e} starts at {@code 4·D·j + (E +
 *       8·W)·e}. Every ordinal is in exactly one leaf of every tree. In tree 0 a node's centroid is
 *       the mean of the vectors under it; the later trees have tree 0's nodes and centroids, with
 *       every vector in another leaf (spilled; nodes left empty are left out), so there a centroid
 *       is the one of the tree-0 node it repeats. A reader needs neither.
 *   <li><b>Codes</b> of {@code c} vectors relative to a centroid {@code c₀}: {@code c} floats
 *       {@code a}, {@code c} floats {@code s}, {@code c} floats {@code ε}, where {@code W > 4} (or
 *       the version is below 5) {@code c} ints, the number of one bits of each code (where {@code W
 *       ≤ 4} a reader counts them), then {@code c·W} longs, the bits of the codes (bit {@code i} of
 *       a code's long {@code w} is coordinate {@code 64w + i}), interleaved in groups of 8 codes so
 *       that a searcher reads word {@code w} of 8 codes at once: the codes form groups of 8 (the
 *       last group has {@code c mod 8} codes when that is not 0), and word {@code w} of code {@code
 *       g + j} of a group of {@code n} codes that starts at code {@code g} is long number {@code
 *       g·W + w·n + j}. With {@code R} the rotation ({@link
 *       io.github.luceneannoy.forest.FastRotation}, rebuilt from the seed and {@code D}), {@code r
 *       = R(x - c₀)}, bit {@code i} set when {@code r_i > 0}, {@code σ} the signs (±1) and {@code ω
 *       = R(c₀ - g)}: {@code s = |r|²/|r|₁}, {@code a = |r|² + 2·s·(σ·ω)}, {@code ε = 2·|r|·sqrt(1
 *       - t²)/(t·sqrt(P - 1))} with {@code t = |r|₁/(sqrt(P)·|r|)}. A query {@code q} with {@code u
 *       = R(q - g)} estimates {@code |x - q|² ≈ a + |q - c₀|² - 2·s·(σ·u)}, with error about {@code
 *       ε·|q - c₀|}.
 * </ul>
 *
 * <h2>Version history</h2>
 *
 * <ul>
 *   <li>0, 1: random-projection trees with sketches (never released; refused with {@link
 *       org.apache.lucene.index.IndexFormatTooOldException}: reindex).
 *   <li>2: k-means trees with one-bit codes and calibrated budgets, each code's longs together
 *       (never released; refused with {@link org.apache.lucene.index.IndexFormatTooOldException}:
 *       reindex).
 *   <li>3: the same with the codes' longs interleaved in groups of 8, and budgets counted in leaf
 *       entries. Still read: a search gathers its whole budget, as the budgets were calibrated.
 *   <li>4: the same files; the budgets are calibrated for searches that stop early once a twentieth
 *       of the budget (at least two full leaves) has added no candidate. Since 2026-12-07 the trees
 *       after the first are spilled copies of it (above) rather than k-means trees of their own
 *       seeds; the files are read alike either way, so the version is the same.
 *   <li>5: codes of at most four longs ({@code W ≤ 4}, up to 256 mapped dimensions) no longer store
 *       their counts of ones: 4 of an entry's 36 bytes at 128 dimensions, where a reader counts
 *       them in two bit counts. Versions 3 and 4 are read with the counts they store.
 * </ul>
 *
 * @lucene.experimental
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
    return forest.writer(state, flatVectorsFormat.fieldsWriter(state));
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
