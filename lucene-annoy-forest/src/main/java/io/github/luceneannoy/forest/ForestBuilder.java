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

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.lucene.search.TaskExecutor;

/**
 * Builds a forest: the segment's centre, a k-means tree ({@link TreeBuilder}), {@code numTrees - 1}
 * further trees that put every vector in another of its leaves ({@link SpillTreeBuilder}), and the
 * codes of every leaf ({@link LeafCoder}), handed to a {@link ForestWriter} in the order they are
 * stored.
 *
 * <p>When an executor is given (the merge scheduler's intra-merge threads), the further trees'
 * choices of leaves and the writing of the trees run in tasks; the result does not depend on the
 * threads.
 */
public final class ForestBuilder {
  /**
   * The most bytes of codes computed ahead of writing ({@link LeafEntryCodes}), a vector rotated
   * once for all trees: 64 MiB holds a million 128-d vectors' codes in two trees; a larger segment
   * codes each entry as it is written, rotating each vector once per tree.
   */
  static final long CODES_AHEAD_BYTES = 64L << 20;

  private final Geometry geometry;
  private final int numTrees;
  private final int maxLeafSize;
  private final int branching;
  private final long seed;
  private long codesAheadBytes = CODES_AHEAD_BYTES;

  public ForestBuilder(Geometry geometry, int numTrees, int maxLeafSize, int branching, long seed) {
    if (numTrees < 1 || maxLeafSize < 1 || branching < 2) {
      throw new IllegalArgumentException(
          "need numTrees >= 1, maxLeafSize >= 1 and branching >= 2, got "
              + numTrees
              + ", "
              + maxLeafSize
              + ", "
              + branching);
    }
    this.geometry = geometry;
    this.numTrees = numTrees;
    this.maxLeafSize = maxLeafSize;
    this.branching = branching;
    this.seed = seed;
  }

  /** Sets the bound of {@link #CODES_AHEAD_BYTES} (tests compare both ways of coding). */
  ForestBuilder codesAheadBytes(long bytes) {
    this.codesAheadBytes = bytes;
    return this;
  }

  /** The seed of the codes' rotation, from the forest's seed. */
  public static long rotationSeed(long seed) {
    return mix(seed ^ 0x9E3779B97F4A7C15L);
  }

