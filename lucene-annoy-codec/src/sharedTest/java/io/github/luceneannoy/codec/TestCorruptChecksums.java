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
import static io.github.luceneannoy.codec.CorruptionHarness.DOCS_PER_SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.EXTENSIONS;
import static io.github.luceneannoy.codec.CorruptionHarness.K;
import static io.github.luceneannoy.codec.CorruptionHarness.OTHER_SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.assertCorrupt;
import static io.github.luceneannoy.codec.CorruptionHarness.assertHealthy;
import static io.github.luceneannoy.codec.CorruptionHarness.assertNamesFile;
import static io.github.luceneannoy.codec.CorruptionHarness.assertValidHits;
import static io.github.luceneannoy.codec.CorruptionHarness.expectOpenFails;
import static io.github.luceneannoy.codec.CorruptionHarness.fileOf;
import static io.github.luceneannoy.codec.CorruptionHarness.headerLength;
import static io.github.luceneannoy.codec.CorruptionHarness.leaf;
import static io.github.luceneannoy.codec.CorruptionHarness.search;

import com.carrotsearch.randomizedtesting.annotations.Timeout;
import io.github.luceneannoy.codec.CorruptionHarness.ForestModel;
import io.github.luceneannoy.codec.CorruptionHarness.LeafAt;
import io.github.luceneannoy.codec.CorruptionHarness.NodeAt;
import io.github.luceneannoy.codec.CorruptionHarness.VectorField;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.VectorUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;

/**
 * Physical damage (a flipped byte, a truncated file, the file of another segment or index) to any
 * file of an Annoy segment is caught: when opening (headers, lengths, and the checksum of the
 * metadata files, which are read whole) or else by {@code checkIntegrity} (the data files'
 * checksums, which Lucene verifies at merge and in CheckIndex rather than at every open). Either
 * way as a {@link CorruptIndexException} (or IndexFormatToo*Exception for a damaged version) naming
 * the file; and any search run on a damaged segment that opened fails the same way or returns valid
 * documents.
 */
@Timeout(millis = 300_000) // a search over a damaged forest must never hang
public class TestCorruptChecksums extends LuceneTestCase {
  /** Metadata files are read whole through a checksumming input at open: no flip survives open. */
  private static final Set<String> READ_WHOLE_AT_OPEN = Set.of("afm", "vemf");

  private static CorruptionHarness harness;

  /** The same documents indexed again: same file names and lengths, other segment ids. */
  private static CorruptionHarness twin;

  @BeforeClass
  public static void buildIndexes() throws IOException {
    long docSeed = random().nextLong();
    harness = CorruptionHarness.build(docSeed);
    twin = CorruptionHarness.build(docSeed);
  }

  @AfterClass
  public static void closeIndexes() throws IOException {
    harness.close();
    twin.close();
    harness = null;
    twin = null;
  }

