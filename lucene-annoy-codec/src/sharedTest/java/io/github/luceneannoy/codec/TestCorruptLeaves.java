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
import static io.github.luceneannoy.codec.CorruptionHarness.EUCLIDEAN;
import static io.github.luceneannoy.codec.CorruptionHarness.LEAF;
import static io.github.luceneannoy.codec.CorruptionHarness.MIP;
import static io.github.luceneannoy.codec.CorruptionHarness.OTHER_SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.assertCorrupt;
import static io.github.luceneannoy.codec.CorruptionHarness.assertHealthy;
import static io.github.luceneannoy.codec.CorruptionHarness.assertNamesFile;
import static io.github.luceneannoy.codec.CorruptionHarness.assertValidHits;
import static io.github.luceneannoy.codec.CorruptionHarness.expectOpenFails;
import static io.github.luceneannoy.codec.CorruptionHarness.fileOf;
import static io.github.luceneannoy.codec.CorruptionHarness.leaf;
import static io.github.luceneannoy.codec.CorruptionHarness.search;
import static io.github.luceneannoy.codec.CorruptionHarness.searchManyLeaves;

import com.carrotsearch.randomizedtesting.annotations.Timeout;
import io.github.luceneannoy.codec.CorruptionHarness.ForestModel;
import io.github.luceneannoy.codec.CorruptionHarness.LeafAt;
import io.github.luceneannoy.codec.CorruptionHarness.VectorField;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.store.Directory;

/**
 * A damaged leaf section ({@code .afi}): ordinals out of range or out of order, leaves whose
 * parents misstate their entries, a section of the wrong length, and damaged codes. Structural
 * damage with a valid checksum fails the search that meets it (or the statistics walk, which counts
 * every entry) with a {@link CorruptIndexException} naming {@code .afi}; damage to values that only
 * order a search (centroids, codes) leaves answers valid and is caught by the checksum.
 */
@Timeout(millis = 120_000)
public class TestCorruptLeaves extends CorruptionTestCase {
  private static final String DATA = fileOf(SEGMENT, "afi");

  /**
   * Each leaf's ordinals, as the test reads them, are increasing and cover every vector once per
   * tree.
   */
  public void testLeavesParseAsDocumented() throws IOException {
    for (VectorField field : ANNOY_FIELDS) {
      ForestModel forest = new ForestModel(harness.metaRecord(field), harness.dataBody());
      int[] seen = new int[DOCS_PER_SEGMENT];
      for (LeafAt leaf : forest.leaves) {
        assertTrue(leaf.size() >= 1 && leaf.size() <= LEAF);
        int previous = -1;
        for (int e = 0; e < leaf.size(); e++) {
          int ord = forest.getInt(leaf.ordOffset(e));
          assertTrue(
              field.name() + ": " + ord + " after " + previous,
              ord > previous && ord < DOCS_PER_SEGMENT);
          seen[ord]++;
          previous = ord;
        }
      }
      for (int ord = 0; ord < DOCS_PER_SEGMENT; ord++) {
        assertEquals(field.name() + ": ordinal " + ord, forest.record.numTrees, seen[ord]);
      }
    }
  }

  public void testOrdinalsOutOfRangeFailOnSearch() throws IOException {
    assertLeavesRejected(
        (forest, leaf) -> forest.putInt(leaf.ordOffset(leaf.size() - 1), DOCS_PER_SEGMENT),
        "holds invalid ordinal " + DOCS_PER_SEGMENT);
    assertLeavesRejected(
        (forest, leaf) -> forest.putInt(leaf.ordOffset(0), -1), "holds invalid ordinal -1");
    assertLeavesRejected(
        (forest, leaf) ->
            forest.putInt(leaf.ordOffset(random().nextInt(leaf.size())), Integer.MIN_VALUE),
        "holds invalid ordinal " + Integer.MIN_VALUE);
  }

  /**
   * Ordinals increase within a leaf: a repeated one, or two swapped, would make a vector count
   * twice in one tree while another goes missing.
   */
  public void testOrdinalsOutOfOrderFailOnSearch() throws IOException {
    assertLeavesRejected(
        (forest, leaf) -> {
          if (leaf.size() > 1) {
            forest.putInt(leaf.ordOffset(1), forest.getInt(leaf.ordOffset(0)));
          }
        },
        "after");
    assertLeavesRejected(
        (forest, leaf) -> {
          if (leaf.size() > 1) {
            int first = forest.getInt(leaf.ordOffset(0));
            forest.putInt(leaf.ordOffset(0), forest.getInt(leaf.ordOffset(1)));
            forest.putInt(leaf.ordOffset(1), first);
          }
        },
        "after");
  }

  /**
   * A parent that claims one entry more for each leaf: the reader would take the next leaf's
   * centroid for ordinals, or read past the section.
   */
  public void testLeavesReadBeyondTheirEntriesFailOnSearch() throws IOException {
    assertLeavesRejected(
        (forest, leaf) -> {
          if (leaf.size() < LEAF) {
            forest.putInt(leaf.parent().sizeOffset(leaf.child()), leaf.size() + 1);
          }
        },
        // by the leaf's ordinals, or by the parent's bounds for the field's very last leaf
        "");
  }

