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
import static io.github.luceneannoy.codec.CorruptionHarness.BRANCHING;
import static io.github.luceneannoy.codec.CorruptionHarness.COSINE;
import static io.github.luceneannoy.codec.CorruptionHarness.DOCS_PER_SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.EUCLIDEAN;
import static io.github.luceneannoy.codec.CorruptionHarness.LEAF;
import static io.github.luceneannoy.codec.CorruptionHarness.OTHER_SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.SEGMENT;
import static io.github.luceneannoy.codec.CorruptionHarness.assertCorrupt;
import static io.github.luceneannoy.codec.CorruptionHarness.assertHealthy;
import static io.github.luceneannoy.codec.CorruptionHarness.assertValidHits;
import static io.github.luceneannoy.codec.CorruptionHarness.expectOpenFails;
import static io.github.luceneannoy.codec.CorruptionHarness.fileOf;
import static io.github.luceneannoy.codec.CorruptionHarness.leaf;
import static io.github.luceneannoy.codec.CorruptionHarness.search;

import com.carrotsearch.randomizedtesting.annotations.Timeout;
import io.github.luceneannoy.codec.CorruptionHarness.ForestModel;
import io.github.luceneannoy.codec.CorruptionHarness.LeafAt;
import io.github.luceneannoy.codec.CorruptionHarness.MetaRecord;
import io.github.luceneannoy.codec.CorruptionHarness.NodeAt;
import io.github.luceneannoy.codec.CorruptionHarness.VectorField;
import io.github.luceneannoy.forest.NodeRefs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.store.Directory;

/**
 * A damaged node section (the centre and the trees' inner node records in {@code .afi}) with a
 * valid checksum: references out of range, cycles, subtrees shared between parents, bad counts,
 * records cut off. A search that meets the damage, and the statistics walk that reads every node,
 * fail with a {@link CorruptIndexException} naming {@code .afi} and the problem, never with another
 * exception, a hang or a made-up answer; the other fields and segments are unaffected.
 */
@Timeout(millis = 120_000) // a search over a damaged forest must never hang
public class TestCorruptForestNodes extends CorruptionTestCase {
  private static final String DATA = fileOf(SEGMENT, "afi");
  private static final String INVALID_CHILD = "has invalid child";

  /**
   * The test's reading of the node section is the documented one: records back to back, children
   * after their parent, leaves numbered in pre-order tree after tree, every vector once per tree,
   * and leaves that tile the leaf section.
   */
  public void testNodeSectionParsesAsDocumented() throws IOException {
    for (VectorField field : ANNOY_FIELDS) {
      ForestModel forest = new ForestModel(harness.metaRecord(field), harness.dataBody());
      MetaRecord r = forest.record;
      String what = field.name();
      assertEquals(what, r.nodeCount, forest.nodes.size());
      NodeAt last = forest.nodes.get(forest.nodes.size() - 1);
      assertEquals(what, r.nodesLength, last.position() + last.bytes());
      Set<Integer> starts = new HashSet<>();
      forest.nodes.forEach(n -> starts.add(n.position()));
      for (int root : r.roots) {
        assertTrue(what, starts.contains(root));
      }
      Set<Integer> children = new HashSet<>();
      for (NodeAt node : forest.nodes) {
        assertTrue(what, node.count() >= 1 && node.count() <= BRANCHING);
        for (int c = 0; c < node.count(); c++) {
          int ref = forest.getInt(node.refOffset(c));
          int size = forest.getInt(node.sizeOffset(c));
          if (NodeRefs.isLeaf(ref) == false) {
            assertTrue(what, ref > node.position() && starts.contains(ref));
            assertTrue(what, children.add(ref));
            // an inner node of a spilled tree may hold fewer vectors than a leaf may
            assertTrue(what, size >= 1 && size <= DOCS_PER_SEGMENT);
          } else {
            assertTrue(what, size >= 1 && size <= LEAF);
          }
        }
        for (int i = 0; i < node.count(); i++) {
          assertEquals(what, 0f, forest.data.getFloat(node.distanceOffset(i, i)), 0f);
          for (int j = 0; j < node.count(); j++) {
            assertEquals(
                what,
                forest.data.getFloat(node.distanceOffset(i, j)),
                forest.data.getFloat(node.distanceOffset(j, i)),
                0f);
          }
        }
      }
      // every inner node but the roots has exactly one parent
      assertEquals(what, r.nodeCount - r.numTrees, children.size());
      // leaves: numbered 0 .. C-1, entries counted from each tree's start, tiling the section
      assertEquals(what, r.leafCount, forest.leaves.size());
      long entry = 0;
      long offset = r.leavesOffset;
      for (int j = 0; j < forest.leaves.size(); j++) {
        LeafAt leaf = forest.leaves.get(j);
        assertEquals(what, j, leaf.number());
        assertEquals(what, entry, leaf.firstEntry());
        assertEquals(what, offset, leaf.offset());
        entry += leaf.size();
        offset = leaf.codesOffset() + (long) leaf.size() * r.codeBytes();
      }
      assertEquals(what, (long) r.numTrees * r.size, entry);
      assertEquals(what, r.leavesEnd(), offset);
    }
  }