  /** The harness's index is sound, and its searches go through the forest, not an exact scan. */
  public void testPristineIndexIsHealthyAndSearchedThroughTheForest() throws IOException {
    Directory dir = harness.pristine();
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      assertEquals(2, reader.leaves().size());
      for (LeafReaderContext leaf : reader.leaves()) {
        ((SegmentReader) leaf.reader()).checkIntegrity();
        for (VectorField field : ANNOY_FIELDS) {
          TopDocs hits = search(leaf.reader(), field, random());
          assertValidHits(hits, leaf.reader().maxDoc());
          assertEquals(K, hits.scoreDocs.length);
          // the vectors scored exactly: far fewer than the segment's
          assertTrue(
              field.name() + ": " + hits.totalHits,
              LuceneLine.count(hits.totalHits) < DOCS_PER_SEGMENT / 2);
        }
      }
    }
    TestUtil.checkIndex(dir);
  }

  /** The footer the harness writes after a rewrite is Lucene's footer, byte for byte. */
  public void testFooterHelperMatchesCodecUtil() throws IOException {
    for (String extension : EXTENSIONS) {
      byte[] original = harness.read(fileOf(SEGMENT, extension));
      assertArrayEquals(
          extension,
          original,
          CorruptionHarness.withValidFooter(CorruptionHarness.withoutFooter(original)));
    }
  }

  public void testFlippedBytesAreDetected() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      byte[] original = harness.read(file);
      for (int position : flipPositions(original.length, headerLength(extension))) {
        byte[] damaged = original.clone();
        damaged[position] ^= (byte) (1 + random().nextInt(255));
        assertFlipDetected(
            harness.copyWith(random(), file, damaged),
            file,
            READ_WHOLE_AT_OPEN.contains(extension));
      }
    }
  }

  /**
   * Flips in every part of the forest (centre, node records, leaf centroids, ordinals and codes)
   * are caught by the data file's checksum, whatever they do to the structure.
   */
  public void testFlipsInEachForestSectionAreDetected() throws IOException {
    String file = fileOf(SEGMENT, "afi");
    byte[] original = harness.read(file);
    for (VectorField field : ANNOY_FIELDS) {
      ForestModel forest = new ForestModel(harness.metaRecord(field), harness.dataBody());
      NodeAt node = forest.nodes.get(random().nextInt(forest.nodes.size()));
      LeafAt leaf = forest.leaves.get(random().nextInt(forest.leaves.size()));
      int[] positions = {
        Math.toIntExact(forest.record.centreOffset)
            + random().nextInt(Math.toIntExact(forest.record.centreLength())),
        node.offset() + random().nextInt(node.bytes()),
        node.codesOffset() + random().nextInt(node.offset() + node.bytes() - node.codesOffset()),
        leaf.offset() + random().nextInt(leaf.ordOffset(0) - leaf.offset()),
        leaf.ordOffset(random().nextInt(leaf.size())),
        leaf.codesOffset() + random().nextInt(leaf.size() * forest.record.codeBytes()),
      };
      for (int position : positions) {
        byte[] damaged = original.clone();
        damaged[position] ^= (byte) (1 + random().nextInt(255));
        assertFlipDetected(harness.copyWith(random(), file, damaged), file, false);
      }
    }
  }

  public void testTruncatedFilesFailToOpen() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      byte[] original = harness.read(file);
      for (int length : truncatedLengths(original.length, headerLength(extension))) {
        String what = file + " truncated to " + length;
        IOException e =
            expectOpenFails(
                harness.copyWith(random(), file, Arrays.copyOf(original, length)), what);
        assertCorrupt(e, file);
      }
    }
  }

  /** Bytes appended to a file move its footer: caught at open, as is a file cut short. */
  public void testExtendedFilesFailToOpen() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      byte[] original = harness.read(file);
      byte[] longer = Arrays.copyOf(original, original.length + 1 + random().nextInt(64));
      IOException e = expectOpenFails(harness.copyWith(random(), file, longer), file + " extended");
      assertCorrupt(e, file);
    }
  }

  public void testFileOfAnotherSegmentFailsToOpen() throws IOException {
    for (String extension : EXTENSIONS) {
      assertSwapRejected(
          fileOf(SEGMENT, extension), harness.read(fileOf(OTHER_SEGMENT, extension)));
    }
  }

  public void testFileOfAnotherIndexFailsToOpen() throws IOException {
    for (String extension : EXTENSIONS) {
      String file = fileOf(SEGMENT, extension);
      byte[] twinBytes = twin.read(file);
      // same documents, same settings: only the segment id in the header tells them apart
      assertEquals(file, harness.read(file).length, twinBytes.length);
      assertSwapRejected(file, twinBytes);
    }
  }

  /**
   * CheckIndex, which verifies every checksum, reports a segment whose forest bytes are damaged.
   */
  public void testCheckIndexReportsDamagedForest() throws IOException {
    String file = fileOf(SEGMENT, "afi");
    byte[] damaged = harness.read(file);
    ForestModel forest =
        new ForestModel(harness.metaRecord(CorruptionHarness.EUCLIDEAN), harness.dataBody());
    LeafAt leaf = forest.leaves.get(random().nextInt(forest.leaves.size()));
    // a code's bits: no structure check can see this, only the checksum
    int bits = leaf.bitsOffset(forest.record.words());
    damaged[bits + random().nextInt(leaf.size() * forest.record.words() * Long.BYTES)] ^= 0x10;
    try (Directory dir = harness.copyWith(random(), file, damaged)) {
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader segment = leaf(reader, SEGMENT);
        CorruptIndexException e =
            expectThrows(CorruptIndexException.class, ((SegmentReader) segment)::checkIntegrity);
        assertCorrupt(e, file, "checksum failed");
        // the other segment is sound
        ((SegmentReader) leaf(reader, OTHER_SEGMENT)).checkIntegrity();
        assertHealthy(leaf(reader, OTHER_SEGMENT), ANNOY_FIELDS, random());
      }
      try (CheckIndex checker = new CheckIndex(dir)) {
        checker.setInfoStream(VERBOSE ? System.out : null);
        CheckIndex.Status status = checker.checkIndex();
        assertFalse("CheckIndex found the damaged index clean", status.clean);
        assertEquals(1, status.numBadSegments);
      }
    }
  }

  private void assertSwapRejected(String file, byte[] foreign) throws IOException {
    IOException e = expectOpenFails(harness.copyWith(random(), file, foreign), file + " swapped");
    assertCorrupt(e, file, "file mismatch");
  }

  /**
   * A copy with one flipped byte either fails to open naming the file, or opens, answers every
   * search with a corruption error naming the file or with valid documents, and then fails its
   * integrity check naming the file.
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
        SegmentReader segment = (SegmentReader) leaf(reader, SEGMENT);
        searchEveryField(segment, file);
        CorruptIndexException e =
            expectThrows(CorruptIndexException.class, segment::checkIntegrity);
        assertNamesFile(e, file);
        // the damage stays in its segment
        assertHealthy(leaf(reader, OTHER_SEGMENT), ANNOY_FIELDS, random());
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

  /** The header's first and last bytes, the first body byte, the footer's, and random positions. */
  private static Set<Integer> flipPositions(int length, int headerLength) {
    Set<Integer> positions =
        new TreeSet<>(
            List.of(0, headerLength - 1, headerLength, length - 16, length - 9, length - 1));
    int random = atLeast(10);
    for (int i = 0; i < random; i++) {
      positions.add(random().nextInt(length));
    }
    return positions;
  }

  /** Nothing, a partial header, a header alone, a partial or no footer, and random lengths. */
  private static Set<Integer> truncatedLengths(int length, int headerLength) {
    Set<Integer> lengths =
        new TreeSet<>(
            List.of(0, 1, headerLength - 1, headerLength, length - 17, length - 16, length - 1));
    int random = atLeast(4);
    for (int i = 0; i < random; i++) {
      lengths.add(random().nextInt(length));
    }
    return lengths;
  }
}
