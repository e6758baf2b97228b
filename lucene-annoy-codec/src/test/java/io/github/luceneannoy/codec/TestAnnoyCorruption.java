package io.github.luceneannoy.codec;

import com.carrotsearch.randomizedtesting.annotations.Timeout;
import io.github.luceneannoy.forest.NodeRefs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.zip.CRC32;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.VectorUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;

/**
 * Damaged Annoy segments must be reported as corrupt, never answered from.
 *
 * <p>The index has two segments of the same shape, {@code _0} and {@code _1}. Each case replaces
 * one file of {@code _0} with a damaged copy, leaving the pristine index untouched, and {@code _1}
 * shows that the damage stays confined. Two kinds of damage are tried:
 *
 * <ul>
 *   <li>Physical (a flipped byte, a truncated or a swapped file): the checksum catches what the
 *       structure checks do not, so the assertion is "detected at open, or by {@code
 *       checkIntegrity}", and any search run in between must throw {@link CorruptIndexException} or
 *       return valid documents.
 *   <li>Logical (an inconsistent file with a valid checksum): only the format's own checks stand
 *       between the damage and a wrong answer, so these must name the field and the problem.
 * </ul>
 */
@Timeout(millis = 60_000) // a search over a damaged forest must never hang; fail instead
public class TestAnnoyCorruption extends LuceneTestCase {
  private static final int DIM = 16;
  private static final int DOCS_PER_SEGMENT = 600;
  private static final int K = 10;

  // Small trees and budget: a query scores about CPH·K = 40 of 600 vectors, so searches really go
  // through the forest instead of the exact scan chosen when the budget covers the segment.
  private static final int TREES = 4;
  private static final int LEAF = 8;
  private static final int CPH = 4;

  private static final String SEGMENT = "_0";
  private static final String OTHER_SEGMENT = "_1";
  private static final String SUFFIX = AnnoyVectorsFormat.NAME + "_0";
  private static final List<String> EXTENSIONS = List.of("afm", "afi", "vec", "vemf");
  // metadata files are read whole through a checksumming input at open, so no flip survives open
  private static final Set<String> READ_WHOLE_AT_OPEN = Set.of("afm", "vemf");
  private static final int RANDOM_FLIPS = 50;
  private static final int RANDOM_TRUNCATIONS = 8;

  /** A vector field of the test documents. */
  private record VectorField(String name, VectorSimilarityFunction similarity, boolean bytes) {}

  private static final VectorField EUCLIDEAN =
      new VectorField("euclidean", VectorSimilarityFunction.EUCLIDEAN, false);
  private static final VectorField COSINE =
      new VectorField("cosine", VectorSimilarityFunction.COSINE, false);
  private static final List<VectorField> ANNOY_FIELDS =
      List.of(
          EUCLIDEAN,
          COSINE,
          new VectorField("dot", VectorSimilarityFunction.DOT_PRODUCT, false),
          new VectorField("mip", VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, false),
          new VectorField("bytes", VectorSimilarityFunction.EUCLIDEAN, true));
  // Another format's field, shaped like EUCLIDEAN so that a record renumbered to it passes every
  // check that compares with the field info.
  private static final VectorField FOREIGN =
      new VectorField("hnsw", VectorSimilarityFunction.EUCLIDEAN, false);

  /** The pristine index: segments _0 and _1, and a directory over it shared by all cases. */
  private static Path index;
  private static Directory pristine;
  /** The same documents indexed again: same file names, other segment ids. */
  private static Path twin;
  private static Map<String, Integer> fieldNumbers;

  @BeforeClass
  public static void buildIndexes() throws IOException {
    long docSeed = random().nextLong();
    index = createTempDir("annoy-index");
    twin = createTempDir("annoy-twin");
    build(index, docSeed);
    build(twin, docSeed);
    fieldNumbers = readFieldNumbers(index);
    pristine = new MMapDirectory(index);
  }

  @AfterClass
  public static void clear() throws IOException {
    pristine.close();
    pristine = null;
    index = null;
    twin = null;
    fieldNumbers = null;
  }