  public void testChildReferencesOutOfRangeFailOnSearch() throws IOException {
    for (Predicate<NodeAt> damaged : List.of(isRoot(), isRoot().negate())) {
      // to itself: the shortest cycle
      assertNodesRejected(
          damaged, (forest, node) -> setChild(forest, node, 0, node.position()), INVALID_CHILD);
      // backwards, to an ancestor or an earlier subtree
      assertNodesRejected(
          damaged,
          (forest, node) ->
              setChild(forest, node, node.count() - 1, Math.max(0, node.position() - 4)),
          INVALID_CHILD);
      // past the node section
      assertNodesRejected(
          damaged,
          (forest, node) -> setChild(forest, node, 0, (int) forest.record.nodesLength),
          INVALID_CHILD);
      // past the last leaf
      assertNodesRejected(
          damaged,
          (forest, node) -> setChild(forest, node, 0, NodeRefs.leafRef(forest.record.leafCount)),
          INVALID_CHILD);
    }
  }

  public void testChildSizesAndEntriesOutOfRangeFailOnSearch() throws IOException {
    // leaf children, wherever they are: of one to LEAF entries, all within the field's entries
    Predicate<NodeAt> every = node -> true;
    assertNodesRejected(
        every,
        (forest, node) -> setEveryChild(forest, node, true, node::sizeOffset, 0),
        INVALID_CHILD);
    assertNodesRejected(
        every,
        (forest, node) -> setEveryChild(forest, node, true, node::sizeOffset, LEAF + 1),
        INVALID_CHILD);
    assertNodesRejected(
        every,
        (forest, node) -> setEveryChild(forest, node, true, node::firstEntryOffset, -1),
        INVALID_CHILD);
    assertNodesRejected(
        every,
        (forest, node) ->
            setEveryChild(
                forest,
                node,
                true,
                node::firstEntryOffset,
                forest.record.numTrees * forest.record.size - 1),
        INVALID_CHILD);
    // inner children: the whole segment at most
    assertNodesRejected(
        isRoot(),
        (forest, node) -> setEveryChild(forest, node, false, node::sizeOffset, 0),
        INVALID_CHILD);
    assertNodesRejected(
        isRoot(),
        (forest, node) ->
            setEveryChild(forest, node, false, node::sizeOffset, DOCS_PER_SEGMENT + 1),
        INVALID_CHILD);
  }

  public void testChildCountsOutOfRangeFailOnSearch() throws IOException {
    assertNodesRejected(
        node -> true, (forest, node) -> forest.putInt(node.offset(), 0), "invalid child count 0");
    assertNodesRejected(
        node -> true, (forest, node) -> forest.putInt(node.offset(), -7), "invalid child count -7");
    assertNodesRejected(
        node -> true,
        (forest, node) -> forest.putInt(node.offset(), BRANCHING + 1),
        "invalid child count " + (BRANCHING + 1));
    // a record that would run past the end of the section: one of the last, grown to the most
    // children (when one of them has fewer)
    MetaRecord r = harness.metaRecord(EUCLIDEAN);
    List<NodeAt> growable =
        new ForestModel(r, harness.dataBody())
            .nodes.stream()
                .filter(n -> n.count() < BRANCHING)
                .filter(
                    n ->
                        n.position() + new NodeAt(0, 0, BRANCHING, r.words()).bytes()
                            > r.nodesLength)
                .toList();
    if (VERBOSE) {
      System.out.println("records that can grow past the section's end: " + growable);
    }
    if (growable.isEmpty() == false) {
      NodeAt grown = growable.get(random().nextInt(growable.size()));
      byte[] data =
          harness.rewriteForest(EUCLIDEAN, forest -> forest.putInt(grown.offset(), BRANCHING));
      assertWalkFails(
          harness.copyWith(random(), DATA, data), EUCLIDEAN, "invalid child count " + BRANCHING);
    }
  }