  /**
   * A parent that claims one entry less for a leaf: its last vector is missing from the tree. A
   * search cannot tell without reading the whole tree, and its answer stays valid; the statistics
   * walk, which counts every entry of every tree, refuses.
   */
  public void testLeafMissingAnEntryFailsOnWalk() throws IOException {
    byte[] data =
        harness.rewriteForest(
            EUCLIDEAN,
            forest -> {
              List<LeafAt> shrinkable = forest.leaves.stream().filter(l -> l.size() > 1).toList();
              LeafAt leaf = shrinkable.get(random().nextInt(shrinkable.size()));
              forest.putInt(leaf.parent().sizeOffset(leaf.child()), leaf.size() - 1);
            });
    try (Directory dir = harness.copyWith(random(), DATA, data);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      CorruptIndexException e =
          expectThrows(
              CorruptIndexException.class, () -> ForestStatistics.read(segment, EUCLIDEAN.name()));
      assertCorrupt(e, DATA, "leaf entries for " + DOCS_PER_SEGMENT + " vectors");
      for (int q = 0; q < 5; q++) {
        assertValidHits(search(segment, EUCLIDEAN, random()), segment.maxDoc());
      }
    }
  }

  /** A leaf section whose length does not fit the codes' width is refused at open. */
  public void testLeafSectionOfTheWrongLengthIsRefused() throws IOException {
    String meta = fileOf(SEGMENT, "afm");
    // as if every code were a word shorter, or longer
    for (int words : new int[] {-1, 1}) {
      byte[] rewritten =
          harness.rewriteMeta(
              records -> {
                for (var r : records) {
                  r.leavesLength += (long) words * Long.BYTES * r.numTrees * r.size;
                }
              });
      IOException e =
          expectOpenFails(
              harness.copyWith(random(), meta, rewritten), "codes of " + words + " more words");
      assertCorrupt(e, meta, "leaf section");
    }
  }

  /**
   * Centroids and codes only order a search, which scores its candidates exactly: non-finite or
   * out-of-range values give valid answers, never another exception or a hang.
   */
  public void testDamagedCodesGiveValidHits() throws IOException {
    for (float bad :
        new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1e30f}) {
      assertLeavesAnswer(
          MIP,
          (forest, leaf) -> {
            for (int i = 0; i < forest.record.mappedDimension(); i++) {
              forest.putFloat(leaf.offset() + Float.BYTES * i, bad);
            }
          });
      assertLeavesAnswer(
          EUCLIDEAN,
          (forest, leaf) -> {
            // a, s and ε of every entry
            for (int f = 0; f < 3 * leaf.size(); f++) {
              forest.putFloat(leaf.codesOffset() + Float.BYTES * f, bad);
            }
          });
    }
  }

  /**
   * Damaged code bits with the checksum left as it was: answers stay valid, checkIntegrity reports.
   */
  public void testDamagedCodesAreCaughtByTheChecksum() throws IOException {
    byte[] data = harness.read(DATA);
    ForestModel forest = new ForestModel(harness.metaRecord(EUCLIDEAN), harness.dataBody());
    int words = forest.record.words();
    for (LeafAt leaf : forest.leaves) {
      int bits = leaf.bitsOffset(words);
      for (int b = 0; b < leaf.size() * words * Long.BYTES; b++) {
        data[bits + b] = (byte) ~data[bits + b];
      }
    }
    try (Directory dir = harness.copyWith(random(), DATA, data);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      for (int q = 0; q < 5; q++) {
        assertValidHits(search(segment, EUCLIDEAN, random()), segment.maxDoc());
      }
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, ((SegmentReader) segment)::checkIntegrity);
      assertCorrupt(e, DATA, "checksum failed");
      assertHealthy(leaf(reader, OTHER_SEGMENT), ANNOY_FIELDS, random());
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A change to one leaf of a field, made in place in the body of .afi. */
  private interface LeafEdit {
    void apply(ForestModel forest, LeafAt leaf);
  }

  private static byte[] editEveryLeaf(VectorField field, LeafEdit edit) throws IOException {
    return harness.rewriteForest(field, forEveryLeaf(edit));
  }

  private static Consumer<ForestModel> forEveryLeaf(LeafEdit edit) {
    return forest -> {
      // positions first: an edit may change what the model would read next
      for (LeafAt leaf : new ArrayList<>(forest.leaves)) {
        edit.apply(forest, leaf);
      }
    };
  }

  /**
   * Every leaf of field EUCLIDEAN damaged alike: the segment opens (the checksum is valid), every
   * search that reads many leaves fails naming the data file and the problem (the few a small
   * budget reads first may be ones an edit left as they were), and the damage stays in its field
   * and segment.
   */
  private void assertLeavesRejected(LeafEdit edit, String problem) throws IOException {
    try (Directory dir = harness.copyWith(random(), DATA, editEveryLeaf(EUCLIDEAN, edit));
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      ((SegmentReader) segment).checkIntegrity();
      for (int q = 0; q < 3; q++) {
        CorruptIndexException e =
            expectThrows(
                CorruptIndexException.class, () -> searchManyLeaves(segment, EUCLIDEAN, random()));
        assertCorrupt(e, DATA, problem);
      }
      assertHealthy(segment, ANNOY_FIELDS.subList(1, ANNOY_FIELDS.size()), random());
      assertHealthy(leaf(reader, OTHER_SEGMENT), ANNOY_FIELDS, random());
    }
  }

  /**
   * Every leaf of {@code field} damaged alike, with a valid checksum: every search answers validly.
   */
  private void assertLeavesAnswer(VectorField field, LeafEdit edit) throws IOException {
    try (Directory dir = harness.copyWith(random(), DATA, editEveryLeaf(field, edit));
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      for (int q = 0; q < 3; q++) {
        try {
          assertValidHits(search(segment, field, random()), segment.maxDoc());
        } catch (CorruptIndexException e) {
          // refusing is fine too, as long as it says where
          assertNamesFile(e, DATA);
        }
      }
    }
  }
}