  // ---------------------------------------------------------------------------------------------
  // the harness itself

  public void testPristineIndexIsHealthyAndSearchedThroughTheForest() throws IOException {
    try (Directory dir = new MMapDirectory(index);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      assertEquals(2, reader.leaves().size());
      for (LeafReaderContext leaf : reader.leaves()) {
        ((SegmentReader) leaf.reader()).checkIntegrity();
        for (VectorField field : ANNOY_FIELDS) {
          TopDocs hits = search(leaf.reader(), field, random());
          assertValidHits(hits, leaf.reader().maxDoc());
          assertEquals(K, hits.scoreDocs.length);
          // the number of scored vectors: far below the segment, so the trees were walked
          assertTrue(
              field.name + ": " + hits.totalHits, hits.totalHits.value < DOCS_PER_SEGMENT / 2);
        }
      }
      TestUtil.checkIndex(dir);
    }
  }

  /** The footer writer used for the logical corruptions reproduces Lucene's footer exactly. */
  public void testFooterHelperMatchesCodecUtil() throws IOException {
    for (String extension : List.of("afm", "afi")) {
      byte[] original = read(index, fileOf(SEGMENT, extension));
      assertArrayEquals(original, withValidFooter(withoutFooter(original)));
    }
  }

  /** The test's reading of the .afm layout round-trips the writer's bytes. */
  public void testMetaParserRoundTrips() throws IOException {
    byte[] original = read(index, fileOf(SEGMENT, "afm"));
    int headerLength = metaHeaderLength();
    List<MetaRecord> records = MetaRecord.parseAll(original, headerLength);
    assertEquals(ANNOY_FIELDS.size(), records.size());
    byte[] body = concat(Arrays.copyOf(original, headerLength), MetaRecord.encodeAll(records));
    assertArrayEquals(original, withValidFooter(body));
  }

  // ---------------------------------------------------------------------------------------------
  // physical damage: flipped bytes, truncation, swapped files

