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

import static io.github.luceneannoy.codec.CorruptionHarness.ANNOY_FIELDS;
import static io.github.luceneannoy.codec.CorruptionHarness.COSINE;
import static io.github.luceneannoy.codec.CorruptionHarness.DOCS_PER_SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.EUCLIDEAN;
import static io.github.luceneannoy.codec.CorruptionHarness.FOREIGN;
import static io.github.luceneannoy.codec.CorruptionHarness.MIP;
import static io.github.luceneannoy.codec.CorruptionHarness.SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.assertCorrupt;
import static io.github.luceneannoy.codec.CorruptionHarness.assertHealthy;
import static io.github.luceneannoy.codec.CorruptionHarness.assertNamesFile;
import static io.github.luceneannoy.codec.CorruptionHarness.assertValidHits;
import static io.github.luceneannoy.codec.CorruptionHarness.expectOpenFails;
import static io.github.luceneannoy.codec.CorruptionHarness.fileOf;
import static io.github.luceneannoy.codec.CorruptionHarness.leaf;
import static io.github.luceneannoy.codec.CorruptionHarness.search;

import io.github.luceneannoy.codec.CorruptionHarness.MetaRecord;
import io.github.luceneannoy.codec.CorruptionHarness.VectorField;
import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.LeafTraversal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.store.Directory;

/**
 * Inconsistent metadata ({@code .afm} records, and the versions in both files' headers) with a
 * valid checksum is refused when the segment is opened, by the format's own checks: with a {@link
 * org.apache.lucene.index.CorruptIndexException} that names the file, the field and the problem, or
 * for an unsupported version with IndexFormatTooOld/NewException. Each case rewrites values of
 * segment {@code _0}'s records; the layout is the one documented on {@link AnnoyVectorsFormat}.
 */
public class TestCorruptMetadata extends CorruptionTestCase {
  private static final String META = fileOf(SEGMENT, "afm");
  private static final String DATA = fileOf(SEGMENT, "afi");

  /** The test's reading of the layout: what the writer wrote, value for value, and back. */
  public void testRecordsParseAsDocumented() throws IOException {
    byte[] original = harness.read(META);
    List<MetaRecord> records = harness.metaRecords();
    assertEquals(ANNOY_FIELDS.size(), records.size());
    int headerLength = CorruptionHarness.headerLength("afm");
    byte[] body =
        CorruptionHarness.concat(
            Arrays.copyOf(original, headerLength), MetaRecord.encodeAll(records));
    assertArrayEquals(original, CorruptionHarness.withValidFooter(body));

    long dataLength = harness.read(DATA).length - CodecUtil.footerLength();
    long end = CorruptionHarness.headerLength("afi");
    records.sort((a, b) -> Long.compare(a.centreOffset, b.centreOffset));
    for (MetaRecord r : records) {
      VectorField field =
          ANNOY_FIELDS.stream()
              .filter(f -> harness.fieldNumber(f) == r.number)
              .findFirst()
              .orElseThrow();
      String what = field.name();
      assertEquals(what, field.bytes() ? 0 : 1, r.encoding);
      assertEquals(what, FieldEntry.similarityId(field.similarity()), r.similarity);
      assertEquals(what, CorruptionHarness.DIM, r.dimension);
      assertEquals(what, DOCS_PER_SEGMENT, r.size);
      assertEquals(what, FieldEntry.geometryFor(field.similarity()).id(), r.geometry);
      assertEquals(what, CorruptionHarness.TREES, r.numTrees);
      assertEquals(what, CorruptionHarness.BRANCHING, r.branching);
      assertEquals(what, CorruptionHarness.LEAF, r.maxLeafSize);
      assertEquals(what, AnnoyVectorsFormat.DEFAULT_SEED, r.seed);
      assertEquals(what, CorruptionHarness.TARGET_RECALL, r.targetRecall, 0f);
      if (r.geometry == Geometry.INNER_PRODUCT.id()) {
        assertTrue(what + ": " + r.maxNorm, r.maxNorm > 0);
      } else {
        assertEquals(what, 0f, r.maxNorm, 0f);
      }
      assertTrue(
          what + ": " + r.budget10 + ", " + r.budget100,
          1 <= r.budget10 && r.budget10 <= r.budget100);
      // the sections follow each other, the centre aligned to 4 bytes
      assertEquals(what, 0, r.centreOffset % Float.BYTES);
      assertTrue(what, r.centreOffset >= end && r.centreOffset < end + Float.BYTES);
      assertEquals(what, r.centreOffset + r.centreLength(), r.nodesOffset);
      assertEquals(what, r.nodesOffset + r.nodesLength, r.leavesOffset);
      assertEquals(
          what,
          (long) r.leafCount * r.mappedDimension() * Float.BYTES
              + (long) r.numTrees * r.size * r.entryBytes(),
          r.leavesLength);
      assertEquals(what, 0, r.roots[0]);
      for (int t = 1; t < r.numTrees; t++) {
        assertTrue(what, r.roots[t] > r.roots[t - 1]);
      }
      end = r.leavesEnd();
    }
    assertEquals("the last section ends at the footer", dataLength, end);
  }

