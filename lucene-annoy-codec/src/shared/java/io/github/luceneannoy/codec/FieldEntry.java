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
import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.LeafBlock;
import io.github.luceneannoy.forest.LeafTraversal;
import io.github.luceneannoy.forest.NodeRecord;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

/**
 * One field's record in the {@code .afm} file; see {@link AnnoyVectorsFormat} for the layout.
 * Reading validates every value against the field's {@link FieldInfo} and the data file's length.
 *
 * @param budget10 the calibrated number of candidates to gather for 10 hits
 * @param budget100 the number of candidates to gather for 100 hits (equal to {@code budget10} from
 *     format version 4)
 * @param version the format version of the segment's files, which decides their layout ({@link
 *     #onesStored}); not part of the record on disk
 */
record FieldEntry(
    int fieldNumber,
    VectorEncoding encoding,
    VectorSimilarityFunction similarity,
    int dimension,
    int size,
    Geometry geometry,
    LeafTraversal.Order order,
    int branching,
    int maxLeafSize,
    long seed,
    float maxNorm,
    float targetRecall,
    int budget10,
    int budget100,
    long centreOffset,
    int nodeCount,
    long nodesOffset,
    long nodesLength,
    int leafCount,
    long leavesOffset,
    long leavesLength,
    int[] roots,
    int version) {

  /**
   * Vector encodings by their id in the file: a position here is written to disk, so entries are
   * only ever appended.
   */
  private static final List<VectorEncoding> ENCODINGS =
      List.of(VectorEncoding.BYTE, VectorEncoding.FLOAT32);

  /** Similarities by their id in the file; appended to only, as {@link #ENCODINGS}. */
  private static final List<VectorSimilarityFunction> SIMILARITIES =
      List.of(
          VectorSimilarityFunction.EUCLIDEAN,
          VectorSimilarityFunction.DOT_PRODUCT,
          VectorSimilarityFunction.COSINE,
          VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);

  /** The geometry used for a similarity; the single place that decides it. */
  static Geometry geometryFor(VectorSimilarityFunction similarity) {
    switch (similarity) {
      case EUCLIDEAN:
        return Geometry.EUCLIDEAN;
      case COSINE:
        return Geometry.ANGULAR;
      case DOT_PRODUCT:
      case MAXIMUM_INNER_PRODUCT:
        return Geometry.INNER_PRODUCT;
      default:
        throw new IllegalArgumentException("unsupported similarity: " + similarity);
    }
  }

  int numTrees() {
    return roots.length;
  }

  /** Coordinates of a mapped vector. */
  int mappedDimension() {
    return geometry.mappedDimension(dimension);
  }

  /** Longs per code. */
  int words() {
    return FastRotation.paddedDimension(mappedDimension()) / Long.SIZE;
  }

  /**
   * Whether the field's codes are stored with their counts of ones: all of them up to format
   * version 4; from version 5 those longer than {@link CodeBlock#MAX_WORDS_COUNTED} longs.
   */
  boolean onesStored() {
    return version < AnnoyVectorsFormat.VERSION_COUNTED_ONES || CodeBlock.storesOnes(words());
  }

  /** Bytes of the centre section. */
  long centreLength() {
    return (long) mappedDimension() * Float.BYTES;
  }

  /** Bytes the leaf section must have: every leaf's centroid, and every vector once per tree. */
  long expectedLeavesLength() {
    return (long) leafCount * mappedDimension() * Float.BYTES
        + (long) numTrees()
            * size
            * (Integer.BYTES + CodeBlock.bytesPerCode(words(), onesStored()));
  }

  /** Where leaf number {@code leaf}, whose entries start at entry {@code firstEntry}, starts. */
  long leafOffset(int leaf, long firstEntry) {
    return LeafBlock.bytes(0, mappedDimension(), words(), onesStored()) * leaf
        + firstEntry * (Integer.BYTES + CodeBlock.bytesPerCode(words(), onesStored()));
  }

  void write(DataOutput out) throws IOException {
    out.writeInt(fieldNumber);
    out.writeInt(encodingId(encoding));
    out.writeInt(similarityId(similarity));
    out.writeVInt(dimension);
    out.writeInt(size);
    out.writeByte((byte) geometry.id());
    out.writeByte((byte) order.id());
    out.writeVInt(roots.length);
    out.writeVInt(branching);
    out.writeVInt(maxLeafSize);
    out.writeLong(seed);
    out.writeInt(Float.floatToIntBits(maxNorm));
    out.writeInt(Float.floatToIntBits(targetRecall));
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

  /**
   * Reads the rest of a record whose field number was already read, and validates it.
   *
   * @param in the metadata input, positioned after the field number, named in exceptions
   * @param dataLength length of the {@code .afi} file without its footer
   * @param version the files' format version
   */
  static FieldEntry read(DataInput in, FieldInfo info, long dataLength, int version)
      throws IOException {
    DataInput resource = in;
    String field = "field \"" + info.name + "\": ";
    VectorEncoding encoding = encodingFromId(in.readInt(), field, resource);
    VectorSimilarityFunction similarity = similarityFromId(in.readInt(), field, resource);
    int dimension = in.readVInt();
    int size = in.readInt();
    int geometryId = in.readByte();
    int orderId = in.readByte();
    int numTrees = in.readVInt();
    int branching = in.readVInt();
    int maxLeafSize = in.readVInt();
    long seed = in.readLong();
    float maxNorm = Float.intBitsToFloat(in.readInt());
    float targetRecall = Float.intBitsToFloat(in.readInt());
    int budget10 = in.readVInt();
    int budget100 = in.readVInt();
    long centreOffset = in.readVLong();
    int nodeCount = in.readVInt();
    long nodesOffset = in.readVLong();
    long nodesLength = in.readVLong();
    int leafCount = in.readVInt();
    long leavesOffset = in.readVLong();
    long leavesLength = in.readVLong();
    if (numTrees < 0 || numTrees > AnnoyVectorsFormat.MAXIMUM_NUM_TREES) {
      throw corrupt(field + "invalid number of trees " + numTrees, resource);
    }
    int[] roots = new int[numTrees];
    for (int t = 0; t < numTrees; t++) {
      roots[t] = in.readInt();
    }
    if (encoding != info.getVectorEncoding()) {
      throw corrupt(
          field + "encoding " + encoding + " != field info's " + info.getVectorEncoding(),
          resource);
    }
    if (similarity != info.getVectorSimilarityFunction()) {
      throw corrupt(
          field
              + "similarity "
              + similarity
              + " != field info's "
              + info.getVectorSimilarityFunction(),
          resource);
    }
    if (dimension != info.getVectorDimension()) {
      throw corrupt(
          field + "dimension " + dimension + " != field info's " + info.getVectorDimension(),
          resource);
    }
    Geometry geometry = geometryFor(similarity);
    if (geometryId != geometry.id()) {
      throw corrupt(
          field + "geometry " + geometryId + " does not match similarity " + similarity, resource);
    }
    LeafTraversal.Order order;
    try {
      order = LeafTraversal.Order.fromId(orderId);
    } catch (IllegalArgumentException e) {
      throw new CorruptIndexException(field + "invalid leaf order " + orderId, resource, e);
    }
    if (size < 0) {
      throw corrupt(field + "negative vector count " + size, resource);
    }
    if (size > 0 && numTrees == 0) {
      throw corrupt(field + size + " vectors but no trees", resource);
    }
    if (branching < 2 || branching > AnnoyVectorsFormat.MAXIMUM_BRANCHING) {
      throw corrupt(field + "invalid branching " + branching, resource);
    }
    if (maxLeafSize < 1 || maxLeafSize > AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE) {
      throw corrupt(field + "invalid max leaf size " + maxLeafSize, resource);
    }
    if (Float.isFinite(maxNorm) == false || maxNorm < 0) {
      throw corrupt(field + "invalid largest norm " + maxNorm, resource);
    }
    if ((targetRecall > 0 && targetRecall <= 1) == false) {
      throw corrupt(field + "invalid target recall " + targetRecall, resource);
    }
    if (budget10 < 1 || budget100 < budget10) {
      throw corrupt(field + "invalid budgets " + budget10 + " and " + budget100, resource);
    }
    if (nodeCount < numTrees || leafCount < 0) {
      throw corrupt(
          field + "invalid node count " + nodeCount + " or leaf count " + leafCount, resource);
    }
    FieldEntry entry =
        new FieldEntry(
            info.number,
            encoding,
            similarity,
            dimension,
            size,
            geometry,
            order,
            branching,
            maxLeafSize,
            seed,
            maxNorm,
            targetRecall,
            budget10,
            budget100,
            centreOffset,
            nodeCount,
            nodesOffset,
            nodesLength,
            leafCount,
            leavesOffset,
            leavesLength,
            roots,
            version);
    checkSection(field + "centre", centreOffset, entry.centreLength(), dataLength, resource);
    checkSection(field + "node", nodesOffset, nodesLength, dataLength, resource);
    checkSection(field + "leaf", leavesOffset, leavesLength, dataLength, resource);
    // sections in range could still overlap or leave gaps: a search would read one as another
    if (centreOffset % Float.BYTES != 0) {
      throw corrupt(
          field + "centre section at " + centreOffset + " is not aligned to 4 bytes", resource);
    }
    if (nodesOffset != centreOffset + entry.centreLength()
        || leavesOffset != nodesOffset + nodesLength) {
      throw corrupt(
          field
              + "centre, node and leaf sections at "
              + centreOffset
              + ", "
              + nodesOffset
              + " and "
              + leavesOffset
              + " do not follow each other",
          resource);
    }
    if ((long) nodeCount * NodeRecord.bytes(1, entry.words(), entry.onesStored()) > nodesLength) {
      throw corrupt(
          field
              + "invalid node count "
              + nodeCount
              + " for a node section of "
              + nodesLength
              + " bytes",
          resource);
    }
    if (leavesLength != entry.expectedLeavesLength()) {
      throw corrupt(
          field
              + "leaf section of "
              + leavesLength
              + " bytes for "
              + leafCount
              + " leaves and "
              + numTrees
              + " × "
              + size
              + " entries",
          resource);
    }
    for (int t = 0; t < numTrees; t++) {
      // tree 0's root is the section's first record; each tree's records follow the previous tree's
      int root = roots[t];
      if (root < 0 || root >= nodesLength || (t == 0 ? root != 0 : root <= roots[t - 1])) {
        throw corrupt(field + "invalid root reference " + root + " of tree " + t, resource);
      }
    }
    return entry;
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
    return idOf(ENCODINGS, encoding, "encoding");
  }

  static VectorEncoding encodingFromId(int id, String field, DataInput resource)
      throws CorruptIndexException {
    return fromId(ENCODINGS, id, field + "invalid vector encoding id ", resource);
  }

  static int similarityId(VectorSimilarityFunction similarity) {
    return idOf(SIMILARITIES, similarity, "similarity");
  }

  static VectorSimilarityFunction similarityFromId(int id, String field, DataInput resource)
      throws CorruptIndexException {
    return fromId(SIMILARITIES, id, field + "invalid similarity id ", resource);
  }

  private static <T> int idOf(List<T> byId, T value, String what) {
    int id = byId.indexOf(value);
    if (id < 0) {
      throw new IllegalArgumentException("unsupported " + what + ": " + value);
    }
    return id;
  }

  private static <T> T fromId(List<T> byId, int id, String invalid, DataInput resource)
      throws CorruptIndexException {
    if (id < 0 || id >= byId.size()) {
      throw corrupt(invalid + id, resource);
    }
    return byId.get(id);
  }
}