  public void testFlippedBytesAreDetected() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      byte[] original = read(index, file);
      for (int position : flipPositions(original.length, headerLength(extension))) {
        byte[] damaged = original.clone();
        damaged[position] ^= (byte) (1 + random().nextInt(255));
        assertFlipDetected(indexWith(file, damaged), file, READ_WHOLE_AT_OPEN.contains(extension));
      }
    }
  }

  public void testTruncatedFilesFailToOpen() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      byte[] original = read(index, file);
      for (int length : truncatedLengths(original.length, headerLength(extension))) {
        Directory damaged = indexWith(file, Arrays.copyOf(original, length));
        IOException e = expectOpenFails(damaged, file + " truncated to " + length);
        // a read past the end is an EOFException, which SegmentCoreReaders wraps in a
        // CorruptIndexException naming the directory; the cause names the file
        assertTrue(file + " truncated to " + length + ": " + e, e instanceof CorruptIndexException);
        assertNamesFile(e, file);
      }
    }
  }

  public void testFileOfAnotherSegmentFailsToOpen() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      assertSwapRejected(file, read(index, fileOf(OTHER_SEGMENT, extension)));
    }
  }

  public void testFileOfAnotherIndexFailsToOpen() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      byte[] twinBytes = read(twin, file);
      // same documents, same settings: only the segment id in the header can tell them apart
      assertEquals(file, read(index, file).length, twinBytes.length);
      assertSwapRejected(file, twinBytes);
    }
  }

  private void assertSwapRejected(String file, byte[] foreign) throws IOException {
    IOException e = expectOpenFails(indexWith(file, foreign), file + " swapped");
    assertTrue(file + ": " + e, e instanceof CorruptIndexException);
    assertNamesFile(e, file);
    assertTrue(e.getMessage(), e.getMessage().contains("file mismatch"));
  }

  // ---------------------------------------------------------------------------------------------
  // logical damage to .afm: valid checksum, inconsistent content

  public void testInconsistentMetaRecordFailsToOpen() throws IOException {
    assertMetaRejected(r -> r.dimension++, "dimension 17 != field info's 16");
    assertMetaRejected(r -> r.normalDimension++, "normal dimension 17 for dimension 16");
    assertMetaRejected(r -> r.projectionRows = 16, "invalid projection to 16 of 16 dimensions");
    assertMetaRejected(r -> r.projectionLength += 4, "projection section of 4 bytes for 0 rows");
    assertMetaRejected(r -> r.size = -1, "negative vector count -1");
    assertMetaRejected(
        r -> r.size++, "forest over 601 vectors but the flat format holds " + DOCS_PER_SEGMENT);
    assertMetaRejected(
        r -> {
          r.numTrees = 0;
          r.roots = new int[0];
        },
        DOCS_PER_SEGMENT + " vectors but no trees");
    assertMetaRejected(
        r -> r.numTrees = AnnoyVectorsFormat.MAXIMUM_NUM_TREES + 1, "invalid number of trees 1025");
    assertMetaRejected(r -> r.roots[0] = r.numSplits, "invalid root reference");
    assertMetaRejected(r -> r.roots[1] = NodeRefs.leafRef(r.leafInts()), "invalid root reference");
    assertMetaRejected(r -> r.numSplits++, "split section of");
    assertMetaRejected(r -> r.splitsLength += 4, "split section of");
    assertMetaRejected(r -> r.leavesOffset += 1L << 40, "leaf section");
    assertMetaRejected(r -> r.leavesLength += 2, "invalid leaf section length");
    assertMetaRejected(r -> r.sketchesLength += 5, "sketch section of 5 bytes for " + DOCS_PER_SEGMENT + " vectors of 0 rows");
    assertMetaRejected(r -> r.rule = 0, "split rule 0 does not match similarity COSINE");
    assertMetaRejected(r -> r.similarity = 0, "similarity EUCLIDEAN != field info's COSINE");
    assertMetaRejected(r -> r.similarity = 9, "invalid similarity id 9");
    assertMetaRejected(r -> r.encoding = 0, "encoding BYTE != field info's FLOAT32");
    assertMetaRejected(r -> r.encoding = -3, "invalid vector encoding id -3");
    assertMetaRejected(r -> r.maxLeafSize = 0, "invalid max leaf size 0");
    assertMetaRejected(r -> r.candidatesPerHit = 0, "invalid candidates per hit 0");
  }

  /** Records whose number names no field, a field of another format, or a field read before. */
  public void testMetaRecordForWrongFieldFailsToOpen() throws IOException {
    int past = fieldNumbers.size() + 10;
    assertMetaFileRejected(
        records -> cosine(records).number = past, "invalid vector field number " + past);
    // FieldInfos throws IllegalArgumentException for a negative number: must not escape
    assertMetaFileRejected(
        records -> cosine(records).number = -5, "invalid vector field number -5");
    assertMetaFileRejected(records -> records.add(cosine(records)), "duplicate field \"cosine\"");
    // a field of another format has no flat vectors in this format's files
    int foreign = fieldNumbers.get(FOREIGN.name);
    assertMetaFileRejected(
        records -> record(records, EUCLIDEAN).number = foreign, "field \"" + FOREIGN.name + "\"");
  }

  /** A field's record is missing: opening cannot tell, but a search must not come back empty. */
  public void testMissingMetaRecordFailsOnSearch() throws IOException {
    String file = fileOf(SEGMENT, "afm");
    try (Directory dir = indexWith(file, rewriteMeta(records -> records.remove(cosine(records))));
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> search(segment, COSINE, random()));
      assertTrue(e.getMessage(), e.getMessage().contains("field \"cosine\""));
      assertNamesFile(e, file);
      assertValidHits(search(segment, EUCLIDEAN, random()), segment.maxDoc());
    }
  }

  private void assertMetaRejected(Consumer<MetaRecord> edit, String problem) throws IOException {
    // a message naming the problem but not the field would not say where to look
    assertMetaFileRejected(records -> edit.accept(cosine(records)), "field \"cosine\"", problem);
  }

  private void assertMetaFileRejected(Consumer<List<MetaRecord>> edit, String... expected)
      throws IOException {
    String file = fileOf(SEGMENT, "afm");
    String what = Arrays.toString(expected);
    IOException e = expectOpenFails(indexWith(file, rewriteMeta(edit)), what);
    assertTrue(what + ": " + e, e instanceof CorruptIndexException);
    // the checksum was valid, so the format's own check must be the one reported
    for (String fragment : expected) {
      assertTrue(
          "expected <" + fragment + "> in " + e.getMessage(), e.getMessage().contains(fragment));
    }
    assertNamesFile(e, file);
  }

  // ---------------------------------------------------------------------------------------------
  // logical damage to .afi: valid checksum, inconsistent forest

  public void testInvalidChildReferencesFailOnSearch() throws IOException {
    // every split node is damaged alike, so whichever nodes a query expands, it meets one
    String problem = "has invalid child";
    // to itself: the shortest cycle
    assertForestRejected((data, r) -> forEachSplit(r, n -> setChild(data, r, n, 0, n)), problem);
    // backwards, to an ancestor or a node of an earlier subtree
    assertForestRejected(
        (data, r) -> forEachSplit(r, n -> setChild(data, r, n, 1, Math.max(0, n - 1))), problem);
    // past the last split, and past the end of the leaf section
    assertForestRejected(
        (data, r) -> forEachSplit(r, n -> setChild(data, r, n, 1, r.numSplits)), problem);
    assertForestRejected(
        (data, r) -> forEachSplit(r, n -> setChild(data, r, n, 0, NodeRefs.leafRef(r.leafInts()))),
        problem);
  }

  public void testInvalidLeavesFailOnSearch() throws IOException {
    assertForestRejected(
        (data, r) -> forEachLeaf(data, r, p -> setLeafInt(data, r, p + 1, r.size)),
        "holds invalid ordinal " + DOCS_PER_SEGMENT);
    assertForestRejected(
        (data, r) -> forEachLeaf(data, r, p -> setLeafInt(data, r, p + leafInt(data, r, p), -1)),
        "holds invalid ordinal -1");
    assertForestRejected(
        (data, r) -> forEachLeaf(data, r, p -> setLeafInt(data, r, p, 0)), "invalid size 0");
    assertForestRejected(
        (data, r) -> forEachLeaf(data, r, p -> setLeafInt(data, r, p, LEAF + 1)),
        "invalid size " + (LEAF + 1));
  }

  /**
   * Every split points both ways to the next node of its tree, and each tree's last split to one
   * leaf: references stay in range and increasing, yet a tree of n splits has 2^n paths, and the
   * few vectors reached can never fill the budget. A search must not walk them all.
   */
  public void testSharedSubtreesFailOnSearch() throws IOException {
    assertForestRejected(
        (data, r) -> {
          for (int t = 0; t < r.roots.length; t++) {
            int first = r.roots[t];
            int end = t + 1 < r.roots.length ? r.roots[t + 1] : r.numSplits;
            assertTrue("tree " + t + " is a single leaf", first >= 0 && end > first);
            for (int n = first; n < end; n++) {
              int next = n + 1 < end ? n + 1 : NodeRefs.leafRef(0);
              setChild(data, r, n, 0, next);
              setChild(data, r, n, 1, next);
            }
          }
        },
        "forest is not a tree");
  }

  /** A change to the forest of field EUCLIDEAN, made in place in the body of .afi. */
  private interface ForestEdit {
    void apply(ByteBuffer data, MetaRecord record);
  }

  private void assertForestRejected(ForestEdit edit, String problem) throws IOException {
    String file = fileOf(SEGMENT, "afi");
    byte[] meta = read(index, fileOf(SEGMENT, "afm"));
    MetaRecord record = record(MetaRecord.parseAll(meta, metaHeaderLength()), EUCLIDEAN);
    ByteBuffer data =
        ByteBuffer.wrap(withoutFooter(read(index, file))).order(ByteOrder.LITTLE_ENDIAN);
    edit.apply(data, record);
    try (Directory dir = indexWith(file, withValidFooter(data.array()));
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      // checksums are valid: only the forest's own checks can find this
      ((SegmentReader) segment).checkIntegrity();
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> search(segment, EUCLIDEAN, random()));
      assertTrue(
          "expected <" + problem + "> in " + e.getMessage(), e.getMessage().contains(problem));
      assertNamesFile(e, file);
      // the damage is confined to the field's slices and to the segment
      assertValidHits(search(segment, COSINE, random()), segment.maxDoc());
      LeafReader other = leaf(reader, OTHER_SEGMENT);
      assertValidHits(search(other, EUCLIDEAN, random()), other.maxDoc());
    }
  }

  private static void forEachSplit(MetaRecord r, IntConsumer action) {
    for (int node = 0; node < r.numSplits; node++) {
      action.accept(node);
    }
  }

  /** Calls {@code action} with the int position of each leaf's count, walking the leaf section. */
  private static void forEachLeaf(ByteBuffer data, MetaRecord r, IntConsumer action) {
    List<Integer> positions = new ArrayList<>();
    for (int p = 0; p < r.leafInts(); p += 1 + leafInt(data, r, p)) {
      positions.add(p);
    }
    assertTrue(positions.size() >= r.roots.length);
    // positions first: the action may change the counts the walk depends on
    positions.forEach(action::accept);
  }

  private static void setChild(ByteBuffer data, MetaRecord r, int node, int side, int child) {
    data.putInt((int) (r.splitsOffset + node * r.splitRecordBytes() + side * Integer.BYTES), child);
  }

  private static int leafInt(ByteBuffer data, MetaRecord r, int position) {
    return data.getInt((int) (r.leavesOffset + position * Integer.BYTES));
  }

  private static void setLeafInt(ByteBuffer data, MetaRecord r, int position, int value) {
    data.putInt((int) (r.leavesOffset + position * Integer.BYTES), value);
  }

  // ---------------------------------------------------------------------------------------------
  // assertions

  /**
   * A copy with one flipped byte either fails to open naming the file, or opens, answers every
   * search with a corruption error or valid documents, and then fails its integrity check.
   */
  private void assertFlipDetected(Directory damaged, String file, boolean readWholeAtOpen)
      throws IOException {
    try (Directory dir = damaged) {
      DirectoryReader reader;
      try {
        reader = DirectoryReader.open(dir);
      } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
        assertNamesFile(e, file);
        return;
      }
      try (reader) {
        assertFalse(file + " is checksummed whole at open, yet opened damaged", readWholeAtOpen);
        // only the damaged segment: the targeted cases show that the other one is unaffected
        SegmentReader segment = (SegmentReader) leaf(reader, SEGMENT);
        searchEveryField(segment, file);
        CorruptIndexException e =
            expectThrows(CorruptIndexException.class, segment::checkIntegrity);
        assertNamesFile(e, file);
      }
    }
  }

  private void searchEveryField(LeafReader segment, String file) throws IOException {
    for (VectorField field : ANNOY_FIELDS) {
      try {
        assertValidHits(search(segment, field, random()), segment.maxDoc());
      } catch (CorruptIndexException e) {
        assertNamesFile(e, file);
      } catch (AssertionError e) {
        // Lucene asserts that vector similarities are finite; a flipped exponent in .vec can make
        // a stored float infinite or NaN, which nothing but the checksum can tell from a value
        if (file.endsWith(".vec") == false || isVectorUtilAssertion(e) == false) {
          throw e;
        }
      }
    }
  }

  private static boolean isVectorUtilAssertion(AssertionError e) {
    StackTraceElement[] stack = e.getStackTrace();
    return stack.length > 0 && stack[0].getClassName().equals(VectorUtil.class.getName());
  }

  private static IOException expectOpenFails(Directory damaged, String what) throws IOException {
    try (Directory dir = damaged) {
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        throw new AssertionError(what + ": opened " + reader.leaves().size() + " segments");
      } catch (IOException e) {
        return e;
      }
    }
  }

  /** The exception's message, or one of its causes', names the damaged file. */
  private static void assertNamesFile(Exception e, String file) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains(file)) {
        return;
      }
    }
    throw new AssertionError("expected the message to name " + file + ": " + e, e);
  }

  private static void assertValidHits(TopDocs hits, int maxDoc) {
    assertTrue(hits.scoreDocs.length <= K);
    Set<Integer> seen = new HashSet<>();
    for (ScoreDoc hit : hits.scoreDocs) {
      assertTrue("doc " + hit.doc + " of " + maxDoc, hit.doc >= 0 && hit.doc < maxDoc);
      assertTrue("doc " + hit.doc + " returned twice", seen.add(hit.doc));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // positions and lengths

  /** The header's last byte, the first body byte, the footer's, and random positions. */
  private static Set<Integer> flipPositions(int length, int headerLength) {
    Set<Integer> positions =
        new TreeSet<>(
            List.of(0, headerLength - 1, headerLength, length - 16, length - 9, length - 1));
    for (int i = 0; i < RANDOM_FLIPS; i++) {
      positions.add(random().nextInt(length));
    }
    return positions;
  }

  /** Nothing, a partial header, a header alone, a partial or no footer, and random lengths. */
  private static Set<Integer> truncatedLengths(int length, int headerLength) {
    Set<Integer> lengths =
        new TreeSet<>(
            List.of(0, 1, headerLength - 1, headerLength, length - 17, length - 16, length - 1));
    for (int i = 0; i < RANDOM_TRUNCATIONS; i++) {
      lengths.add(random().nextInt(length));
    }
    return lengths;
  }

  private static int headerLength(String extension) {
    switch (extension) {
      case "afm":
        return CodecUtil.indexHeaderLength(AnnoyVectorsFormat.META_CODEC_NAME, SUFFIX);
      case "afi":
        return CodecUtil.indexHeaderLength(AnnoyVectorsFormat.INDEX_CODEC_NAME, SUFFIX);
      case "vec":
        return CodecUtil.indexHeaderLength("Lucene99FlatVectorsFormatData", SUFFIX);
      case "vemf":
        return CodecUtil.indexHeaderLength("Lucene99FlatVectorsFormatMeta", SUFFIX);
      default:
        throw new AssertionError(extension);
    }
  }

  private static int metaHeaderLength() {
    return headerLength("afm");
  }

  // ---------------------------------------------------------------------------------------------
  // files

  /** The file of {@code segment} with {@code extension} written by the Annoy format instance. */
  private static String fileOf(String segment, String extension) {
    return segment + "_" + SUFFIX + "." + extension;
  }

  private static byte[] read(Path dir, String file) throws IOException {
    return Files.readAllBytes(dir.resolve(file));
  }

  /**
   * The pristine index with {@code file} replaced by {@code content}, which is written to a fresh
   * directory of its own: each case writes one file instead of copying the whole index.
   */
  private static Directory indexWith(String file, byte[] content) throws IOException {
    assertTrue(file, Files.exists(index.resolve(file)));
    Path replacement = createTempDir("annoy-damaged");
    Files.write(replacement.resolve(file), content);
    return new Overlay(pristine, new MMapDirectory(replacement), file);
  }

  /** Reads one file from another directory; closing it leaves the shared pristine index open. */
  private static final class Overlay extends FilterDirectory {
    private final Directory replacement;
    private final String file;

    Overlay(Directory pristine, Directory replacement, String file) {
      super(pristine);
      this.replacement = replacement;
      this.file = file;
    }

    @Override
    public IndexInput openInput(String name, IOContext context) throws IOException {
      return (name.equals(file) ? replacement : in).openInput(name, context);
    }

    @Override
    public long fileLength(String name) throws IOException {
      return (name.equals(file) ? replacement : in).fileLength(name);
    }

    @Override
    public void close() throws IOException {
      replacement.close();
    }
  }

  private static byte[] withoutFooter(byte[] file) {
    return Arrays.copyOf(file, file.length - CodecUtil.footerLength());
  }

  /**
   * {@code body} and the footer CodecUtil would write after it: magic, algorithm 0 and the CRC32 of
   * everything before the checksum, big-endian.
   */
  private static byte[] withValidFooter(byte[] body) {
    ByteBuffer file =
        ByteBuffer.allocate(body.length + CodecUtil.footerLength()).order(ByteOrder.BIG_ENDIAN);
    file.put(body).putInt(CodecUtil.FOOTER_MAGIC).putInt(0);
    CRC32 crc = new CRC32();
    crc.update(file.array(), 0, file.position());
    file.putLong(crc.getValue());
    return file.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** Segment _0's .afm with its records edited, with a valid checksum. */
  private static byte[] rewriteMeta(Consumer<List<MetaRecord>> edit) throws IOException {
    byte[] original = read(index, fileOf(SEGMENT, "afm"));
    int headerLength = metaHeaderLength();
    List<MetaRecord> records = MetaRecord.parseAll(original, headerLength);
    edit.accept(records);
    byte[] header = Arrays.copyOf(original, headerLength);
    return withValidFooter(concat(header, MetaRecord.encodeAll(records)));
  }

  private static MetaRecord cosine(List<MetaRecord> records) {
    return record(records, COSINE);
  }

  private static MetaRecord record(List<MetaRecord> records, VectorField field) {
    int number = fieldNumbers.get(field.name);
    return records.stream().filter(r -> r.number == number).findFirst().orElseThrow();
  }

  /**
   * One field's record of the .afm as documented on {@link AnnoyVectorsFormat}, held as raw
   * numbers so that any value can be written back, valid or not.
   */
  private static final class MetaRecord {
    int number;
    int encoding;
    int similarity;
    int dimension;
    int size;
    int rule;
    int numTrees;
    int maxLeafSize;
    int candidatesPerHit;
    long seed;
    int projectionRows;
    long projectionOffset;
    long projectionLength;
    int normalDimension;
    int numSplits;
    long splitsOffset;
    long splitsLength;
    long leavesOffset;
    long leavesLength;
    long sketchesOffset;
    long sketchesLength;
    int[] roots;

    int leafInts() {
      return (int) (leavesLength / Integer.BYTES);
    }

    long splitRecordBytes() {
      return 4L * Integer.BYTES + normalDimension;
    }

    static List<MetaRecord> parseAll(byte[] file, int headerLength) {
      int length = file.length - headerLength - CodecUtil.footerLength();
      ByteArrayDataInput in = new ByteArrayDataInput(file, headerLength, length);
      List<MetaRecord> records = new ArrayList<>();
      for (int number = in.readInt(); number != -1; number = in.readInt()) {
        records.add(parse(number, in));
      }
      assertTrue("bytes after the end marker", in.eof());
      return records;
    }

    private static MetaRecord parse(int number, ByteArrayDataInput in) {
      MetaRecord r = new MetaRecord();
      r.number = number;
      r.encoding = in.readInt();
      r.similarity = in.readInt();
      r.dimension = in.readVInt();
      r.size = in.readInt();
      r.rule = in.readByte();
      r.numTrees = in.readVInt();
      r.maxLeafSize = in.readVInt();
      r.candidatesPerHit = in.readVInt();
      r.seed = in.readLong();
      r.projectionRows = in.readVInt();
      r.projectionOffset = in.readVLong();
      r.projectionLength = in.readVLong();
      r.normalDimension = in.readVInt();
      r.numSplits = in.readInt();
      r.splitsOffset = in.readVLong();
      r.splitsLength = in.readVLong();
      r.leavesOffset = in.readVLong();
      r.leavesLength = in.readVLong();
      r.sketchesOffset = in.readVLong();
      r.sketchesLength = in.readVLong();
      r.roots = new int[r.numTrees];
      for (int t = 0; t < r.numTrees; t++) {
        r.roots[t] = in.readInt();
      }
      return r;
    }

    static byte[] encodeAll(List<MetaRecord> records) throws IOException {
      ByteBuffersDataOutput out = new ByteBuffersDataOutput();
      for (MetaRecord r : records) {
        r.write(out);
      }
      out.writeInt(-1);
      return out.toArrayCopy();
    }

    /** Writes {@link #numTrees} as the count but all of {@link #roots}: they may disagree. */
    private void write(DataOutput out) throws IOException {
      out.writeInt(number);
      out.writeInt(encoding);
      out.writeInt(similarity);
      out.writeVInt(dimension);
      out.writeInt(size);
      out.writeByte((byte) rule);
      out.writeVInt(numTrees);
      out.writeVInt(maxLeafSize);
      out.writeVInt(candidatesPerHit);
      out.writeLong(seed);
      out.writeVInt(projectionRows);
      out.writeVLong(projectionOffset);
      out.writeVLong(projectionLength);
      out.writeVInt(normalDimension);
      out.writeInt(numSplits);
      out.writeVLong(splitsOffset);
      out.writeVLong(splitsLength);
      out.writeVLong(leavesOffset);
      out.writeVLong(leavesLength);
      out.writeVLong(sketchesOffset);
      out.writeVLong(sketchesLength);
      for (int root : roots) {
        out.writeInt(root);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // index and searches

  private static Codec codec() {
    KnnVectorsFormat annoy = new AnnoyVectorsFormat(TREES, LEAF, CPH);
    KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat();
    // one instance for all Annoy fields: they share one set of files, suffix AnnoyVectorsFormat_0
    return new AnnoyCodec(field -> field.equals(FOREIGN.name) ? hnsw : annoy);
  }

  /** Two segments of DOCS_PER_SEGMENT documents, every document with every field. */
  private static void build(Path path, long docSeed) throws IOException {
    Random random = new Random(docSeed);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(codec())
            .setUseCompoundFile(false)
            // no merges: exactly two segments, and no compound file from a merge either
            .setMergePolicy(NoMergePolicy.INSTANCE)
            .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
            .setRAMBufferSizeMB(256);
    try (Directory dir = new MMapDirectory(path);
        IndexWriter writer = new IndexWriter(dir, config)) {
      for (int segment = 0; segment < 2; segment++) {
        float[][] vectors = TestData.clustered(random, DOCS_PER_SEGMENT, DIM, 8, 0.5f);
        for (float[] vector : vectors) {
          writer.addDocument(document(vector));
        }
        writer.commit();
      }
    }
  }

  private static Document document(float[] vector) {
    Document doc = new Document();
    for (VectorField field : ANNOY_FIELDS) {
      doc.add(vectorField(field, vector));
    }
    doc.add(vectorField(FOREIGN, vector));
    return doc;
  }

  private static Field vectorField(VectorField field, float[] vector) {
    if (field.bytes) {
      byte[] bytes = TestData.toBytes(new float[][] {vector}, 30)[0];
      return new KnnByteVectorField(field.name, bytes, field.similarity);
    }
    float[] shaped = TestData.shapeFor(field.similarity, new float[][] {vector.clone()})[0];
    return new KnnFloatVectorField(field.name, shaped, field.similarity);
  }

  private static TopDocs search(LeafReader reader, VectorField field, Random random)
      throws IOException {
    float[][] one = TestData.clustered(random, 1, DIM, 1, 0.5f);
    float[] query = TestData.shapeFor(field.similarity, one)[0];
    if (field.bytes) {
      byte[] bytes = TestData.toBytes(new float[][] {query}, 30)[0];
      return reader.searchNearestVectors(field.name, bytes, K, null, Integer.MAX_VALUE);
    }
    return reader.searchNearestVectors(field.name, query, K, null, Integer.MAX_VALUE);
  }

  private static LeafReader leaf(DirectoryReader reader, String segmentName) {
    for (LeafReaderContext leaf : reader.leaves()) {
      if (((SegmentReader) leaf.reader()).getSegmentName().equals(segmentName)) {
        return leaf.reader();
      }
    }
    throw new AssertionError("no segment " + segmentName);
  }

  private static Map<String, Integer> readFieldNumbers(Path path) throws IOException {
    Map<String, Integer> numbers = new HashMap<>();
    try (Directory dir = new MMapDirectory(path);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      FieldInfos infos = FieldInfos.getMergedFieldInfos(reader);
      infos.forEach(info -> numbers.put(info.name, info.number));
    }
    return numbers;
  }
}