  /**
   * Versions 0 and 1 (the sketch forests) and 2 (codes one after the other) are too old, the next
   * one too new, in either file.
   */
  public void testUnsupportedVersionsAreRefused() throws IOException {
    for (String extension : List.of("afm", "afi")) {
      String file = fileOf(SEGMENT, extension);
      for (int version : new int[] {0, 1, 2, AnnoyVectorsFormat.VERSION_CURRENT + 1}) {
        byte[] body = CorruptionHarness.withoutFooter(harness.read(file));
        ByteBuffer.wrap(body)
            .putInt(CorruptionHarness.versionOffset(extension), version); // big-endian
        IOException e =
            expectOpenFails(
                harness.copyWith(random(), file, CorruptionHarness.withValidFooter(body)),
                file + " v" + version);
        Class<? extends IOException> expected =
            version < AnnoyVectorsFormat.VERSION_START
                ? IndexFormatTooOldException.class
                : IndexFormatTooNewException.class;
        assertEquals(file + " v" + version + ": " + e, expected, e.getClass());
        assertNamesFile(e, file);
      }
    }
  }

  public void testInvalidIdsAndMismatchesWithTheFieldInfoAreRefused() throws IOException {
    assertRecordRejected(r -> r.encoding = 0, "encoding BYTE != field info's FLOAT32");
    assertRecordRejected(r -> r.encoding = -3, "invalid vector encoding id -3");
    assertRecordRejected(r -> r.similarity = 0, "similarity EUCLIDEAN != field info's COSINE");
    assertRecordRejected(r -> r.similarity = 9, "invalid similarity id 9");
    assertRecordRejected(r -> r.dimension++, "dimension 17 != field info's 16");
    assertRecordRejected(
        r -> r.geometry = Geometry.EUCLIDEAN.id(), "geometry 0 does not match similarity COSINE");
    assertRecordRejected(r -> r.geometry = 7, "geometry 7 does not match similarity COSINE");
    assertRecordRejected(r -> r.order = 2, "invalid leaf order 2");
    assertRecordRejected(r -> r.order = -1, "invalid leaf order -1");
    // the inner-product field's geometry is checked too
    assertRecordRejected(
        MIP,
        r -> r.geometry = Geometry.ANGULAR.id(),
        "geometry 1 does not match similarity MAXIMUM_INNER_PRODUCT");
  }

  public void testInvalidParametersAreRefused() throws IOException {
    assertRecordRejected(
        r -> r.numTrees = AnnoyVectorsFormat.MAXIMUM_NUM_TREES + 1, "invalid number of trees 65");
    assertRecordRejected(
        r -> {
          r.numTrees = 0;
          r.roots = new int[0];
        },
        DOCS_PER_SEGMENT + " vectors but no trees");
    assertRecordRejected(r -> r.branching = 1, "invalid branching 1");
    assertRecordRejected(
        r -> r.branching = AnnoyVectorsFormat.MAXIMUM_BRANCHING + 1, "invalid branching 257");
    assertRecordRejected(r -> r.maxLeafSize = 0, "invalid max leaf size 0");
    assertRecordRejected(
        r -> r.maxLeafSize = AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE + 1,
        "invalid max leaf size 65537");
    assertRecordRejected(MIP, r -> r.maxNorm = Float.NaN, "invalid largest norm NaN");
    assertRecordRejected(
        MIP, r -> r.maxNorm = Float.POSITIVE_INFINITY, "invalid largest norm Infinity");
    assertRecordRejected(r -> r.maxNorm = -1, "invalid largest norm -1.0");
    assertRecordRejected(r -> r.targetRecall = 0, "invalid target recall 0.0");
    assertRecordRejected(r -> r.targetRecall = 1.5f, "invalid target recall 1.5");
    assertRecordRejected(r -> r.targetRecall = Float.NaN, "invalid target recall NaN");
  }

  public void testInvalidBudgetsAreRefused() throws IOException {
    assertRecordRejected(r -> r.budget10 = 0, "invalid budgets 0 and");
    assertRecordRejected(r -> r.budget100 = r.budget10 - 1, "invalid budgets");
  }