  /** The seed of tree {@code tree}. */
  static long treeSeed(long seed, int tree) {
    return mix(seed + 0x632BE59BD9B4E019L * (tree + 1));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Builds the forest of {@code vectors} (mapped with {@link MappedVectors#of}) and writes it.
   *
   * @param executor runs one task per tree (building, then writing), or null to do one tree after
   *     the other
   * @return where each tree starts and how large the sections are
   */
  public ForestLayout build(MappedVectors vectors, TaskExecutor executor, ForestWriter out)
      throws IOException {
    if (vectors.size() == 0) {
      return new ForestLayout(new int[0], 0, 0, 0, 0);
    }
    List<Tree> trees = buildTrees(vectors, executor);
    int words = FastRotation.paddedDimension(vectors.dimension()) / Long.SIZE;
    // where each tree's records go, so that trees can be written at once
    int[] roots = new int[trees.size()];
    int[] firstLeaf = new int[trees.size()];
    long nodeBytes = 0;
    int leaves = 0;
    int nodes = 0;
    for (int t = 0; t < trees.size(); t++) {
      roots[t] = Math.toIntExact(nodeBytes);
      firstLeaf[t] = leaves;
      Tree.Node root = trees.get(t).root();
      nodeBytes += subtreeBytes(root, words);
      leaves += leafCount(root);
      nodes += nodeCount(root);
    }
    FastRotation rotation = new FastRotation(vectors.dimension(), rotationSeed(seed));
    // on the heap every code holds its count of ones
    long codeBytes = (long) trees.size() * vectors.size() * CodeBlock.bytesPerCode(words, true);
    // codes computed ahead are held until written: past a bound, each entry is coded as written
    LeafEntryCodes entryCodes =
        codeBytes <= codesAheadBytes
            ? LeafEntryCodes.compute(vectors, trees, rotation, executor)
            : null;
    List<Callable<Void>> writes = new ArrayList<>(trees.size());
    for (int t = 0; t < trees.size(); t++) {
      int tree = t;
      ForestWriter.TreeWriter treeOut = out.tree(t);
      MappedVectors copy = t == 0 ? vectors : vectors.copy();
      writes.add(
          () -> {
            new Writing(
                    copy,
                    rotation,
                    entryCodes,
                    tree,
                    treeOut,
                    roots[tree],
                    firstLeaf[tree],
                    (long) tree * vectors.size())
                .write(trees.get(tree).root());
            return null;
          });
    }
    run(executor, writes);
    return new ForestLayout(roots, nodes, nodeBytes, leaves, (long) trees.size() * vectors.size());
  }

  private List<Tree> buildTrees(MappedVectors vectors, TaskExecutor executor) throws IOException {
    Tree first = new TreeBuilder(vectors, maxLeafSize, branching, treeSeed(seed, 0)).build();
    List<Tree> trees = new ArrayList<>(numTrees);
    trees.add(first);
    if (numTrees > 1) {
      SpillTreeBuilder spills = new SpillTreeBuilder(first, vectors.size(), maxLeafSize);
      for (int t = 1; t < numTrees; t++) {
        trees.add(spills.next(vectors, executor));
      }
    }
    return trees;
  }

  /** Vectors per task of {@link #inChunks}. */
  private static final int CHUNK = 4096;

  /** Work on the vectors {@code [from, to)}, read through {@code vectors}. */
  interface ChunkWork {
    void run(MappedVectors vectors, int from, int to) throws IOException;
  }

  /**
   * Runs {@code work} over all of {@code vectors} in chunks of {@value #CHUNK}: in tasks on {@code
   * executor}, each with its own {@link MappedVectors#copy()}, or on this thread without one.
   */
  static void inChunks(MappedVectors vectors, TaskExecutor executor, ChunkWork work)
      throws IOException {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int from = 0; from < vectors.size(); from += CHUNK) {
      int start = from;
      int end = Math.min(vectors.size(), from + CHUNK);
      MappedVectors copy = executor == null ? vectors : vectors.copy();
      tasks.add(
          () -> {
            work.run(copy, start, end);
            return null;
          });
    }
    run(executor, tasks);
  }

  static <T> List<T> run(TaskExecutor executor, List<Callable<T>> tasks) throws IOException {
    if (executor != null) {
      return executor.invokeAll(tasks);
    }
    List<T> results = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      try {
        results.add(task.call());
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return results;
  }

  private static int leafCount(Tree.Node node) {
    int count = 0;
    for (Tree.Node child : node.children()) {
      count += child.isLeaf() ? 1 : leafCount(child);
    }
    return count;
  }

  private static int nodeCount(Tree.Node node) {
    int count = 1;
    for (Tree.Node child : node.children()) {
      count += child.isLeaf() ? 0 : nodeCount(child);
    }
    return count;
  }

  /** Bytes of the records of {@code node} and its inner descendants. */
  private static long subtreeBytes(Tree.Node node, int words) {
    long bytes = NodeRecord.bytes(node.children().size(), words);
    for (Tree.Node child : node.children()) {
      if (child.isLeaf() == false) {
        bytes += subtreeBytes(child, words);
      }
    }
    return bytes;
  }

  /** Writes one tree in pre-order, numbering its leaves and entries from where the tree starts. */
  private final class Writing {
    final MappedVectors vectors;
    final LeafEntryCodes entryCodes;
    final int tree;
    final ForestWriter.TreeWriter out;
    final LeafCoder coder;
    final int words;
    final CodeBlock codes;
    long nodeBytes;
    int leaves;

    /** The index among all the forest's entries of the tree's first. */
    final long firstEntry;

    /** The tree's entries written so far. */
    int entries;

    /**
     * @param entryCodes the leaf entries' codes, or null to code each entry as it is written
     */
    Writing(
        MappedVectors vectors,
        FastRotation rotation,
        LeafEntryCodes entryCodes,
        int tree,
        ForestWriter.TreeWriter out,
        long firstNodeByte,
        int firstLeaf,
        long firstEntry) {
      this.vectors = vectors;
      this.entryCodes = entryCodes;
      this.firstEntry = firstEntry;
      this.tree = tree;
      this.out = out;
      this.coder = new LeafCoder(rotation, vectors.centre());
      this.words = coder.words();
      this.codes = new CodeBlock(Math.max(maxLeafSize, branching), words);
      this.nodeBytes = firstNodeByte;
      this.leaves = firstLeaf;
    }

    /**
     * Writes {@code node}'s record and then its subtrees: children's records follow their parent's,
     * so a child's reference is always larger than its parent's.
     */
    void write(Tree.Node node) throws IOException {
      List<Tree.Node> children = node.children();
      int count = children.size();
      int[] refs = new int[count];
      int[] sizes = new int[count];
      int[] firstEntries = new int[count];
      float[] separations = new float[count * count];
      long nodeEnd = nodeBytes + NodeRecord.bytes(count, words);
      int leaf = leaves;
      long entry = firstEntry + entries;
      coder.centroid(node.centroid());
      for (int c = 0; c < count; c++) {
        Tree.Node child = children.get(c);
        sizes[c] = child.size();
        if (child.isLeaf()) {
          refs[c] = NodeRefs.leafRef(leaf++);
          firstEntries[c] = Math.toIntExact(entry);
        } else {
          refs[c] = Math.toIntExact(nodeEnd);
          nodeEnd += subtreeBytes(child, words);
          leaf += leafCount(child);
        }
        entry += child.size();
        coder.encode(child.centroid(), codes, c);
        for (int o = 0; o < c; o++) {
          float separation =
              (float) Math.sqrt(squaredDistance(child.centroid(), children.get(o).centroid()));
          separations[c * count + o] = separation;
          separations[o * count + c] = separation;
        }
      }
      codes.interleave(count);
      out.node(count, refs, sizes, firstEntries, separations, codes);
      nodeBytes += NodeRecord.bytes(count, words);
      for (Tree.Node child : children) {
        if (child.isLeaf()) {
          int[] ords = child.ords();
          if (entryCodes != null) {
            entryCodes.copy(tree, entries, ords.length, codes);
          } else {
            coder.centroid(child.centroid());
            for (int e = 0; e < ords.length; e++) {
              coder.encode(vectors.vector(ords[e]), codes, e);
            }
          }
          codes.interleave(ords.length);
          out.leaf(child.centroid(), ords, ords.length, codes);
          leaves++;
          entries += ords.length;
        } else {
          write(child);
        }
      }
    }
  }

  private static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }
}
