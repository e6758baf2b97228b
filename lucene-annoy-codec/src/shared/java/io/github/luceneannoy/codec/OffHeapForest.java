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

import io.github.luceneannoy.forest.CodeBlock;
import io.github.luceneannoy.forest.FastRotation;
import io.github.luceneannoy.forest.Forest;
import io.github.luceneannoy.forest.ForestKernels;
import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.LeafBlock;
import io.github.luceneannoy.forest.NodeRecord;
import io.github.luceneannoy.forest.NodeRefs;
import java.io.IOException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.store.IndexInput;

/**
 * A {@link Forest} read in place from its two sections (memory-mapped under {@code MMapDirectory}):
 * the field's {@code .afi} slices when searching, the writer's temporary files when calibrating.
 * One instance serves one query: it owns clones of the slices.
 *
 * <p>Everything read is checked against the field's bounds, so a damaged file ends in a {@link
 * CorruptIndexException}, never in an out-of-bounds read or a cycle: a child's record follows its
 * parent's, leaves and entries stay in their section, ordinals in the segment. References that stay
 * in range and increasing can still make trees share subtrees, whose paths multiply; as a traversal
 * reads each node of a real forest at most once, one that reads more nodes than the field holds is
 * reported as corruption too. Ordinals must increase within a leaf, as written.
 */
final class OffHeapForest implements Forest {
  private static final ForestKernels KERNELS = ForestKernels.get();

  private final FieldEntry entry;
  private final float[] centre;
  private final FastRotation rotation;
  private final IndexInput nodes;
  private final IndexInput leaves;
  private final long totalEntries;
  private int nodesRead;
  private int leafOrdinalsRead = -1;

  /**
   * @param nodes the node section, cloned for this view
   * @param leaves the leaf section, cloned for this view
   */
  OffHeapForest(
      FieldEntry entry,
      float[] centre,
      FastRotation rotation,
      IndexInput nodes,
      IndexInput leaves) {
    this.entry = entry;
    this.centre = centre;
    this.rotation = rotation;
    this.nodes = nodes;
    this.leaves = leaves;
    this.totalEntries = (long) entry.numTrees() * entry.size();
  }

  /**
   * Makes this view ready for another query, forgetting what the last one read: a search reuses a
   * view rather than clone its inputs again ({@link AnnoyVectorsReader}).
   */
  void reset() {
    nodesRead = 0;
    leafOrdinalsRead = -1;
  }

  @Override
  public void startTraversal() {
    nodesRead = 0;
  }

  @Override
  public Geometry geometry() {
    return entry.geometry();
  }

  @Override
  public int size() {
    return entry.size();
  }

  @Override
  public int dimension() {
    return entry.mappedDimension();
  }

  @Override
  public float maxNorm() {
    return entry.maxNorm();
  }

  @Override
  public float[] centre() {
    return centre;
  }

  @Override
  public FastRotation rotation() {
    return rotation;
  }

  @Override
  public int numTrees() {
    return entry.numTrees();
  }

  @Override
  public int root(int tree) {
    return entry.roots()[tree];
  }

  @Override
  public int maxChildren() {
    return entry.branching();
  }

  @Override
  public int maxLeafSize() {
    return entry.maxLeafSize();
  }

  @Override
  public void readNode(int ref, NodeRecord into) throws IOException {
    if (++nodesRead > entry.nodeCount()) {
      throw new CorruptIndexException(
          "forest is not a set of trees: a traversal read more than its "
              + entry.nodeCount()
              + " nodes",
          nodes);
    }
    if (ref < 0 || ref > entry.nodesLength() - Integer.BYTES) {
      throw new CorruptIndexException("node reference " + ref + " out of range", nodes);
    }
    nodes.seek(ref);
    int count = nodes.readInt();
    int words = into.codes.words;
    if (count < 1
        || count > entry.branching()
        || ref + NodeRecord.bytes(count, words, entry.onesStored()) > entry.nodesLength()) {
      throw new CorruptIndexException(
          "node at " + ref + " has invalid child count " + count, nodes);
    }
    into.count = count;
    nodes.readInts(into.refs, 0, count);
    nodes.readInts(into.sizes, 0, count);
    nodes.readInts(into.firstEntries, 0, count);
    int stride = into.maxChildren();
    for (int c = 0; c < count; c++) {
      nodes.readFloats(into.siblingDistances, c * stride, count);
    }
    readCodes(nodes, into.codes, count);
    for (int c = 0; c < count; c++) {
      checkChild(ref, into.refs[c], into.sizes[c], into.firstEntries[c]);
    }
  }