  public void testInvalidCountsAreRefused() throws IOException {
    assertRecordRejected(r -> r.size = -1, "negative vector count -1");
    // a count the flat format contradicts, with a leaf section sized for it
    assertRecordRejected(
        r -> {
          r.size++;
          r.leavesLength += (long) r.numTrees * r.entryBytes();
        },
        "forest over "
            + (DOCS_PER_SEGMENT + 1)
            + " vectors but the flat format holds "
            + DOCS_PER_SEGMENT);
    // one tree more than there are roots: the rest of the file is misread
    assertMetaRejected(records -> harness.record(records, COSINE).numTrees++, "field \"cosine\"");
    assertRecordRejected(r -> r.nodeCount = r.numTrees - 1, "invalid node count");
    assertRecordRejected(r -> r.leafCount = -1, "leaf count -1");
    assertRecordRejected(r -> r.leafCount++, "leaf section of");
    // more inner nodes than the node section can hold
    assertRecordRejected(r -> r.nodeCount = (int) r.nodesLength, "node count");
  }

  /**
   * A node count within the section's bounds but not the trees' own: opening cannot tell without
   * reading every record, but the statistics walk, which does, refuses to report it; searches
   * answer validly or refuse.
   */
  public void testNodeCountDisagreeingWithTheTreesFailsOnWalk() throws IOException {
    for (int delta : new int[] {-1, 1}) {
      byte[] meta =
          harness.rewriteMeta(records -> harness.record(records, COSINE).nodeCount += delta);
      try (Directory dir = harness.copyWith(random(), META, meta);
          DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader segment = leaf(reader, SEGMENT);
        IOException e =
            expectThrows(IOException.class, () -> ForestStatistics.read(segment, COSINE.name()));
        // one node fewer: the walk reads more nodes than the field has
        assertCorrupt(e, DATA, delta < 0 ? "forest is not a set of trees" : "inner nodes");
        for (int q = 0; q < 3; q++) {
          try {
            assertValidHits(search(segment, COSINE, random()), segment.maxDoc());
          } catch (CorruptIndexException refused) {
            assertCorrupt(refused, DATA, "forest is not a set of trees");
          }
        }
      }
    }
  }

  public void testSectionsOutOfRangeAreRefused() throws IOException {
    assertRecordRejected(r -> r.centreOffset += 1L << 40, "centre section");
    assertRecordRejected(r -> r.nodesOffset += 1L << 40, "node section");
    assertRecordRejected(r -> r.nodesLength += 1L << 40, "node section");
    assertRecordRejected(r -> r.leavesOffset += 1L << 40, "leaf section");
    assertRecordRejected(r -> r.leavesLength += 1, "leaf section");
    assertRecordRejected(r -> r.leavesLength -= r.entryBytes(), "leaf section");
    // the last field's sections run into the footer
    assertMetaRejected(records -> lastInData(records).leavesLength += Float.BYTES, "leaf section");
  }

  /**
   * Offsets that stay inside the file but point elsewhere would make a search read one section as
   * another: each section must start where the previous one ends.
   */
  public void testMisplacedSectionsAreRefused() throws IOException {
    String misplaced = "do not follow each other";
    assertRecordRejected(r -> r.centreOffset += Float.BYTES, misplaced);
    assertRecordRejected(r -> r.centreOffset -= Float.BYTES, misplaced);
    assertRecordRejected(r -> r.centreOffset += 1, "not aligned");
    assertRecordRejected(r -> r.nodesOffset += Integer.BYTES, misplaced);
    assertRecordRejected(r -> r.leavesOffset += r.entryBytes(), misplaced);
    assertRecordRejected(r -> r.leavesOffset -= r.entryBytes(), misplaced);
    // a whole field's sections moved by a few floats
    assertRecordRejected(
        r -> {
          r.centreOffset += Float.BYTES;
          r.nodesOffset += Float.BYTES;
          r.leavesOffset += Float.BYTES;
        },
        "does not follow the previous section");
    // two fields claiming the same forest
    assertMetaRejected(
        records -> {
          MetaRecord euclidean = harness.record(records, EUCLIDEAN);
          MetaRecord cosine = harness.record(records, COSINE);
          cosine.centreOffset = euclidean.centreOffset;
          cosine.nodesOffset = euclidean.nodesOffset;
          cosine.nodesLength = euclidean.nodesLength;
          cosine.nodeCount = euclidean.nodeCount;
          cosine.leavesOffset = euclidean.leavesOffset;
          cosine.leavesLength = euclidean.leavesLength;
          cosine.leafCount = euclidean.leafCount;
          cosine.roots = euclidean.roots.clone();
        },
        "section");
  }

