package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.NodeRefs;
import io.github.luceneannoy.forest.SplitRule;
import java.io.IOException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

/**
 * One field's record in the {@code .afm} file; see {@link AnnoyVectorsFormat} for the layout.
 * Reading validates every value against the field's {@link FieldInfo} and the data file's length.
 */
record FieldEntry(
    int fieldNumber,
    VectorEncoding encoding,
    VectorSimilarityFunction similarity,
    int dimension,
    int size,
    SplitRule splitRule,
    int maxLeafSize,
    int candidatesPerHit,
    long seed,
    int projectionRows,
    long projectionOffset,
    long projectionLength,
    int normalDimension,
    int numSplits,
    long splitsOffset,
    long splitsLength,
    long leavesOffset,
    long leavesLength,
    long sketchesOffset,
    long sketchesLength,
    int[] roots) {

  /** Bytes of one sketch record: the code's bytes, the residual length and the decoded norm. */
  static long sketchRecordBytes(int projectionRows) {
    return projectionRows + 2L * Float.BYTES;
  }

  /**
   * Bytes of the sketch section of a field with sketches: the code book (two floats per row), then
   * one record per vector.
   */
  static long sketchesBytes(int projectionRows, int size) {
    return projectionRows == 0 ? 0 : 2L * Float.BYTES * projectionRows + size * sketchRecordBytes(projectionRows);
  }

  /** Bytes of one split record: two children, the offset, the scale and the normal's bytes. */
  static long splitRecordBytes(int normalDimension) {
    return 4L * Integer.BYTES + normalDimension;
  }

  /** The split rule used for a similarity; the single place that decides it. */
  static SplitRule splitRuleFor(VectorSimilarityFunction similarity) {
    switch (similarity) {
      case EUCLIDEAN:
        return SplitRule.EUCLIDEAN;
      case COSINE:
        return SplitRule.ANGULAR;
      case DOT_PRODUCT:
      case MAXIMUM_INNER_PRODUCT:
        return SplitRule.INNER_PRODUCT;
      default:
        throw new IllegalArgumentException("unsupported similarity: " + similarity);
    }
  }

  int numTrees() {
    return roots.length;
  }

  void write(DataOutput out) throws IOException {
    out.writeInt(fieldNumber);
    out.writeInt(encodingId(encoding));
    out.writeInt(similarityId(similarity));
    out.writeVInt(dimension);
    out.writeInt(size);
    out.writeByte((byte) splitRule.id());
    out.writeVInt(roots.length);
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

  /**
   * Reads the rest of a record whose field number was already read, and validates it.
   *
   * @param in the metadata input, positioned after the field number, named in exceptions
   * @param dataLength length of the {@code .afi} file without its footer
   */
  static FieldEntry read(DataInput in, FieldInfo info, long dataLength) throws IOException {
    DataInput resource = in;
    String field = "field \"" + info.name + "\": ";
    VectorEncoding encoding = encodingFromId(in.readInt(), field, resource);
    VectorSimilarityFunction similarity = similarityFromId(in.readInt(), field, resource);
    int dimension = in.readVInt();
    int size = in.readInt();
    int ruleId = in.readByte();
    int numTrees = in.readVInt();
    int maxLeafSize = in.readVInt();
    int candidatesPerHit = in.readVInt();
    long seed = in.readLong();
    int projectionRows = in.readVInt();
    long projectionOffset = in.readVLong();
    long projectionLength = in.readVLong();
    int normalDimension = in.readVInt();
    int numSplits = in.readInt();
    long splitsOffset = in.readVLong();
    long splitsLength = in.readVLong();
    long leavesOffset = in.readVLong();
    long leavesLength = in.readVLong();
    long sketchesOffset = in.readVLong();
    long sketchesLength = in.readVLong();
    if (numTrees < 0 || numTrees > AnnoyVectorsFormat.MAXIMUM_NUM_TREES) {
      throw corrupt(field + "invalid number of trees " + numTrees, resource);
    }
    int[] roots = new int[numTrees];
    for (int t = 0; t < numTrees; t++) {
      roots[t] = in.readInt();
    }
    if (encoding != info.getVectorEncoding()) {
      throw corrupt(field + "encoding " + encoding + " != field info's " + info.getVectorEncoding(), resource);
    }
    if (similarity != info.getVectorSimilarityFunction()) {
      throw corrupt(field + "similarity " + similarity + " != field info's " + info.getVectorSimilarityFunction(), resource);
    }
    if (dimension != info.getVectorDimension()) {
      throw corrupt(field + "dimension " + dimension + " != field info's " + info.getVectorDimension(), resource);
    }
    SplitRule rule = splitRuleFor(similarity);
    if (ruleId != rule.id()) {
      throw corrupt(field + "split rule " + ruleId + " does not match similarity " + similarity, resource);
    }
    if (size < 0) {
      throw corrupt(field + "negative vector count " + size, resource);
    }
    if (size > 0 && numTrees == 0) {
      throw corrupt(field + size + " vectors but no trees", resource);
    }
    if (maxLeafSize < 1 || maxLeafSize > AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE) {
      throw corrupt(field + "invalid max leaf size " + maxLeafSize, resource);
    }
    if (candidatesPerHit < 1 || candidatesPerHit > AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT) {
      throw corrupt(field + "invalid candidates per hit " + candidatesPerHit, resource);
    }
    if (projectionRows < 0 || projectionRows >= dimension) {
      throw corrupt(field + "invalid projection to " + projectionRows + " of " + dimension + " dimensions", resource);
    }
    if (projectionLength != (long) projectionRows * dimension * Float.BYTES) {
      throw corrupt(field + "projection section of " + projectionLength + " bytes for " + projectionRows + " rows", resource);
    }
    checkSection(field + "projection", projectionOffset, projectionLength, dataLength, resource);
    boolean validNormal =
        projectionRows == 0
            ? normalDimension == rule.normalDimension(dimension)
            : rule != SplitRule.INNER_PRODUCT && normalDimension >= 1 && normalDimension <= projectionRows;
    if (validNormal == false) {
      throw corrupt(
          field + "normal dimension " + normalDimension + " for dimension " + dimension + " and projection rows "
              + projectionRows,
          resource);
    }
    if (numSplits < 0 || splitsLength != numSplits * splitRecordBytes(normalDimension)) {
      throw corrupt(field + "split section of " + splitsLength + " bytes for " + numSplits + " nodes", resource);
    }
    checkSection(field + "split", splitsOffset, splitsLength, dataLength, resource);
    checkSection(field + "leaf", leavesOffset, leavesLength, dataLength, resource);
    if (leavesLength % Integer.BYTES != 0 || leavesLength / Integer.BYTES > Integer.MAX_VALUE) {
      throw corrupt(field + "invalid leaf section length " + leavesLength, resource);
    }
    // a projected field has sketches, or not when its segment was small; others never
    if (sketchesLength != 0 && sketchesLength != sketchesBytes(projectionRows, size)) {
      throw corrupt(
          field + "sketch section of " + sketchesLength + " bytes for " + size + " vectors of " + projectionRows + " rows",
          resource);
    }
    checkSection(field + "sketch", sketchesOffset, sketchesLength, dataLength, resource);
    if (projectionRows > 0 && sketchesLength == 0 && normalDimension != projectionRows) {
      // without sketches, every projected coordinate is a split coordinate
      throw corrupt(field + "projection of " + projectionRows + " rows for splits of " + normalDimension, resource);
    }
    long leafInts = leavesLength / Integer.BYTES;
    for (int root : roots) {
      boolean valid =
          NodeRefs.isLeaf(root) ? NodeRefs.leafPosition(root) < leafInts : root < numSplits;
      if (valid == false) {
        throw corrupt(field + "invalid root reference " + root, resource);
      }
    }
    return new FieldEntry(
        info.number, encoding, similarity, dimension, size, rule, maxLeafSize, candidatesPerHit,
        seed, projectionRows, projectionOffset, projectionLength, normalDimension, numSplits, splitsOffset, splitsLength, leavesOffset, leavesLength,
        sketchesOffset, sketchesLength, roots);
  }

  private static void checkSection(
      String what, long offset, long length, long dataLength, DataInput resource)
      throws CorruptIndexException {
    if (offset < 0 || length < 0 || offset > dataLength || length > dataLength - offset) {
      throw corrupt(
          what + " section [" + offset + ", +" + length + ") exceeds data length " + dataLength,
          resource);
    }
  }

  private static CorruptIndexException corrupt(String message, DataInput resource) {
    return new CorruptIndexException(message, resource);
  }

  static int encodingId(VectorEncoding encoding) {
    switch (encoding) {
      case BYTE:
        return 0;
      case FLOAT32:
        return 1;
      default:
        throw new IllegalArgumentException("unsupported encoding: " + encoding);
    }
  }

  static VectorEncoding encodingFromId(int id, String field, DataInput resource)
      throws CorruptIndexException {
    switch (id) {
      case 0:
        return VectorEncoding.BYTE;
      case 1:
        return VectorEncoding.FLOAT32;
      default:
        throw corrupt(field + "invalid vector encoding id " + id, resource);
    }
  }

  static int similarityId(VectorSimilarityFunction similarity) {
    switch (similarity) {
      case EUCLIDEAN:
        return 0;
      case DOT_PRODUCT:
        return 1;
      case COSINE:
        return 2;
      case MAXIMUM_INNER_PRODUCT:
        return 3;
      default:
        throw new IllegalArgumentException("unsupported similarity: " + similarity);
    }
  }

  static VectorSimilarityFunction similarityFromId(int id, String field, DataInput resource)
      throws CorruptIndexException {
    switch (id) {
      case 0:
        return VectorSimilarityFunction.EUCLIDEAN;
      case 1:
        return VectorSimilarityFunction.DOT_PRODUCT;
      case 2:
        return VectorSimilarityFunction.COSINE;
      case 3:
        return VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      default:
        throw corrupt(field + "invalid similarity id " + id, resource);
    }
  }
}
