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

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.forest.NodeRefs;
import io.github.luceneannoy.search.BudgetedKnnCollector;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
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
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.store.NIOFSDirectory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The corruption tests' index and the tools to damage it ({@code TestCorrupt*}).
 *
 * <p>The pristine index has two segments of the same shape, {@code _0} and {@code _1}, each with
 * every document in five Annoy fields (one per similarity, and a byte field) sharing one set of
 * Annoy files, plus a field of another format. A case takes a copy of the whole index in which one
 * file of {@code _0} is replaced by a damaged version ({@link #copyWith}): its bytes flipped or cut
 * ({@link #read}), its metadata records rewritten ({@link #rewriteMeta}), or its forest edited in
 * place ({@link ForestModel}). Rewritten files get a valid checksum ({@link #withValidFooter}), so
 * that only the format's own checks stand between the damage and an answer. The copy is a file
 * system directory, as in production, in a {@link MockDirectoryWrapper}, which refuses to close
 * while a file is open: a reader that failed to open must have closed what it had opened.
 *
 * <p>The layout the editors rely on is the one documented on {@link AnnoyVectorsFormat}, parsed
 * here independently of the format's own reading code.
 */
final class CorruptionHarness implements Closeable {
  static final int DIM = 16;
  static final int DOCS_PER_SEGMENT = 600;
  static final int K = 10;
  static final int TREES = 2;
  static final int LEAF = 16;
  static final int BRANCHING = 4;
  static final float TARGET_RECALL = 0.9f;

  /** Per-query budget of the harness's searches: 30 of 600 vectors, so the trees are walked. */
  static final int CANDIDATES_PER_HIT = 3;

  static final String SEGMENT = "_0";
  static final String OTHER_SEGMENT = "_1";

  /** The suffix PerFieldKnnVectorsFormat gives the files of the one Annoy format instance. */
  static final String SUFFIX = AnnoyVectorsFormat.NAME + "_0";

  static final List<String> EXTENSIONS = List.of("afm", "afi", "vec", "vemf");

  /** A vector field of the test documents. */
  record VectorField(String name, VectorSimilarityFunction similarity, boolean bytes) {}

  static final VectorField EUCLIDEAN =
      new VectorField("euclidean", VectorSimilarityFunction.EUCLIDEAN, false);
  static final VectorField COSINE =
      new VectorField("cosine", VectorSimilarityFunction.COSINE, false);
  static final VectorField DOT =
      new VectorField("dot", VectorSimilarityFunction.DOT_PRODUCT, false);
  static final VectorField MIP =
      new VectorField("mip", VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, false);
  static final VectorField BYTES =
      new VectorField("bytes", VectorSimilarityFunction.EUCLIDEAN, true);
  static final List<VectorField> ANNOY_FIELDS = List.of(EUCLIDEAN, COSINE, DOT, MIP, BYTES);

  /**
   * A field of another format, shaped like {@link #EUCLIDEAN}: a record renumbered to it passes
   * every check that compares with the field info.
   */
  static final VectorField FOREIGN =
      new VectorField("hnsw", VectorSimilarityFunction.EUCLIDEAN, false);

  private final Directory pristine;
  private final Map<String, Integer> fieldNumbers;

  private CorruptionHarness(Directory pristine, Map<String, Integer> fieldNumbers) {
    this.pristine = pristine;
    this.fieldNumbers = fieldNumbers;
  }

  /** Builds the pristine index from documents generated with {@code docSeed}. */
  static CorruptionHarness build(long docSeed) throws IOException {
    Directory dir = new ByteBuffersDirectory();
    Random random = new Random(docSeed);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(codec())
            .setUseCompoundFile(false)
            // exactly two segments, each file on its own
            .setMergePolicy(NoMergePolicy.INSTANCE)
            .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
            .setRAMBufferSizeMB(256);
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int segment = 0; segment < 2; segment++) {
        for (float[] vector : TestData.clustered(random, DOCS_PER_SEGMENT, DIM, 8, 0.5f)) {
          writer.addDocument(document(vector));
        }
        writer.commit();
      }
    }
    Map<String, Integer> numbers = new HashMap<>();
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      FieldInfos.getMergedFieldInfos(reader).forEach(info -> numbers.put(info.name, info.number));
    }
    return new CorruptionHarness(dir, numbers);
  }

  private static Codec codec() {
    KnnVectorsFormat annoy =
        new AnnoyVectorsFormat(
            TREES, LEAF, BRANCHING, TARGET_RECALL, AnnoyVectorsFormat.DEFAULT_SEED);
    KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat();
    // one instance for all Annoy fields: they share one set of files, suffix AnnoyVectorsFormat_0
    return new AnnoyCodec(field -> field.equals(FOREIGN.name) ? hnsw : annoy);
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
      return new KnnByteVectorField(
          field.name, TestData.toBytes(new float[][] {vector}, 30)[0], field.similarity);
    }
    float[] shaped = TestData.shapeFor(field.similarity, new float[][] {vector.clone()})[0];
    return new KnnFloatVectorField(field.name, shaped, field.similarity);
  }

  @Override
  public void close() throws IOException {
    pristine.close();
  }

  /** The pristine index itself; not to be damaged. */
  Directory pristine() {
    return pristine;
  }

  int fieldNumber(VectorField field) {
    return fieldNumbers.get(field.name);
  }

  // ---------------------------------------------------------------------------------------------
  // files

  /** The file of {@code segment} with {@code extension} written by the Annoy format instance. */
  static String fileOf(String segment, String extension) {
    return segment + "_" + SUFFIX + "." + extension;
  }

  byte[] read(String file) throws IOException {
    return read(pristine, file);
  }

  static byte[] read(Directory dir, String file) throws IOException {
    try (IndexInput in = dir.openInput(file, IOContext.READONCE)) {
      byte[] bytes = new byte[Math.toIntExact(in.length())];
      in.readBytes(bytes, 0, bytes.length);
      return bytes;
    }
  }

  /** A copy of the pristine index with {@code file} replaced by {@code content}. */
  Directory copyWith(Random random, String file, byte[] content) throws IOException {
    return copyWith(random, Map.of(file, content));
  }

  /** A copy of the pristine index with files replaced: name to content. */
  Directory copyWith(Random random, Map<String, byte[]> replacements) throws IOException {
    assertTrue(
        replacements.keySet().toString(),
        Arrays.asList(pristine.listAll()).containsAll(replacements.keySet()));
    // a file system directory, as in production: its read errors name the file
    Path path = LuceneTestCase.createTempDir("annoy-damaged");
    Directory fs = random.nextBoolean() ? new MMapDirectory(path) : new NIOFSDirectory(path);
    MockDirectoryWrapper copy = new MockDirectoryWrapper(random, fs);
    // a damaged index cannot pass CheckIndex: what is checked is that no file was left open
    copy.setCheckIndexOnClose(false);
    for (String name : pristine.listAll()) {
      byte[] content = replacements.get(name);
      if (content != null) {
        try (IndexOutput out = copy.createOutput(name, IOContext.DEFAULT)) {
          out.writeBytes(content, content.length);
        }
      } else {
        copy.copyFrom(pristine, name, name, IOContext.DEFAULT);
      }
    }
    return copy;
  }

  /** Length of the index header of {@code extension}'s files. */
  static int headerLength(String extension) {
    return CodecUtil.indexHeaderLength(codecName(extension), SUFFIX);
  }

  static String codecName(String extension) {
    switch (extension) {
      case "afm":
        return AnnoyVectorsFormat.META_CODEC_NAME;
      case "afi":
        return AnnoyVectorsFormat.INDEX_CODEC_NAME;
      case "vec":
        return "Lucene99FlatVectorsFormatData";
      case "vemf":
        return "Lucene99FlatVectorsFormatMeta";
      default:
        throw new AssertionError(extension);
    }
  }

  /** Where the version is in an index header: after the magic and the codec name. */
  static int versionOffset(String extension) {
    return Integer.BYTES + 1 + codecName(extension).getBytes(StandardCharsets.UTF_8).length;
  }

  static byte[] withoutFooter(byte[] file) {
    return Arrays.copyOf(file, file.length - CodecUtil.footerLength());
  }

  /**
   * {@code body} and the footer CodecUtil would write after it: magic, algorithm 0 and the CRC32 of
   * everything before the checksum, big-endian.
   */
  static byte[] withValidFooter(byte[] body) {
    ByteBuffer file =
        ByteBuffer.allocate(body.length + CodecUtil.footerLength()).order(ByteOrder.BIG_ENDIAN);
    file.put(body).putInt(CodecUtil.FOOTER_MAGIC).putInt(0);
    CRC32 crc = new CRC32();
    crc.update(file.array(), 0, file.position());
    file.putLong(crc.getValue());
    return file.array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  // ---------------------------------------------------------------------------------------------
  // .afm

  /** Segment {@code _0}'s metadata records, as written. */
  List<MetaRecord> metaRecords() throws IOException {
    return MetaRecord.parseAll(read(fileOf(SEGMENT, "afm")), headerLength("afm"));
  }

  /** Segment {@code _0}'s record of {@code field}. */
  MetaRecord metaRecord(VectorField field) throws IOException {
    return record(metaRecords(), field);
  }

  MetaRecord record(List<MetaRecord> records, VectorField field) {
    int number = fieldNumber(field);
    return records.stream().filter(r -> r.number == number).findFirst().orElseThrow();
  }

  /** Segment {@code _0}'s {@code .afm} with its records edited, with a valid checksum. */
  byte[] rewriteMeta(Consumer<List<MetaRecord>> edit) throws IOException {
    byte[] original = read(fileOf(SEGMENT, "afm"));
    int headerLength = headerLength("afm");
    List<MetaRecord> records = MetaRecord.parseAll(original, headerLength);
    edit.accept(records);
    return withValidFooter(
        concat(Arrays.copyOf(original, headerLength), MetaRecord.encodeAll(records)));
  }

  /**
   * One field's record of {@code .afm} as documented on {@link AnnoyVectorsFormat}, held as raw
   * numbers so that any value can be written back, valid or not.
   */
  static final class MetaRecord {
    int number;
    int encoding;
    int similarity;
    int dimension;
    int size;
    int geometry;
    int order;
    int numTrees;
    int branching;
    int maxLeafSize;
    long seed;
    float maxNorm;
    float targetRecall;
    int budget10;
    int budget100;
    long centreOffset;
    int nodeCount;
    long nodesOffset;
    long nodesLength;
    int leafCount;
    long leavesOffset;
    long leavesLength;
    int[] roots;

    /** Coordinates of the mapped space: one more for inner-product geometry. */
    int mappedDimension() {
      return geometry == 2 ? dimension + 1 : dimension;
    }

    /** Longs per code. */
    int words() {
      return (mappedDimension() + 63) / 64;
    }

    /** Bytes of one code: a, s, ε, the count of ones if stored ({@link #countBytes}), the bits. */
    int codeBytes() {
      return 3 * Float.BYTES + countBytes(words()) + words() * Long.BYTES;
    }

    /** Bytes of a leaf entry: its ordinal and its code. */
    int entryBytes() {
      return Integer.BYTES + codeBytes();
    }

    long centreLength() {
      return (long) mappedDimension() * Float.BYTES;
    }

    long leavesEnd() {
      return leavesOffset + leavesLength;
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
      r.geometry = in.readByte();
      r.order = in.readByte();
      r.numTrees = in.readVInt();
      r.branching = in.readVInt();
      r.maxLeafSize = in.readVInt();
      r.seed = in.readLong();
      r.maxNorm = Float.intBitsToFloat(in.readInt());
      r.targetRecall = Float.intBitsToFloat(in.readInt());
      r.budget10 = in.readVInt();
      r.budget100 = in.readVInt();
      r.centreOffset = in.readVLong();
      r.nodeCount = in.readVInt();
      r.nodesOffset = in.readVLong();
      r.nodesLength = in.readVLong();
      r.leafCount = in.readVInt();
      r.leavesOffset = in.readVLong();
      r.leavesLength = in.readVLong();
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
    void write(DataOutput out) throws IOException {
      // not FieldEntry.write: any value is written, and FieldEntry's output is checked against this
      out.writeInt(number);
      out.writeInt(encoding);
      out.writeInt(similarity);
      out.writeVInt(dimension);
      out.writeInt(size);
      out.writeByte((byte) geometry);
      out.writeByte((byte) order);
      out.writeVInt(numTrees);
      out.writeVInt(branching);
      out.writeVInt(maxLeafSize);
      out.writeLong(seed);
      out.writeInt(Float.floatToRawIntBits(maxNorm));
      out.writeInt(Float.floatToRawIntBits(targetRecall));
      out.writeVInt(budget10);
      out.writeVInt(budget100);
      out.writeVLong(centreOffset);
      out.writeVInt(nodeCount);
      out.writeVLong(nodesOffset);
      out.writeVLong(nodesLength);
      out.writeVInt(leafCount);
      out.writeVLong(leavesOffset);
      out.writeVLong(leavesLength);
      for (int root : roots) {
        out.writeInt(root);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // .afi

  /** Segment {@code _0}'s {@code .afi} without its footer, little-endian, to edit in place. */
  ByteBuffer dataBody() throws IOException {
    return ByteBuffer.wrap(withoutFooter(read(fileOf(SEGMENT, "afi"))))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Segment {@code _0}'s {@code .afi} with {@code field}'s forest edited, with a valid checksum.
   */
  byte[] rewriteForest(VectorField field, Consumer<ForestModel> edit) throws IOException {
    ByteBuffer data = dataBody();
    edit.accept(new ForestModel(metaRecord(field), data));
    return withValidFooter(data.array());
  }

  /** An inner node's record: where it is and where each of its values is. */
  record NodeAt(int position, int offset, int count, int words) {
    int refOffset(int child) {
      return offset + Integer.BYTES * (1 + child);
    }

    int sizeOffset(int child) {
      return offset + Integer.BYTES * (1 + count + child);
    }

    int firstEntryOffset(int child) {
      return offset + Integer.BYTES * (1 + 2 * count + child);
    }

    int distanceOffset(int i, int j) {
      return offset + Integer.BYTES * (1 + 3 * count) + Float.BYTES * (i * count + j);
    }

    /**
     * The children's codes: {@code count} floats each of a, s and ε, ints of ones if stored, then
     * the bits.
     */
    int codesOffset() {
      return offset + Integer.BYTES * (1 + 3 * count) + Float.BYTES * count * count;
    }

    int bytes() {
      return Integer.BYTES * (1 + 3 * count)
          + Float.BYTES * count * count
          + count * (3 * Float.BYTES + countBytes(words) + words * Long.BYTES);
    }
  }

  /**
   * Bytes of a code's count of ones: stored for codes of more than 4 longs only (format version 5);
   * the harness's fields (16 and 17 dimensions) have one-long codes, so none.
   */
  static int countBytes(int words) {
    return words > 4 ? Integer.BYTES : 0;
  }

  /** A leaf as its parent names it, and where it is. */
  record LeafAt(
      int number, int size, int firstEntry, int offset, NodeAt parent, int child, int dimension) {
    int ordOffset(int entry) {
      return offset + Float.BYTES * dimension + Integer.BYTES * entry;
    }

    /** Its codes: {@code size} floats each of a, s and ε, ints of ones if stored, then the bits. */
    int codesOffset() {
      return offset + Float.BYTES * dimension + Integer.BYTES * size;
    }

    /** The bits of its codes of {@code words} longs each. */
    int bitsOffset(int words) {
      return codesOffset() + (3 * Float.BYTES + countBytes(words)) * size;
    }
  }

  /** One field's forest in the data file, walked record by record as the javadoc lays it out. */
  static final class ForestModel {
    final MetaRecord record;
    final ByteBuffer data;
    final List<NodeAt> nodes = new ArrayList<>();

    /** In the order of their numbers. */
    final List<LeafAt> leaves = new ArrayList<>();

    ForestModel(MetaRecord record, ByteBuffer data) {
      this.record = record;
      this.data = data;
      int words = record.words();
      int start = Math.toIntExact(record.nodesOffset);
      for (int position = 0; position < record.nodesLength; ) {
        NodeAt node = new NodeAt(position, start + position, data.getInt(start + position), words);
        nodes.add(node);
        position += node.bytes();
      }
      for (NodeAt node : nodes) {
        for (int c = 0; c < node.count(); c++) {
          int ref = data.getInt(node.refOffset(c));
          if (NodeRefs.isLeaf(ref)) {
            int number = NodeRefs.leafNumber(ref);
            int size = data.getInt(node.sizeOffset(c));
            int firstEntry = data.getInt(node.firstEntryOffset(c));
            long offset =
                record.leavesOffset
                    + (long) Float.BYTES * record.mappedDimension() * number
                    + (long) record.entryBytes() * firstEntry;
            leaves.add(
                new LeafAt(
                    number,
                    size,
                    firstEntry,
                    Math.toIntExact(offset),
                    node,
                    c,
                    record.mappedDimension()));
          }
        }
      }
      leaves.sort(Comparator.comparingInt(LeafAt::number));
    }

    int getInt(int offset) {
      return data.getInt(offset);
    }

    void putInt(int offset, int value) {
      data.putInt(offset, value);
    }

    void putFloat(int offset, float value) {
      data.putFloat(offset, value);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // opening and searching

  /**
   * Opens {@code damaged}, expects that to fail and returns the exception; closes {@code damaged}.
   */
  static IOException expectOpenFails(Directory damaged, String what) throws IOException {
    try (Directory dir = damaged) {
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        throw new AssertionError(what + ": opened " + reader.leaves().size() + " segments");
      } catch (IOException e) {
        return e;
      }
    }
  }

  /**
   * The exception is a CorruptIndexException whose message holds every fragment and names the file.
   */
  static void assertCorrupt(Throwable e, String file, String... fragments) {
    if (e instanceof CorruptIndexException == false) {
      throw new AssertionError("expected a CorruptIndexException naming " + file + ", got " + e, e);
    }
    for (String fragment : fragments) {
      if (e.getMessage().contains(fragment) == false) {
        throw new AssertionError("expected <" + fragment + "> in: " + e.getMessage(), e);
      }
    }
    assertNamesFile(e, file);
  }

  /**
   * The exception's message, or one of its causes', names the file. (Lucene wraps the EOFException
   * of a read past the end in a CorruptIndexException naming the directory; the cause names the
   * file.)
   */
  static void assertNamesFile(Throwable e, String file) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains(file)) {
        return;
      }
    }
    throw new AssertionError("expected the message to name " + file + ": " + e, e);
  }

  static LeafReader leaf(DirectoryReader reader, String segmentName) {
    for (LeafReaderContext leaf : reader.leaves()) {
      if (((SegmentReader) leaf.reader()).getSegmentName().equals(segmentName)) {
        return leaf.reader();
      }
    }
    throw new AssertionError("no segment " + segmentName);
  }

  /** A query near the data, searched with the harness's small per-query budget. */
  static TopDocs search(LeafReader reader, VectorField field, Random random) throws IOException {
    return search(reader, field, random, CANDIDATES_PER_HIT);
  }

  /**
   * A query near the data, with a budget just short of every entry of every tree (which would score
   * every vector exactly instead): the search reads many leaves, whichever order the segment
   * calibrated, until it stops early.
   */
  static TopDocs searchManyLeaves(LeafReader reader, VectorField field, Random random)
      throws IOException {
    return search(reader, field, random, (DOCS_PER_SEGMENT * TREES - 1) / K);
  }

  private static TopDocs search(
      LeafReader reader, VectorField field, Random random, int candidatesPerHit)
      throws IOException {
    float[] query =
        TestData.shapeFor(field.similarity, TestData.clustered(random, 1, DIM, 1, 0.5f))[0];
    TopKnnCollector top = new TopKnnCollector(K, Integer.MAX_VALUE);
    BudgetedKnnCollector collector = new BudgetedKnnCollector(top, candidatesPerHit);
    if (field.bytes) {
      LuceneLine.searchNearest(
          reader, field.name, TestData.toBytes(new float[][] {query}, 30)[0], collector);
    } else {
      LuceneLine.searchNearest(reader, field.name, query, collector);
    }
    return top.topDocs();
  }

  /** At most K distinct documents of the segment, best first. */
  static void assertValidHits(TopDocs hits, int maxDoc) {
    assertTrue(hits.scoreDocs.length <= K);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < hits.scoreDocs.length; i++) {
      ScoreDoc hit = hits.scoreDocs[i];
      assertTrue("doc " + hit.doc + " of " + maxDoc, hit.doc >= 0 && hit.doc < maxDoc);
      assertTrue("doc " + hit.doc + " returned twice", seen.add(hit.doc));
      if (i > 0) {
        assertTrue("hits out of order", hits.scoreDocs[i - 1].score >= hit.score);
      }
    }
  }

  /** Every field of {@code segment} answers K valid hits: the damage did not spread to it. */
  static void assertHealthy(LeafReader segment, List<VectorField> fields, Random random)
      throws IOException {
    for (VectorField field : fields) {
      TopDocs hits = search(segment, field, random);
      assertValidHits(hits, segment.maxDoc());
      assertEquals(field.name, K, hits.scoreDocs.length);
    }
  }
}