  /**
   * Every child of every node points to the next record, and the last record's to one leaf:
   * references stay in range and increasing, yet a tree of n records has {@code B^n} paths that
   * gather the same one vector again and again, so the budget is never reached. A search must not
   * walk them all.
   */
  public void testSharedSubtreesFailOnSearch() throws IOException {
    byte[] data =
        harness.rewriteForest(
            EUCLIDEAN,
            forest -> {
              List<NodeAt> nodes = forest.nodes;
              for (int n = 0; n < nodes.size(); n++) {
                NodeAt node = nodes.get(n);
                for (int c = 0; c < node.count(); c++) {
                  boolean last = n + 1 == nodes.size();
                  forest.putInt(
                      node.refOffset(c), last ? NodeRefs.leafRef(0) : nodes.get(n + 1).position());
                  forest.putInt(node.sizeOffset(c), 1);
                  forest.putInt(node.firstEntryOffset(c), 0);
                }
              }
            });
    assertSearchFails(
        harness.copyWith(random(), DATA, data), EUCLIDEAN, "forest is not a set of trees");
  }

  /**
   * The last record of the node section is gone, with the metadata made to agree (counts, lengths,
   * the offsets of everything after it): its parent's reference now points past the section.
   */
  public void testMissingRecordFailsOnWalk() throws IOException {
    MetaRecord target = harness.metaRecord(EUCLIDEAN);
    ByteBuffer body = harness.dataBody();
    ForestModel forest = new ForestModel(target, body);
    NodeAt removed = forest.nodes.get(forest.nodes.size() - 1);
    assertFalse("a root", isRoot().test(removed));
    int from = removed.offset();
    int bytes = removed.bytes();
    assertEquals("records keep the centres' alignment", 0, bytes % Float.BYTES);
    byte[] shorter = new byte[body.capacity() - bytes];
    System.arraycopy(body.array(), 0, shorter, 0, from);
    System.arraycopy(body.array(), from + bytes, shorter, from, shorter.length - from);
    byte[] meta =
        harness.rewriteMeta(
            records -> {
              for (MetaRecord r : records) {
                if (r.number == target.number) {
                  r.nodeCount--;
                  r.nodesLength -= bytes;
                  r.leavesOffset -= bytes;
                } else if (r.centreOffset > from) {
                  r.centreOffset -= bytes;
                  r.nodesOffset -= bytes;
                  r.leavesOffset -= bytes;
                }
              }
            });
    Directory dir =
        harness.copyWith(
            random(),
            Map.of(DATA, CorruptionHarness.withValidFooter(shorter), fileOf(SEGMENT, "afm"), meta));
    assertWalkFails(dir, EUCLIDEAN, INVALID_CHILD);
  }

