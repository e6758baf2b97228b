package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.Forest;
import io.github.luceneannoy.forest.Margins;
import io.github.luceneannoy.forest.NodeRefs;
import io.github.luceneannoy.forest.Projection;
import java.io.IOException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.store.IndexInput;

/**
 * A {@link Forest} read in place from the {@code .afi} file (memory-mapped under {@code
 * MMapDirectory}). One instance serves one query: it owns clones of the field's slices.
 *
 * <p>Every reference and leaf read is checked against the field's bounds, so a damaged file ends
 * in a {@link CorruptIndexException}, never in an out-of-bounds read or a cycle. References that
 * stay in range and increasing can still make trees share subtrees, whose paths multiply
 * exponentially; as a query expands each split node of a real forest at most once, expanding more
 * nodes than the field holds is reported as corruption too.
 */
final class OffHeapForest implements Forest {
  private final FieldEntry entry;
  private final IndexInput splits;
  private final IndexInput leaves;
  private final long recordBytes;
  private final long leafInts;
  private final byte[] normal;
  private int expanded;

  private final Projection projection;
  private final OffHeapSketches sketches;

  OffHeapForest(
      FieldEntry entry, Projection projection, OffHeapSketches sketches, IndexInput splits, IndexInput leaves) {
    this.entry = entry;
    this.projection = projection;
    this.sketches = sketches;
    this.splits = splits;
    this.leaves = leaves;
    this.recordBytes = FieldEntry.splitRecordBytes(entry.normalDimension());
    this.leafInts = entry.leavesLength() / Integer.BYTES;
    this.normal = new byte[entry.normalDimension()];
  }

  @Override
  public Projection projection() {
    return projection;
  }

  @Override
  public OffHeapSketches sketches() {
    return sketches;
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
  public int maxLeafSize() {
    return entry.maxLeafSize();
  }

  @Override
  public float split(int node, float[] query, int[] children) throws IOException {
    if (++expanded > entry.numSplits()) {
      throw new CorruptIndexException(
          "forest is not a tree: a query expanded more than " + entry.numSplits() + " split nodes",
          splits);
    }
    readChildren(node, children);
    float offset = Float.intBitsToFloat(splits.readInt());
    float scale = Float.intBitsToFloat(splits.readInt());
    // the query has the split space's coordinates; inner product's extra one is always 0 for it
    splits.readBytes(normal, 0, query.length);
    return offset + scale * Margins.dot(normal, 0, query);
  }

  /**
   * Reads the children of split node {@code node} into {@code children}, leaving the input just
   * past them (at the offset).
   */
  void readChildren(int node, int[] children) throws IOException {
    if (node < 0 || node >= entry.numSplits()) {
      throw new CorruptIndexException("split node " + node + " out of range", splits);
    }
    splits.seek(node * recordBytes);
    int left = splits.readInt();
    int right = splits.readInt();
    checkChild(node, left);
    checkChild(node, right);
    children[0] = left;
    children[1] = right;
  }

  private void checkChild(int node, int child) throws CorruptIndexException {
    boolean valid =
        NodeRefs.isLeaf(child)
            ? NodeRefs.leafPosition(child) < leafInts
            : child > node && child < entry.numSplits();
    if (valid == false) {
      throw new CorruptIndexException("split node " + node + " has invalid child " + child, splits);
    }
  }

  @Override
  public int leaf(int ref, int[] ords) throws IOException {
    long position = NodeRefs.leafPosition(ref);
    leaves.seek(position * Integer.BYTES);
    int count = leaves.readInt();
    if (count < 1 || count > entry.maxLeafSize() || position + 1 + count > leafInts) {
      throw new CorruptIndexException("leaf at " + position + " has invalid size " + count, leaves);
    }
    leaves.readInts(ords, 0, count);
    for (int i = 0; i < count; i++) {
      if (ords[i] < 0 || ords[i] >= entry.size()) {
        throw new CorruptIndexException("leaf at " + position + " holds invalid ordinal " + ords[i], leaves);
      }
    }
    return count;
  }
}