  private void checkChild(int parent, int child, int size, int firstEntry)
      throws CorruptIndexException {
    boolean valid;
    if (NodeRefs.isLeaf(child)) {
      int leaf = NodeRefs.leafNumber(child);
      valid =
          leaf < entry.leafCount()
              && size >= 1
              && size <= entry.maxLeafSize()
              && firstEntry >= 0
              && (long) firstEntry + size <= totalEntries;
    } else {
      valid = child > parent && child < entry.nodesLength() && size >= 1 && size <= entry.size();
    }
    if (valid == false) {
      throw new CorruptIndexException(
          "node at "
              + parent
              + " has invalid child "
              + child
              + " (size "
              + size
              + ", first entry "
              + firstEntry
              + ")",
          nodes);
    }
  }

  @Override
  public void readLeafCentroid(int leaf, int firstEntry, int count, float[] into)
      throws IOException {
    leaves.seek(checkedLeafOffset(leaf, firstEntry, count));
    leaves.readFloats(into, 0, into.length);
  }

  /** Where leaf {@code leaf} starts, checked to lie within the leaf section. */
  private long checkedLeafOffset(int leaf, int firstEntry, int count) throws CorruptIndexException {
    long offset = entry.leafOffset(leaf, firstEntry);
    long bytes = LeafBlock.bytes(count, entry.mappedDimension(), entry.words(), entry.onesStored());
    if (leaf < 0
        || leaf >= entry.leafCount()
        || offset < 0
        || offset + bytes > entry.leavesLength()) {
      throw new CorruptIndexException(
          "leaf " + leaf + " of " + count + " entries out of range", leaves);
    }
    return offset;
  }

  @Override
  public void readLeafOrdinals(int leaf, int firstEntry, int count, LeafBlock into)
      throws IOException {
    // past the centroid, which the traversal read when it measured the leaf
    leaves.seek(
        checkedLeafOffset(leaf, firstEntry, count) + (long) entry.mappedDimension() * Float.BYTES);
    leaves.readInts(into.ords, 0, count);
    checkOrdinals(leaf, into.ords, count);
    into.count = count;
    leafOrdinalsRead = leaf;
  }

  /**
   * Ordinals lie in {@code [0, size)} and increase within a leaf: a repeated or misplaced one is
   * damage. Checked on every read, so without branches ({@link ForestKernels#ordinalViolations})
   * and only on failure again to say which.
   */
  private void checkOrdinals(int leaf, int[] ords, int count) throws CorruptIndexException {
    int last = entry.size() - 1;
    if (KERNELS.ordinalViolations(ords, count, last) >= 0) {
      return;
    }
    int previous = -1;
    for (int e = 0; e < count; e++) {
      int ord = ords[e];
      if (ord < 0 || ord > last) {
        throw new CorruptIndexException("leaf " + leaf + " holds invalid ordinal " + ord, leaves);
      }
      if (ord <= previous) {
        throw new CorruptIndexException(
            "leaf " + leaf + " holds ordinal " + ord + " after " + previous, leaves);
      }
      previous = ord;
    }
  }

  @Override
  public void readLeafCodes(int leaf, int firstEntry, int count, LeafBlock into)
      throws IOException {
    if (leaf != leafOrdinalsRead) {
      throw new IllegalStateException(
          "codes of leaf " + leaf + " asked for after the ordinals of " + leafOrdinalsRead);
    }
    readCodes(leaves, into.codes, count);
  }

  /** Damage found in this forest's node section by a reader of the whole forest. */
  CorruptIndexException corrupt(String message) {
    return new CorruptIndexException(message, nodes);
  }

  private void readCodes(IndexInput in, CodeBlock codes, int count) throws IOException {
    in.readFloats(codes.additive, 0, count);
    in.readFloats(codes.scale, 0, count);
    in.readFloats(codes.error, 0, count);
    if (entry.onesStored()) {
      in.readInts(codes.ones, 0, count);
      in.readLongs(codes.bits, 0, count * codes.words);
    } else {
      in.readLongs(codes.bits, 0, count * codes.words);
      codes.countOnes(count);
    }
    codes.count = count;
  }
}
