package io.github.luceneannoy.codec;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * A {@link KnnVectorsFormat} whose per-segment index is an Annoy forest: a set of random-projection
 * trees over the segment's vectors, searched best-first over all trees with one priority queue.
 *
 * <p>Raw vectors are stored by {@link Lucene99FlatVectorsFormat} (files {@code .vec} and {@code
 * .vemf}), which also supplies vector values, exact scoring and ord-to-doc mapping. This format
 * adds two files holding the forest only. The forest is built when a segment is flushed (from the
 * buffered vectors, in the segment's final order, honouring an index sort) and when segments are
 * merged (from the merged vectors, read back through a memory-mapped temporary file of the flat
 * format; deleted documents are gone by then).
 *
 * <p>{@link AnnoyScalarQuantizedVectorsFormat} writes the same two forest files over Lucene's
 * scalar-quantized flat format instead, scoring candidates on 7- or 4-bit vectors and re-scoring the
 * best of them at full precision.
 *
 * <h2>Split rules</h2>
 *
 * <ul>
 *   <li>{@code EUCLIDEAN}: Euclidean splits (perpendicular bisectors of two-means centroids).
 *   <li>{@code COSINE}: angular splits (hyperplanes through the origin).
 *   <li>{@code DOT_PRODUCT} and {@code MAXIMUM_INNER_PRODUCT}: inner-product splits, angular splits
 *       on vectors augmented to a common norm. Lucene ranks DOT_PRODUCT by the raw dot product
 *       (unit length is expected for floats but not enforced, and byte vectors never are), so the
 *       reduction that is exact for any norm is used for both.
 * </ul>
 *
 * Byte vectors are split in floating point with the same rules. Final scores always come from the
 * flat format's scorer, so hits carry Lucene's scores for the field's similarity.
 *
 * <h2>Files</h2>
 *
 * <p>Both files start with a {@link org.apache.lucene.codecs.CodecUtil#writeIndexHeader index
 * header} (segment id and suffix) and end with a {@link
 * org.apache.lucene.codecs.CodecUtil#writeFooter checksum footer}. Integers are little-endian.
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
 *   <li>int vector count (must equal the flat format's count for the field)
 *   <li>byte split rule: 0 = Euclidean, 1 = angular, 2 = inner product (determined by the
 *       similarity; checked on read)
 *   <li>vint number of trees {@code T} (0 when the field has no vectors)
 *   <li>vint maximum leaf size {@code L}
 *   <li>vint candidates per hit (the search budget recorded when the segment was written)
 *   <li>long seed the trees were built from
 *   <li>vint projection rows {@code P}: 0 when the trees split the vectors' own coordinates, else
 *       the number of principal directions learned ({@code 0 < P < dimension}): the trees split in
 *       the first {@code D} of them, sketches use all {@code P}
 *   <li>vlong offset and vlong length ({@code 4·P·dimension}) of the projection section in {@code
 *       .afi}
 *   <li>vint normal dimension {@code D}: the split space's dimension (at most {@code P}, and
 *       equal to it when the field has no sketches; the dimension when {@code P = 0}), plus one for
 *       inner product
 *   <li>int number of split nodes {@code S} over all trees
 *   <li>vlong offset and vlong length of the split section in {@code .afi}
 *   <li>vlong offset and vlong length of the leaf section in {@code .afi}
 *   <li>vlong offset and vlong length of the sketch section in {@code .afi}: length 0 when the
 *       field has no sketches, else {@code 8·P + N·(P + 8)} for {@code N} vectors
 *   <li>{@code T} ints: the root reference of each tree
 * </ol>
 *
 * then int -1 and the footer.
 *
 * <h3>{@code .afi}: forest data</h3>
 *
 * <p>Header {@code AnnoyVectorsFormatIndex}, then for each field:
 *
 * <ul>
 *   <li>Projection section (aligned to 4 bytes, empty when {@code P = 0}): {@code P} rows of
 *       {@code dimension} floats, orthonormal. A vector {@code x} is split, and a query descends,
 *       on {@code y = R·x}; candidates are scored on {@code x}.
 *   <li>Split section: {@code S} records of {@code 16 + D} bytes: int left child, int right child,
 *       float offset, float scale, {@code D} signed bytes {@code b}, the normal being {@code scale·b}.
 *       A vector goes right when {@code offset + scale·(b·y) > 0}, {@code y} being the vector in the
 *       split space. The normal is a unit
 *       vector rounded to bytes per coordinate (the builder splits with the rounded normal, so the
 *       stored hyperplane is exactly the one used). Records of one tree are in pre-order, so a split
 *       child's number is always larger than its parent's.
 *   <li>Leaf section: ints; a leaf is its ordinal count {@code c} (1 ≤ c ≤ L) followed by {@code c}
 *       ordinals in increasing order. Ordinals index the flat format's vectors of the field.
 *   <li>Sketch section (aligned to 4 bytes, absent when its length is 0): the code book, {@code P}
 *       floats {@code center} then {@code P} floats {@code step} (finite, {@code step > 0}), then
 *       one record per vector in ordinal order: {@code P} signed bytes {@code b} (|b| ≤ 127), a
 *       float {@code r} and a float {@code n}. The sketch stands for the projected vector {@code
 *       x̂ = center + step·b}, {@code r} for the length of what the projection leaves out, {@code
 *       |x - Rᵀ·R·x|}, and {@code n} is {@code |x̂|²}, which lets a query estimate a distance with one
 *       dot product per record; for COSINE all three describe the unit vector {@code x/|x|}.
 * </ul>
 *
 * A node reference {@code r >= 0} names split record {@code r}; {@code r < 0} names the leaf whose
 * count is at int position {@code -r-1} of the leaf section. Every vector ordinal appears in exactly
 * one leaf of every tree.
 *
 * <h2>Projection</h2>
 *
 * <p>When the dimension is more than twice {@code projectionDimension} (default 32), and the
 * similarity is EUCLIDEAN or COSINE (inner-product ranking depends on the full vectors' norms, which
 * a projection changes), the writer
 * learns the leading principal directions of the segment's vectors (uncentered, from a sample of
 * 1,024) and builds the trees on the projected vectors: a split costs {@code P} multiplications
 * instead of {@code dimension}, stores {@code P} bytes, and building is correspondingly faster.
 * Candidates are always scored exactly on the full vectors by the flat format.
 *
 * <h2>Sketches</h2>
 *
 * <p>A projected field of at least {@value io.github.luceneannoy.forest.ForestBuilder#SKETCH_MIN_VECTORS}
 * vectors also gets a sketch per vector: {@code sketchDimension} (default 128, capped below half
 * the dimension) principal coordinates as bytes, and the length the projection leaves out; the
 * trees split in the first {@code projectionDimension} of those coordinates. A query projects
 * itself once and estimates the distance of each candidate from its sketch (one dot product of the
 * code bytes with the weighted query, plus the record's stored norms), and scores
 * exactly only the best estimated, until the top hits settle. On Fashion-MNIST, sketches of 128
 * bytes find recall@10 0.96 with about 70 exact distances per query (20 candidates per hit) where
 * votes needed 400 for 0.955. Smaller segments (usually fresh
 * flushes, soon merged) skip them: learning the wider projection costs more than it saves there.
 * So do vectors whose variance the wider projection does not keep at least 80% of (measured on a
 * sample): sketches then rank poorly and the search would score more candidates than votes do
 * (clustered 128-dimension vectors with noise in every direction keep 57% in 63 coordinates).
 *
 * <h2>Search</h2>
 *
 * <p>A query for {@code k} hits gathers candidates from leaves, visited in order of Annoy's margin
 * priority across all trees, until it knows three times {@code candidatesPerHit·k} distinct
 * vectors that the filter accepts. With sketches it ranks them by estimated distance, keeping the
 * best {@code candidatesPerHit·k}, and gathers instead until three full leaves' worth of accepted
 * entries add none to those (at most twice the target without a filter, the target with one);
 * it scores at least the best eighth of the budget ({@code candidatesPerHit·k/8}, at least {@code
 * k}) exactly, then until the top hits settle or the next estimate is out of reach; without, it
 * counts how many trees put each one in a visited leaf and scores the {@code
 * candidatesPerHit·k} most voted exactly, each once. If the trees run out first,
 * every accepted vector has been gathered, so it returns {@code min(k, accepted vectors)} hits.
 *
 * <p>Filters: {@link io.github.luceneannoy.forest.SearchPlan} compares the forest's expected cost
 * with a scan of the accepted vectors, before the search and again as it measures how many of the
 * leaf entries it reads the filter accepts (a filter far from the query raises the budget up to
 * 8×). The scan scores every accepted vector when there are no sketches or no more accepted
 * vectors than a search would score; with sketches it estimates every accepted vector from its
 * sketch and scores the best exactly, with the search's stopping rule. The collector's visit limit
 * counts scored vectors, so Lucene's fallback to exact search for selective filters works as with
 * HNSW.
 *
 * <h2>Input checks</h2>
 *
 * <p>Lucene refuses a vector of another dimension, encoding or similarity than its field's, more
 * dimensions than {@link #MAXIMUM_DIMENSIONS}, and non-finite components. This format also refuses
 * an all-zero vector on a {@code COSINE} field, when the document is added (Lucene 9.12 accepts it
 * but its cosine is 0/0, NaN, when scored), and at search time an all-zero {@code COSINE} query and
 * a query of another dimension, naming the field. A refused document is not indexed; the rest of the
 * segment is unaffected.
 *
 * <h2>Cost</h2>
 *
 * <p>For a segment of {@code N} vectors of {@code d} dimensions, {@code T} trees, leaves of at most
 * {@code L} vectors ({@code ℓ ≈ 0.65·L} on average, 43 at the default 64), and splits in {@code
 * D} coordinates ({@code P = 32} when projected, else {@code d}; one more for inner product):
 *
 * <ul>
 *   <li><b>Build</b> (at flush and merge). Learning the projection reads a sample of at most 1,024
 *       vectors, whatever {@code N}; projecting costs {@code N·P·d} multiply-adds once. A tree then
 *       costs about {@code N·D·(log2(N/ℓ) + 800/ℓ)}: at every level each vector's margin ({@code
 *       D} multiply-adds), over {@code log2(N/ℓ)} levels, and per split node two centroids refined
 *       on 200 sampled vectors (about {@code 800·D}), for {@code N/ℓ} nodes. So the build grows as
 *       {@code T·N·log N}, linearly in the trees, and with the dimension only through {@code D}
 *       and the projection pass; trees are independent, so {@code p} threads divide it by up to
 *       {@code p}.
 *   <li><b>Disk</b> ({@code .afi}): each tree stores every ordinal once and a count per leaf (4
 *       bytes each), and {@code N/ℓ} split records of {@code 16 + D} bytes: about {@code T·N·(4 +
 *       (20 + D)/ℓ)} bytes, 5.2 bytes per vector and tree at the defaults, plus the projection
 *       ({@code 4·P·d} bytes). Linear in {@code N} and {@code T}; the raw vectors ({@code .vec},
 *       {@code 4·d} bytes per vector) are the flat format's.
 *   <li><b>Query</b> for {@code k} hits with {@code c} candidates per hit: about {@code 3·c·k/ℓ}
 *       leaves are read, each reached through at most {@code log2(N/ℓ)} margins of {@code D}
 *       multiply-adds, {@code 3·c·k} candidates are counted, and {@code c·k} are scored exactly
 *       ({@code d} multiply-adds each), which dominates. At a fixed budget a query's cost grows
 *       with {@code N} only through the depth; but recall at a fixed budget falls as a segment
 *       grows (more vectors share a leaf with the true neighbours), so the budget needed for a
 *       given recall grows with {@code N}, by how much depends on the data.
 *   <li><b>With sketches</b> ({@code S = 128} rows, a field that qualifies): the build learns and
 *       applies an {@code S}-row projection instead ({@code N·S·d} multiply-adds, in the same single
 *       pass) and writes {@code N·(S + 8)} more bytes; a query projects itself once ({@code S·d}),
 *       estimates its {@code 3·c·k} candidates from their sketches ({@code S} multiply-adds each)
 *       and scores exactly between {@code c·k/8} and {@code c·k} of them, as
 *       many as it takes for the top {@code k} to settle: on Fashion-MNIST (784 dimensions) about
 *       70 for recall 0.96 – 0.99 instead of 400.
 * </ul>
 *
 * <p>Checked with the {@code scale} benchmark of the examples ({@code 128}-d clustered vectors,
 * defaults, one merged segment, 2 cores shared with other work, Java 17; budgets swept 10, 20,
 * 40, 80, 160, 320); build cost as the merge's CPU time, which includes copying the raw vectors
 * and does not depend on how many cores the machine had free:
 *
 * <table>
 *   <caption>Measured growth</caption>
 *   <tr><th>N</th><th>merge CPU</th><th>model ratio</th><th>measured ratio</th><th>.afi</th><th>bytes per vector and tree</th><th>smallest budget swept with recall@10 ≥ 0.95</th><th>queries/s there, 1 thread</th></tr>
 *   <tr><td>100,000</td><td>4.8 s</td><td>1</td><td>1</td><td>15.9 MiB</td><td>5.21</td><td>20 (0.980)</td><td>4,318</td></tr>
 *   <tr><td>300,000</td><td>18.3 s</td><td>3.16</td><td>3.8</td><td>47.7 MiB</td><td>5.21</td><td>40 (0.968)</td><td>2,724</td></tr>
 *   <tr><td>1,000,000</td><td>75.7 s</td><td>11.1</td><td>15.8</td><td>158.5 MiB</td><td>5.19</td><td>160 (0.983)</td><td>963</td></tr>
 * </table>
 *
 * <p>The forest's size is linear in {@code N}, as the model says (5.21, 5.21 and 5.19 bytes per
 * vector and tree, which puts the average leaf at 43 vectors). The build's CPU grows faster than its arithmetic
 * (the model ratio), by 40% at a million vectors: the merge also copies the raw vectors, and the
 * trees' passes read the projected vectors in random order, which likely misses the CPU caches
 * more as the segment grows. The budget for a given recall grows with the segment on this data,
 * where a query's true neighbours are the nearest of the {@code N/1,000} vectors drawn around the
 * same centre with noise in all 128 dimensions; a query at that budget costs about {@code c·k·d}.
 *
 * <p>At 100,000 vectors, 16 trees instead of 32 took 3.3 s of merge CPU instead of 4.8 s (about
 * 0.09 s per tree, the rest being the tree-independent part of the merge) and 8.0 MiB of {@code
 * .afi} instead of 15.9; 256 dimensions instead of 128 took 5.3 s (the projection pass and twice
 * the raw vectors to copy) and the same 16.0 MiB of forest.
 *
 * <h2>Memory</h2>
 *
 * <p>Building reads the vectors where they already are: the flush's buffer, or at merge the flat
 * format's memory-mapped temporary file. Projected vectors go to a temporary file of the segment's
 * directory ({@code 4·P} bytes per vector) and are read back memory-mapped. Each tree is written
 * as soon as it is built: split records straight into {@code .afi}, leaves into a temporary file
 * that is appended after the split section, so the layout above is unchanged. Temporary files are
 * deleted when the field is written, and on failure. So the heap of a build is about 11 bytes per
 * vector for each tree in flight (an ordinal and a side per vector, then the tree's leaves and
 * split records until written), whatever the dimension: one tree at flush, and during a merge whose
 * scheduler lends threads at most {@code ForestBuilder.treesInFlight} (two per core, at most 16).
 * Beyond that a build holds the projection ({@code P × dimension} floats, or {@code S ×
 * dimension} with sketches) and the sample of at most 1,024 vectors it is learned from; sketches
 * are written to {@code .afi} as they are computed, in the pass that writes the split coordinates'
 * temporary file.
 *
 * <p>Searching keeps on the heap, per field, its metadata (a root per tree), its projection and
 * its sketches' code book; split records, leaves and sketch records are read in place from {@code
 * .afi}. A query allocates in proportion to its budget, plus, with sketches, a bit per vector of
 * the segment to mark the candidates seen (dense up to 2<sup>18</sup> vectors, 32 KiB; sparse
 * beyond).
 *
 * <p>The writer's {@code ramBytesUsed} counts the buffered vectors and a generous estimate of what
 * the flush will build from them (the whole forest twice, about {@code 2·numTrees·4} bytes per
 * vector plus split records), so IndexWriter's flush-by-RAM bounds a flush's peak as it does for
 * HNSW, whose graph is counted.
 *
 * <h2>Version history</h2>
 *
 * <ul>
 *   <li>0: first version (never released; no longer read).
 *   <li>1: sketch records carry the decoded squared norm {@code n}.
 * </ul>
 *
 * @lucene.experimental
 */
