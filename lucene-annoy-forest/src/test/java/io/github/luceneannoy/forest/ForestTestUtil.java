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
package io.github.luceneannoy.forest;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Shared fixtures of the forest tests: generated data, exact search in double precision, a scorer
 * that counts what it scores, and a walk of a built forest through the {@link Forest} interface.
 */
final class ForestTestUtil {
  private ForestTestUtil() {}

  /** Shapes of generated data. */
  enum Kind {
    /** Independent standard normal coordinates. */
    GAUSSIAN,
    /** Independent coordinates uniform in [-1, 1]. */
    UNIFORM,
    /** Gaussian blobs (standard deviation 0.15) around a few standard normal centres. */
    CLUSTERED
  }

  static float[][] vectors(Random random, Kind kind, int n, int dim) {
    float[][] centres =
        kind == Kind.CLUSTERED ? vectors(random, Kind.GAUSSIAN, 4 + random.nextInt(8), dim) : null;
    return vectors(random, kind, n, dim, centres);
  }

  /**
   * {@code n} vectors of {@code kind}; {@code centres} are the clusters' ({@link Kind#CLUSTERED}
   * only).
   */
  static float[][] vectors(Random random, Kind kind, int n, int dim, float[][] centres) {
    float[][] vectors = new float[n][dim];
    for (float[] v : vectors) {
      float[] centre = kind == Kind.CLUSTERED ? centres[random.nextInt(centres.length)] : null;
      for (int i = 0; i < dim; i++) {
        switch (kind) {
          case GAUSSIAN:
            v[i] = (float) random.nextGaussian();
            break;
          case UNIFORM:
            v[i] = 2 * random.nextFloat() - 1;
            break;
          case CLUSTERED:
            v[i] = centre[i] + 0.15f * (float) random.nextGaussian();
            break;
          default:
            throw new AssertionError(kind);
        }
      }
    }
    return vectors;
  }

  static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  static double squaredNorm(float[] a) {
    return dot(a, a);
  }