  public void testInvalidRootsAreRefused() throws IOException {
    assertRecordRejected(r -> r.roots[0] = -1, "invalid root reference -1");
    assertRecordRejected(
        r -> r.roots[r.numTrees - 1] = (int) r.nodesLength, "invalid root reference");
    // the first tree's root is the section's first record, and trees follow each other
    assertRecordRejected(r -> r.roots[0] = r.roots[1], "root");
    assertRecordRejected(r -> r.roots[1] = r.roots[0], "root");
  }

  /** Records whose number names no field, a field of another format, or a field read before. */
  public void testRecordForWrongFieldIsRefused() throws IOException {
    int past = 100;
    assertMetaRejected(
        records -> harness.record(records, COSINE).number = past,
        "invalid vector field number " + past);
    // FieldInfos throws IllegalArgumentException for a negative number: must not escape
    assertMetaRejected(
        records -> harness.record(records, COSINE).number = -5, "invalid vector field number -5");
    assertMetaRejected(
        records -> records.add(harness.record(records, COSINE)), "duplicate field \"cosine\"");
    // a field of another format has no flat vectors in this format's files
    int foreign = harness.fieldNumber(FOREIGN);
    assertMetaRejected(
        records -> harness.record(records, EUCLIDEAN).number = foreign,
        "field \"" + FOREIGN.name() + "\"",
        "has no vectors in this format's flat files");
  }

  /** Damage after the records: bytes after the end marker, or no end marker. */
  public void testDamageAfterTheRecordsIsRefused() throws IOException {
    byte[] original = harness.read(META);
    byte[] body = CorruptionHarness.withoutFooter(original);
    byte[] extended = CorruptionHarness.concat(body, new byte[] {0, 0, 0, 0});
    assertCorrupt(
        expectOpenFails(
            harness.copyWith(random(), META, CorruptionHarness.withValidFooter(extended)),
            "extra bytes"),
        META);
    byte[] unterminated = Arrays.copyOf(body, body.length - Integer.BYTES);
    assertCorrupt(
        expectOpenFails(
            harness.copyWith(random(), META, CorruptionHarness.withValidFooter(unterminated)),
            "no end marker"),
        META);
  }

  /**
   * A field's record is missing: the field's sections are then a gap in the data file, which
   * opening finds, whichever record it is (a search would otherwise have no forest to read).
   */
  public void testMissingRecordIsRefused() throws IOException {
    for (VectorField field : ANNOY_FIELDS) {
      assertMetaRejected(records -> records.remove(harness.record(records, field)), "section");
    }
  }

  /** Values that only tune searches may change: the segment still answers from the forest. */
  public void testTuningValuesMayChange() throws IOException {
    byte[] meta =
        harness.rewriteMeta(
            records -> {
              MetaRecord r = harness.record(records, COSINE);
              r.order =
                  r.order == LeafTraversal.Order.BOUND.id()
                      ? LeafTraversal.Order.CENTROID.id()
                      : LeafTraversal.Order.BOUND.id();
              r.budget10 = 1;
              r.budget100 = Integer.MAX_VALUE;
              r.targetRecall = 1;
            });
    try (Directory dir = harness.copyWith(random(), META, meta);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      assertHealthy(leaf(reader, SEGMENT), ANNOY_FIELDS, random());
      ForestStatistics stats =
          ForestStatistics.read(leaf(reader, SEGMENT), COSINE.name()).orElseThrow();
      assertEquals(1, stats.budget10());
      assertEquals(Integer.MAX_VALUE, stats.budget100());
    }
  }

  private static MetaRecord lastInData(List<MetaRecord> records) {
    return records.stream()
        .max((a, b) -> Long.compare(a.leavesOffset, b.leavesOffset))
        .orElseThrow();
  }

  private void assertRecordRejected(Consumer<MetaRecord> edit, String problem) throws IOException {
    assertRecordRejected(COSINE, edit, problem);
  }

  /**
   * The edited record of {@code field} is refused with a message naming the field and the problem.
   */
  private void assertRecordRejected(VectorField field, Consumer<MetaRecord> edit, String problem)
      throws IOException {
    // a message naming the problem but not the field would not say where to look
    assertMetaRejected(
        records -> edit.accept(harness.record(records, field)),
        "field \"" + field.name() + "\"",
        problem);
  }

  private void assertMetaRejected(Consumer<List<MetaRecord>> edit, String... expected)
      throws IOException {
    String what = Arrays.toString(expected);
    IOException e =
        expectOpenFails(harness.copyWith(random(), META, harness.rewriteMeta(edit)), what);
    if (VERBOSE) {
      System.out.println(what + " -> " + e);
    }
    // the checksum is valid, so the format's own check must be the one reported
    assertCorrupt(e, META, expected);
  }
}