public final class AnnoyVectorsFormat extends KnnVectorsFormat {

  /** The SPI name, written into every segment that uses this format. */
  public static final String NAME = "AnnoyVectorsFormat";

  static final String META_CODEC_NAME = NAME + "Meta";
  static final String INDEX_CODEC_NAME = NAME + "Index";
  static final String META_EXTENSION = "afm";
  static final String INDEX_EXTENSION = "afi";
  static final int VERSION_START = 1;
  static final int VERSION_CURRENT = VERSION_START;

  /** Default number of trees. */
  public static final int DEFAULT_NUM_TREES = 32;

  /** Default maximum number of vectors in a leaf. */
  public static final int DEFAULT_MAX_LEAF_SIZE = 64;

  /** Default number of distinct candidates a query scores per requested hit. */
  public static final int DEFAULT_CANDIDATES_PER_HIT = 40;

  /**
   * Default number of coordinates trees split on: vectors of more dimensions are projected onto
   * their leading principal directions, which makes split nodes cheap to store and to evaluate.
   */
  public static final int DEFAULT_PROJECTION_DIMENSION = 32;

  /**
   * Default number of projected coordinates in a vector's sketch (the split coordinates first):
   * candidates the trees yield are ranked by their sketches, and only the best are scored exactly.
   */
  public static final int DEFAULT_SKETCH_DIMENSION = 128;