  /** The centre is read at open: a non-finite coordinate is refused there. */
  public void testNonFiniteCentreFailsToOpen() throws IOException {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      ByteBuffer body = harness.dataBody();
      MetaRecord r = harness.metaRecord(COSINE);
      body.putFloat(
          Math.toIntExact(r.centreOffset + Float.BYTES * random().nextInt(r.mappedDimension())),
          bad);
      IOException e =
          expectOpenFails(
              harness.copyWith(random(), DATA, CorruptionHarness.withValidFooter(body.array())),
              "centre " + bad);
      assertCorrupt(e, DATA, "non-finite centre coordinate");
    }
  }

  /**
   * Non-finite distances between siblings and codes of children only order a search, which scores
   * its candidates exactly: it returns valid documents (no exception, no hang), and the checksum is
   * what tells the damage.
   */
  public void testNonFiniteNodeValuesGiveValidHits() throws IOException {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      byte[] data =
          harness.rewriteForest(
              EUCLIDEAN,
              forest -> {
                for (NodeAt node : forest.nodes) {
                  for (int i = 0; i < node.count(); i++) {
                    for (int j = 0; j < node.count(); j++) {
                      forest.putFloat(node.distanceOffset(i, j), bad);
                    }
                  }
                  // the children's a, s and ε
                  for (int f = 0; f < 3 * node.count(); f++) {
                    forest.putFloat(node.codesOffset() + Float.BYTES * f, bad);
                  }
                }
              });
      try (Directory dir = harness.copyWith(random(), DATA, data);
          DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader segment = leaf(reader, SEGMENT);
        for (int q = 0; q < 5; q++) {
          assertValidHits(search(segment, EUCLIDEAN, random()), segment.maxDoc());
        }
        assertHealthy(segment, ANNOY_FIELDS.subList(1, ANNOY_FIELDS.size()), random());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A change to one node record of field EUCLIDEAN, made in place in the body of .afi. */
  private interface NodeEdit {
    void apply(ForestModel forest, NodeAt node);
  }

  private static Predicate<NodeAt> isRoot() {
    return node -> {
      try {
        for (int root : harness.metaRecord(EUCLIDEAN).roots) {
          if (root == node.position()) {
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    };
  }

  /**
   * Applies {@code edit} to every record that {@code which} selects (each query meets one: every
   * query reads the roots, and goes below them), then checks that searches and the statistics walk
   * fail.
   */
  private void assertNodesRejected(Predicate<NodeAt> which, NodeEdit edit, String problem)
      throws IOException {
    byte[] data =
        harness.rewriteForest(
            EUCLIDEAN,
            forest -> {
              List<NodeAt> selected = new ArrayList<>(forest.nodes.stream().filter(which).toList());
              assertFalse(selected.isEmpty());
              for (NodeAt node : selected) {
                edit.apply(forest, node);
              }
            });
    assertSearchFails(harness.copyWith(random(), DATA, data), EUCLIDEAN, problem);
  }

  private static void setChild(ForestModel forest, NodeAt node, int child, int ref) {
    forest.putInt(node.refOffset(child), ref);
  }

  /** Sets a value of every leaf child (or of every inner child) of {@code node}. */
  private static void setEveryChild(
      ForestModel forest,
      NodeAt node,
      boolean leaves,
      java.util.function.IntUnaryOperator offset,
      int value) {
    for (int c = 0; c < node.count(); c++) {
      if (NodeRefs.isLeaf(forest.getInt(node.refOffset(c))) == leaves) {
        forest.putInt(offset.applyAsInt(c), value);
      }
    }
  }

  /**
   * The damaged segment opens (the checksum is valid and the metadata sound), but a search of the
   * damaged field fails naming the data file and the problem, as does the statistics walk; the
   * other fields and the other segment answer.
   */
  private void assertSearchFails(Directory damaged, VectorField field, String problem)
      throws IOException {
    try (Directory dir = damaged;
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      // the checksums are valid: only the forest's own checks can find this
      ((SegmentReader) segment).checkIntegrity();
      for (int q = 0; q < 3; q++) {
        CorruptIndexException e =
            expectThrows(CorruptIndexException.class, () -> search(segment, field, random()));
        assertCorrupt(e, DATA, problem);
      }
      CorruptIndexException e =
          expectThrows(
              CorruptIndexException.class, () -> ForestStatistics.read(segment, field.name()));
      assertCorrupt(e, DATA, problem);
      assertConfined(reader, field);
    }
  }

  /**
   * The damaged segment opens, the statistics walk (which reads every node) fails naming the data
   * file and the problem, and searches, which may not meet the damage, fail alike or answer
   * validly.
   */
  private void assertWalkFails(Directory damaged, VectorField field, String problem)
      throws IOException {
    try (Directory dir = damaged;
        DirectoryReader reader = DirectoryReader.open(dir)) {
      LeafReader segment = leaf(reader, SEGMENT);
      CorruptIndexException e =
          expectThrows(
              CorruptIndexException.class, () -> ForestStatistics.read(segment, field.name()));
      assertCorrupt(e, DATA, problem);
      for (int q = 0; q < 5; q++) {
        try {
          assertValidHits(search(segment, field, random()), segment.maxDoc());
        } catch (CorruptIndexException found) {
          assertCorrupt(found, DATA, problem);
        }
      }
      assertConfined(reader, field);
    }
  }

  private static void assertConfined(DirectoryReader reader, VectorField damaged)
      throws IOException {
    List<VectorField> others = new ArrayList<>(ANNOY_FIELDS);
    others.remove(damaged);
    assertHealthy(leaf(reader, SEGMENT), others, random());
    assertHealthy(leaf(reader, OTHER_SEGMENT), ANNOY_FIELDS, random());
  }
}