  static float[] mean(float[][] vectors) {
    double[] sum = new double[vectors[0].length];
    for (float[] v : vectors) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += v[i];
      }
    }
    float[] mean = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      mean[i] = (float) (sum[i] / vectors.length);
    }
    return mean;
  }

  /**
   * A similarity as the codec's scorers give it (larger is nearer) and its inverse into the
   * forest's squared distance for one query ({@link ScoreToDistance}), per {@link Geometry}: {@code
   * 1/(1 + d²)} for Euclidean, {@code (1 + cos)/2} for angular, the raw dot product for inner
   * product.
   */
  static final class Similarity {
    final Geometry geometry;
    final float[][] vectors;
    final float maxNorm;

    Similarity(Geometry geometry, float[][] vectors) {
      this.geometry = geometry;
      this.vectors = vectors;
      double max = 0;
      for (float[] v : vectors) {
        max = Math.max(max, squaredNorm(v));
      }
      this.maxNorm = (float) Math.sqrt(max);
    }

    float score(float[] query, int ord) {
      float[] v = vectors[ord];
      switch (geometry) {
        case EUCLIDEAN:
          return (float) (1 / (1 + squaredDistance(query, v)));
        case ANGULAR:
          double norms = Math.sqrt(squaredNorm(query) * squaredNorm(v));
          return (float) ((1 + (norms == 0 ? 0 : dot(query, v) / norms)) / 2);
        case INNER_PRODUCT:
          return (float) dot(query, v);
        default:
          throw new AssertionError(geometry);
      }
    }

    ScoreToDistance toDistance(float[] query) {
      switch (geometry) {
        case EUCLIDEAN:
          return score -> 1 / score - 1;
        case ANGULAR:
          return score -> 4 - 4 * score;
        case INNER_PRODUCT:
          float constant = (float) ((double) maxNorm * maxNorm + squaredNorm(query));
          return score -> constant - 2 * score;
        default:
          throw new AssertionError(geometry);
      }
    }

    /**
     * The {@code k} accepted ordinals of highest score, best first (ties by ordinal), scored in
     * double precision.
     */
    int[] exactTopK(float[] query, int k, Bits accept) {
      List<Integer> ords = new ArrayList<>();
      double[] scores = new double[vectors.length];
      for (int ord = 0; ord < vectors.length; ord++) {
        if (accept == null || accept.get(ord)) {
          ords.add(ord);
          scores[ord] = exactScore(query, ord);
        }
      }
      ords.sort((a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : a - b);
      return ords.subList(0, Math.min(k, ords.size())).stream()
          .mapToInt(Integer::intValue)
          .toArray();
    }

    /**
     * Recall of {@code actual} against the exact top {@code expected}, counting as found any hit
     * that scores at least the last expected one: hits whose float scores tie are equally right.
     */
    double recall(float[] query, int[] expected, int[] actual) {
      if (expected.length == 0) {
        return 1;
      }
      float last = score(query, expected[expected.length - 1]);
      int found = 0;
      for (int ord : actual) {
        found += score(query, ord) >= last ? 1 : 0;
      }
      return Math.min(1.0, (double) found / expected.length);
    }

    /** A score that ranks as {@link #score} does, without its rounding to float. */
    private double exactScore(float[] query, int ord) {
      float[] v = vectors[ord];
      switch (geometry) {
        case EUCLIDEAN:
          return -squaredDistance(query, v);
        case ANGULAR:
          double norms = Math.sqrt(squaredNorm(query) * squaredNorm(v));
          return norms == 0 ? 0 : dot(query, v) / norms;
        case INNER_PRODUCT:
          return dot(query, v);
        default:
          throw new AssertionError(geometry);
      }
    }
  }

  /** Scores ordinals against one query and counts how often each ordinal was scored. */
  static final class CountingScorer implements RandomVectorScorer {
    final Similarity similarity;
    final float[] query;
    final int[] counts;
    int total;

    CountingScorer(Similarity similarity, float[] query) {
      this.similarity = similarity;
      this.query = query;
      this.counts = new int[similarity.vectors.length];
    }

    @Override
    public float score(int ord) {
      counts[ord]++;
      total++;
      return similarity.score(query, ord);
    }

    @Override
    public int maxOrd() {
      return counts.length;
    }

    @Override
    public int ordToDoc(int ord) {
      return ord;
    }

    @Override
    public Bits getAcceptOrds(Bits acceptDocs) {
      return acceptDocs;
    }
  }

  /**
   * Vectors in a {@code float[][]} served as disk-backed sources serve them: through one buffer
   * that each call overwrites, with a new buffer per {@link #copy()}. Fails if a caller wrote into
   * the buffer, which {@link VectorSource#vector} forbids.
   */
  static final class BufferedVectorSource implements VectorSource {
    private final float[][] vectors;
    private final float[] buffer;
    private int last = -1;

    BufferedVectorSource(float[][] vectors) {
      this.vectors = vectors;
      this.buffer = new float[vectors.length == 0 ? 0 : vectors[0].length];
    }

    @Override
    public int size() {
      return vectors.length;
    }

    @Override
    public int dimension() {
      return buffer.length;
    }

    @Override
    public float[] vector(int ord) {
      if (last >= 0 && Arrays.equals(buffer, vectors[last]) == false) {
        throw new AssertionError("a caller modified the buffer of vector " + last);
      }
      System.arraycopy(vectors[ord], 0, buffer, 0, buffer.length);
      last = ord;
      return buffer;
    }

    @Override
    public VectorSource copy() {
      return new BufferedVectorSource(vectors);
    }
  }

  /**
   * A leaf as read back through {@link Forest}: its number, first entry, centroid, ordinals and
   * codes.
   */
  static final class LeafView {
    final int number;
    final int firstEntry;
    final float[] centroid;
    final int[] ords;
    final CodeBlock codes;

    LeafView(int number, int firstEntry, float[] centroid, LeafBlock block) {
      this.number = number;
      this.firstEntry = firstEntry;
      this.centroid = centroid;
      this.ords = Arrays.copyOf(block.ords, block.count);
      this.codes = new CodeBlock(block.count, block.codes.words);
      System.arraycopy(block.codes.additive, 0, codes.additive, 0, block.count);
      System.arraycopy(block.codes.scale, 0, codes.scale, 0, block.count);
      System.arraycopy(block.codes.error, 0, codes.error, 0, block.count);
      System.arraycopy(block.codes.ones, 0, codes.ones, 0, block.count);
      System.arraycopy(block.codes.bits, 0, codes.bits, 0, block.count * block.codes.words);
    }
  }

  /** Receives a walk of one tree of a forest, records in the order they are stored (pre-order). */
  interface ForestVisitor {
    /** Inner node {@code ref} at {@code depth} (the root is at 0). */
    void node(int tree, int ref, int depth, NodeRecord record) throws IOException;

    /** A leaf child of an inner node at {@code depth - 1}. */
    void leaf(int tree, int depth, LeafView leaf) throws IOException;
  }

  /** Walks every tree of {@code forest} in pre-order through the {@link Forest} interface. */
  static void walk(Forest forest, ForestVisitor visitor) throws IOException {
    int words = forest.rotation().paddedDimension() / Long.SIZE;
    LeafBlock block = new LeafBlock(forest.maxLeafSize(), words);
    for (int t = 0; t < forest.numTrees(); t++) {
      walk(forest, t, forest.root(t), 0, words, block, visitor);
    }
  }

  private static void walk(
      Forest forest,
      int tree,
      int ref,
      int depth,
      int words,
      LeafBlock block,
      ForestVisitor visitor)
      throws IOException {
    NodeRecord record = new NodeRecord(forest.maxChildren(), words);
    forest.readNode(ref, record);
    visitor.node(tree, ref, depth, record);
    for (int c = 0; c < record.count; c++) {
      int child = record.refs[c];
      if (NodeRefs.isLeaf(child)) {
        int leaf = NodeRefs.leafNumber(child);
        forest.readLeafOrdinals(leaf, record.firstEntries[c], record.sizes[c], block);
        forest.readLeafCodes(leaf, record.firstEntries[c], record.sizes[c], block);
        float[] centroid = new float[forest.dimension()];
        forest.readLeafCentroid(leaf, record.firstEntries[c], record.sizes[c], centroid);
        visitor.leaf(tree, depth + 1, new LeafView(leaf, record.firstEntries[c], centroid, block));
      } else {
        walk(forest, tree, child, depth + 1, words, block, visitor);
      }
    }
  }

  /** Every record of every tree of {@code forest}, as bytes: equal bytes, equal forests. */
  static byte[] contents(Forest forest) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(forest.geometry().id());
    out.writeInt(forest.size());
    out.writeInt(forest.dimension());
    out.writeFloat(forest.maxNorm());
    writeFloats(out, forest.centre(), forest.centre().length);
    out.writeInt(forest.numTrees());
    for (int t = 0; t < forest.numTrees(); t++) {
      out.writeInt(forest.root(t));
    }
    walk(
        forest,
        new ForestVisitor() {
          @Override
          public void node(int tree, int ref, int depth, NodeRecord record) throws IOException {
            out.writeInt(ref);
            writeNode(
                out, record.count, record.refs, record.sizes, record.firstEntries, record.codes);
            for (int i = 0; i < record.count; i++) {
              for (int j = 0; j < record.count; j++) {
                out.writeFloat(record.siblingDistance(i, j));
              }
            }
          }

          @Override
          public void leaf(int tree, int depth, LeafView leaf) throws IOException {
            out.writeInt(leaf.number);
            out.writeInt(leaf.firstEntry);
            writeLeaf(out, leaf.centroid, leaf.ords, leaf.ords.length, leaf.codes);
          }
        });
    out.flush();
    return bytes.toByteArray();
  }

  static void writeNode(
      DataOutputStream out, int count, int[] refs, int[] sizes, int[] firstEntries, CodeBlock codes)
      throws IOException {
    out.writeInt(count);
    writeInts(out, refs, count);
    writeInts(out, sizes, count);
    writeInts(out, firstEntries, count);
    writeCodes(out, codes, count);
  }

  static void writeLeaf(
      DataOutputStream out, float[] centroid, int[] ords, int count, CodeBlock codes)
      throws IOException {
    writeFloats(out, centroid, centroid.length);
    out.writeInt(count);
    writeInts(out, ords, count);
    writeCodes(out, codes, count);
  }

  static void writeCodes(DataOutputStream out, CodeBlock codes, int count) throws IOException {
    writeFloats(out, codes.additive, count);
    writeFloats(out, codes.scale, count);
    writeFloats(out, codes.error, count);
    writeInts(out, codes.ones, count);
    for (int i = 0; i < count * codes.words; i++) {
      out.writeLong(codes.bits[i]);
    }
  }

  static void writeInts(DataOutputStream out, int[] values, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      out.writeInt(values[i]);
    }
  }

  static void writeFloats(DataOutputStream out, float[] values, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      // raw bits: NaN payloads and signed zeros count as differences
      out.writeInt(Float.floatToRawIntBits(values[i]));
    }
  }

  /**
   * A {@link ForestWriter} that keeps each tree's records as bytes, in the order written, so that
   * two builds can be compared tree by tree.
   */
  static final class RecordingWriter implements ForestWriter {
    private final List<ByteArrayOutputStream> trees = new ArrayList<>();
    final List<Integer> nodeCounts = new ArrayList<>();
    final List<Integer> leafCounts = new ArrayList<>();
    final List<Long> nodeBytes = new ArrayList<>();
    final int words;

    RecordingWriter(int words) {
      this.words = words;
    }

    @Override
    public synchronized TreeWriter tree(int tree) {
      while (trees.size() <= tree) {
        trees.add(null);
        nodeCounts.add(0);
        leafCounts.add(0);
        nodeBytes.add(0L);
      }
      if (trees.get(tree) != null) {
        throw new AssertionError("tree " + tree + " asked for twice");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      trees.set(tree, bytes);
      DataOutputStream out = new DataOutputStream(bytes);
      return new TreeWriter() {
        @Override
        public void node(
            int count,
            int[] refs,
            int[] sizes,
            int[] firstEntries,
            float[] separations,
            CodeBlock codes)
            throws IOException {
          out.writeByte('N');
          writeNode(out, count, refs, sizes, firstEntries, codes);
          writeFloats(out, separations, count * count);
          synchronized (RecordingWriter.this) {
            nodeCounts.set(tree, nodeCounts.get(tree) + 1);
            nodeBytes.set(tree, nodeBytes.get(tree) + NodeRecord.bytes(count, words));
          }
        }

        @Override
        public void leaf(float[] centroid, int[] ords, int count, CodeBlock codes)
            throws IOException {
          out.writeByte('L');
          writeLeaf(out, centroid, ords, count, codes);
          synchronized (RecordingWriter.this) {
            leafCounts.set(tree, leafCounts.get(tree) + 1);
          }
        }
      };
    }

    synchronized int numTrees() {
      return trees.size();
    }

    synchronized byte[] treeBytes(int tree) {
      return trees.get(tree).toByteArray();
    }
  }
}