  /** Upper bound on the projection: beyond it a split costs nearly a full vector's work. */
  public static final int MAXIMUM_PROJECTION_DIMENSION = 1024;

  /** Seed of the trees: a constant, so that the same vectors always give the same forest. */
  public static final long DEFAULT_SEED = 0x5EED_A11_0E5L;

  /**
   * Upper bound on the number of trees: every tree repeats every ordinal and a root in the
   * metadata, and past a few hundred trees more candidates per query buy more recall for less.
   */
  public static final int MAXIMUM_NUM_TREES = 1024;

  /**
   * Upper bound on the leaf size: a leaf is read whole by a query, so huge leaves waste the
   * budget, and the searcher keeps one leaf buffer of this size.
   */
  public static final int MAXIMUM_MAX_LEAF_SIZE = 1 << 16;

  /** Upper bound on candidates per hit; beyond it exact search is cheaper than any forest. */
  public static final int MAXIMUM_CANDIDATES_PER_HIT = 1 << 20;

  /** Largest vector dimension accepted: today's embedding models go past Lucene's 1024. */
  public static final int MAXIMUM_DIMENSIONS = 4096;

  private final ForestParameters forest;
  private final FlatVectorsFormat flatVectorsFormat;

  /** A format with the default parameters. */
  public AnnoyVectorsFormat() {
    this(DEFAULT_NUM_TREES, DEFAULT_MAX_LEAF_SIZE, DEFAULT_CANDIDATES_PER_HIT);
  }

