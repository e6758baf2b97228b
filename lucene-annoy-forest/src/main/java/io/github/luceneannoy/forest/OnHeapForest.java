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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.search.TaskExecutor;

/**
 * A forest held on the heap: what {@link ForestBuilder} wrote, kept as arrays. For tests and
 * experiments; the codec reads its forests from files.
 */
public final class OnHeapForest implements Forest, ForestWriter {
  private final Geometry geometry;
  private final int size;
  private final int dimension;
  private final float maxNorm;
  private final float[] centre;
  private final FastRotation rotation;
  private final int maxChildren;
  private final int maxLeafSize;
  private final Map<Integer, Node> nodes = new HashMap<>();
  private final List<Leaf> leaves = new ArrayList<>();
  private final Map<Integer, List<Node>> pending = new HashMap<>();
  private final Map<Integer, List<Leaf>> pendingLeaves = new HashMap<>();
  private final int words;
  private int[] roots = new int[0];

  private record Codes(float[] additive, float[] scale, float[] error, int[] ones, long[] bits) {
    static Codes copy(CodeBlock block, int count) {
      return new Codes(
          Arrays.copyOf(block.additive, count),
          Arrays.copyOf(block.scale, count),
          Arrays.copyOf(block.error, count),
          Arrays.copyOf(block.ones, count),
          Arrays.copyOf(block.bits, count * block.words));
    }

    void into(CodeBlock block) {
      System.arraycopy(additive, 0, block.additive, 0, additive.length);
      System.arraycopy(scale, 0, block.scale, 0, scale.length);
      System.arraycopy(error, 0, block.error, 0, error.length);
      System.arraycopy(ones, 0, block.ones, 0, ones.length);
      System.arraycopy(bits, 0, block.bits, 0, bits.length);
      block.count = ones.length;
    }
  }

  private record Node(
      int count, int[] refs, int[] sizes, int[] firstEntries, float[] separations, Codes codes) {}

  private record Leaf(float[] centroid, int firstEntry, int[] ords, Codes codes) {}

  private OnHeapForest(MappedVectors vectors, int maxChildren, int maxLeafSize, long seed) {
    this.geometry = vectors.geometry();
    this.size = vectors.size();
    this.dimension = vectors.dimension();
    this.maxNorm = vectors.maxNorm();
    this.centre = vectors.centre();
    this.rotation = new FastRotation(dimension, ForestBuilder.rotationSeed(seed));
    this.maxChildren = maxChildren;
    this.maxLeafSize = maxLeafSize;
    this.words = rotation.paddedDimension() / Long.SIZE;
  }

  /** Builds a forest of {@code vectors} on the heap. */
  public static OnHeapForest build(
      VectorSource vectors,
      Geometry geometry,
      int numTrees,
      int maxLeafSize,
      int branching,
      long seed,
      TaskExecutor executor)
      throws IOException {
    MappedVectors mapped = MappedVectors.of(vectors, geometry);
    OnHeapForest forest = new OnHeapForest(mapped, branching, maxLeafSize, seed);
    ForestLayout layout =
        new ForestBuilder(geometry, numTrees, maxLeafSize, branching, seed)
            .build(mapped, executor, forest);
    forest.roots = layout.roots();
    forest.place();
    return forest;
  }

  @Override
  public TreeWriter tree(int tree) {
    return new TreeWriter() {
      @Override
      public void node(
          int count,
          int[] refs,
          int[] sizes,
          int[] firstEntries,
          float[] separations,
          CodeBlock codes) {
        Node node =
            new Node(
                count,
                Arrays.copyOf(refs, count),
                Arrays.copyOf(sizes, count),
                Arrays.copyOf(firstEntries, count),
                Arrays.copyOf(separations, count * count),
                Codes.copy(codes, count));
        synchronized (OnHeapForest.this) {
          pending.computeIfAbsent(tree, t -> new ArrayList<>()).add(node);
        }
      }

      @Override
      public void leaf(float[] centroid, int[] ords, int count, CodeBlock codes) {
        Leaf leaf =
            new Leaf(centroid.clone(), -1, Arrays.copyOf(ords, count), Codes.copy(codes, count));
        synchronized (OnHeapForest.this) {
          pendingLeaves.computeIfAbsent(tree, t -> new ArrayList<>()).add(leaf);
        }
      }
    };
  }

  /** Lays the trees' records out one tree after the other, as the files do. */
  private void place() {
    long nodeBytes = 0;
    long entries = 0;
    for (int t = 0; t < pending.size(); t++) {
      for (Node node : pending.get(t)) {
        nodes.put(Math.toIntExact(nodeBytes), node);
        nodeBytes += NodeRecord.bytes(node.count, words);
      }
      for (Leaf leaf : pendingLeaves.getOrDefault(t, List.of())) {
        leaves.add(new Leaf(leaf.centroid, Math.toIntExact(entries), leaf.ords, leaf.codes));
        entries += leaf.ords.length;
      }
    }
  }

  /** Inner nodes written. */
  public int nodeCount() {
    return nodes.size();
  }

  /** Leaves written, over all trees. */
  public int leafCount() {
    return leaves.size();
  }

  @Override
  public Geometry geometry() {
    return geometry;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float maxNorm() {
    return maxNorm;
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
    return roots.length;
  }

  @Override
  public int root(int tree) {
    return roots[tree];
  }

  @Override
  public int maxChildren() {
    return maxChildren;
  }

  @Override
  public int maxLeafSize() {
    return maxLeafSize;
  }

  @Override
  public void readNode(int ref, NodeRecord into) throws IOException {
    Node node = nodes.get(ref);
    if (node == null) {
      throw new IOException("no node record at " + ref);
    }
    into.count = node.count;
    int stride = into.maxChildren();
    System.arraycopy(node.refs, 0, into.refs, 0, node.count);
    System.arraycopy(node.sizes, 0, into.sizes, 0, node.count);
    System.arraycopy(node.firstEntries, 0, into.firstEntries, 0, node.count);
    for (int c = 0; c < node.count; c++) {
      System.arraycopy(
          node.separations, c * node.count, into.siblingDistances, c * stride, node.count);
    }
    node.codes.into(into.codes);
  }

  @Override
  public void readLeafOrdinals(int leaf, int firstEntry, int count, LeafBlock into)
      throws IOException {
    System.arraycopy(leaf(leaf, firstEntry, count).ords, 0, into.ords, 0, count);
    into.count = count;
  }

  @Override
  public void readLeafCentroid(int leaf, int firstEntry, int count, float[] into)
      throws IOException {
    System.arraycopy(leaf(leaf, firstEntry, count).centroid, 0, into, 0, dimension);
  }

  @Override
  public void readLeafCodes(int leaf, int firstEntry, int count, LeafBlock into)
      throws IOException {
    leaf(leaf, firstEntry, count).codes.into(into.codes);
  }

  private Leaf leaf(int leaf, int firstEntry, int count) throws IOException {
    Leaf stored = leaf >= 0 && leaf < leaves.size() ? leaves.get(leaf) : null;
    if (stored == null || stored.ords.length != count || stored.firstEntry != firstEntry) {
      throw new IOException("no leaf " + leaf + " of " + count + " entries from " + firstEntry);
    }
    return stored;
  }
}