  /**
   * @param numTrees number of trees per field and segment: more trees raise recall at a given
   *     budget and cost build time and disk
   * @param maxLeafSize largest number of vectors in a leaf: larger leaves make smaller, faster
   *     forests whose leaves hold more distant candidates
   * @param candidatesPerHit search budget: a query for {@code k} hits scores {@code
   *     candidatesPerHit·k} vectors; more means higher recall and slower queries
   */
  public AnnoyVectorsFormat(int numTrees, int maxLeafSize, int candidatesPerHit) {
    this(numTrees, maxLeafSize, candidatesPerHit, DEFAULT_SEED);
  }

  /**
   * @param seed the seed of the forest; the same seed and vectors give the same files
   * @see #AnnoyVectorsFormat(int, int, int)
   */
  public AnnoyVectorsFormat(int numTrees, int maxLeafSize, int candidatesPerHit, long seed) {
    this(numTrees, maxLeafSize, candidatesPerHit, DEFAULT_PROJECTION_DIMENSION, seed);
  }

  /**
   * @param projectionDimension vectors with more than twice this many dimensions are projected to
   *     this many coordinates (their leading principal directions) for building and descending
   *     trees; 0 disables the projection. Candidates are always scored on the full vectors.
   * @see #AnnoyVectorsFormat(int, int, int)
   */
  public AnnoyVectorsFormat(
      int numTrees, int maxLeafSize, int candidatesPerHit, int projectionDimension, long seed) {
    this(
        numTrees,
        maxLeafSize,
        candidatesPerHit,
        projectionDimension,
        Math.max(projectionDimension, DEFAULT_SKETCH_DIMENSION),
        seed);
  }

  /**
   * @param sketchDimension projected coordinates kept per vector of a projected field, at least
   *     {@code projectionDimension} (capped below half the vectors' dimension), or 0 for none:
   *     the candidates the trees yield are ranked by these sketches, and only the best are scored
   *     exactly. More coordinates rank better and cost disk ({@code sketchDimension + 8} bytes per
   *     vector) and build time.
   * @see #AnnoyVectorsFormat(int, int, int, int, long)
   */
  public AnnoyVectorsFormat(
      int numTrees,
      int maxLeafSize,
      int candidatesPerHit,
      int projectionDimension,
      int sketchDimension,
      long seed) {
    super(NAME);
    this.forest =
        new ForestParameters(
            numTrees, maxLeafSize, candidatesPerHit, projectionDimension, sketchDimension, seed);
    this.flatVectorsFormat =
        new Lucene99FlatVectorsFormat(
            new RawVectorsExposingScorer(FlatVectorScorerUtil.getLucene99FlatVectorsScorer()));
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
  public int getMaxDimensions(String fieldName) {
    return MAXIMUM_DIMENSIONS;
  }

  public int numTrees() {
    return forest.numTrees;
  }

  public int maxLeafSize() {
    return forest.maxLeafSize;
  }

  public int candidatesPerHit() {
    return forest.candidatesPerHit;
  }

  public int projectionDimension() {
    return forest.projectionDimension;
  }

  public int sketchDimension() {
    return forest.sketchDimension;
  }

  public long seed() {
    return forest.seed;
  }

  @Override
  public String toString() {
    return NAME + "(" + forest + ", flatVectorsFormat=" + flatVectorsFormat + ")";
  }
}
