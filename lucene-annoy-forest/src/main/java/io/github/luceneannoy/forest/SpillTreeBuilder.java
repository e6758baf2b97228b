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
import java.util.List;
import org.apache.lucene.search.TaskExecutor;

/**
 * Builds a forest's further trees from its first: the same nodes and centroids, but every vector in
 * another leaf, chosen so that a query that misses it in its own leaf tends to find it there.
 *
 * <p>A vector {@code x} in leaf {@code c₁} of the first tree has the residual {@code r = x - c₁}. A
 * query {@code q} ranks leaves by centroid distance, so it misses {@code x} when {@code |q - c₁|}
 * is large although {@code |q - x|} is small, which happens when {@code q - x} points along {@code
 * r}. A second leaf {@code c} helps most when its own residual {@code x - c} is short and does not
 * point along {@code r}, so each vector goes to the leaf (other than those it is already in) that
 * minimises {@code |x - c|² + λ·(r·(x - c))²/|r|²}, {@value #LAMBDA} for λ, summed over the
 * residuals of every earlier tree (the spilling rule of Sun et al., "SOAR: improved indexing for
 * approximate nearest neighbor search", NeurIPS 2023).
 *
 * <p>Measured against a second k-means tree of its own seed (text embeddings, 60,000 vectors, 1,000
 * held-out queries, leaves read in exact centroid order, recall@10 of the vectors gathered): 0.943
 * against 0.930 at 4,000 leaf entries, 0.970 against 0.954 at 6,000, 0.990 against 0.981 at 12,000
 * (0.99 at about half the entries). But on isotropic Gaussian blobs, where a residual's direction
 * tells nothing, the k-means tree gathered somewhat more. A leaf holds at most {@code maxLeafSize}
 * entries in every tree: a vector whose best leaf is full takes its next best; that cap cost
 * nothing measurable.
 *
 * <p>Only the {@value #CANDIDATES} leaves nearest a vector among those under the {@value #OPENED}
 * inner nodes nearest it are weighed: weighing every leaf gathered 0.946 at 4,000, the nearest 8 of
 * all leaves 0.944. Leaves that receive no vector are left out of the tree, and so are nodes left
 * without leaves.
 */
final class SpillTreeBuilder {
  /** The weight of the residuals' alignment in the spilling rule: the paper's 1 measured best. */
  static final float LAMBDA = 1f;

  /** Leaves weighed per vector, the nearest to it. */
  static final int CANDIDATES = 8;

  /**
   * Inner nodes opened, nearest first, to find a vector's nearest leaves. A vector's nearest leaves
   * lie under many of the top clusters: on text embeddings, with 2, 4, 8 and 16 of the 32 opened
   * the spilled tree gathered 0.903, 0.921, 0.938 and 0.943 of the neighbours in 4,000 entries (all
   * leaves weighed: 0.946; a second k-means tree: 0.930); and a leaf's nearest leaves did not stand
   * in for a vector's (0.906).
   */
  static final int OPENED = 16;

  /**
   * Centroids (of nodes and leaves) measured per vector, at most: nodes stop being opened once as
   * many have been. 60,000 vectors make nodes of about 12 leaves, and opening 16 of them measures
   * some 220 centroids; larger segments have nodes of up to 32 children, where this bounds the
   * cost. Even so a vector costs several times what its k-means assignment does: on a million 128-d
   * vectors (Java 17, one thread) the spilled tree took 21 s where the first tree took 5.
   */
  static final int MEASURED = 320;

  /** Choices kept per vector, best first, for when the better ones are full. */
  private static final int CHOICES = 4;

  private static final ForestKernels KERNELS = ForestKernels.get();

  private final Tree first;
  private final int maxLeafSize;
  private final float lambda;

  /** The first tree's leaves, by index. */
  private final List<Tree.Node> leaves = new ArrayList<>();

  /** The first tree's inner nodes' children: an inner node's number, or {@code -1 - leaf}. */
  private final List<int[]> children = new ArrayList<>();

  /** The first tree's inner nodes' centroids, by number. */
  private final List<float[]> nodeCentroids = new ArrayList<>();

  /** The leaf of each vector in each tree built so far (the first tree's at {@code [0]}). */
  private final List<int[]> assigned = new ArrayList<>();

  /**
   * @param first the forest's first tree
   * @param size how many vectors it holds
   * @param maxLeafSize the most entries a leaf may hold
   */
  SpillTreeBuilder(Tree first, int size, int maxLeafSize) {
    this(first, size, maxLeafSize, LAMBDA);
  }

  /** As {@link #SpillTreeBuilder(Tree, int, int)} with {@code lambda} for λ (tests compare). */
  SpillTreeBuilder(Tree first, int size, int maxLeafSize, float lambda) {
    this.lambda = lambda;
    this.first = first;
    this.maxLeafSize = maxLeafSize;
    number(first.root());
    int[] primary = new int[size];
    for (int l = 0; l < leaves.size(); l++) {
      for (int ord : leaves.get(l).ords()) {
        primary[ord] = l;
      }
    }
    assigned.add(primary);
  }

  /** Numbers the inner nodes in pre-order and the leaves in order. */
  private int number(Tree.Node node) {
    int id = children.size();
    int[] refs = new int[node.children().size()];
    children.add(refs);
    nodeCentroids.add(node.centroid());
    for (int c = 0; c < refs.length; c++) {
      Tree.Node child = node.children().get(c);
      if (child.isLeaf()) {
        refs[c] = -1 - leaves.size();
        leaves.add(child);
      } else {
        refs[c] = number(child);
      }
    }
    return id;
  }

  /**
   * Builds the next tree: each vector in the leaf the spilling rule prefers among those it is not
   * in yet.
   *
   * @param vectors the mapped vectors; {@link MappedVectors#copy() copied} for each task
   * @param executor runs the choice of leaves in tasks, or null to run it on this thread
   */
  Tree next(MappedVectors vectors, TaskExecutor executor) throws IOException {
    int size = vectors.size();
    int[] choices = new int[Math.multiplyExact(size, CHOICES)];
    ForestBuilder.inChunks(
        vectors,
        executor,
        (copy, from, to) -> {
          Chooser chooser = new Chooser(assigned.size(), vectors.dimension());
          for (int ord = from; ord < to; ord++) {
            chooser.choose(copy.vector(ord), ord, choices, ord * CHOICES);
          }
        });
    int[] leafOf = place(vectors, choices);
    assigned.add(leafOf);
    int[][] members = members(leafOf);
    return new Tree(copyWith(first.root(), 0, members));
  }

  /**
   * Puts each vector, in ordinal order, in its first choice that has room: the order makes the
   * result independent of the tasks.
   */
  private int[] place(MappedVectors vectors, int[] choices) throws IOException {
    int[] fill = new int[leaves.size()];
    int[] leafOf = new int[vectors.size()];
    for (int ord = 0; ord < leafOf.length; ord++) {
      int leaf = -1;
      for (int i = 0; i < CHOICES && leaf < 0; i++) {
        int choice = choices[ord * CHOICES + i];
        if (choice >= 0 && fill[choice] < maxLeafSize) {
          leaf = choice;
        }
      }
      if (leaf < 0) {
        leaf = nearestWithRoom(vectors.vector(ord), ord, fill);
      }
      fill[leaf]++;
      leafOf[ord] = leaf;
    }
    return leafOf;
  }

  /**
   * The leaf nearest vector {@code ord} ({@code x}) that has room and does not hold it yet, or, in
   * a forest of more trees than leaves, one that has room. There is one with room, since the first
   * tree's leaves hold every vector within the cap. Rare (every choice of the vector full), so it
   * measures every leaf.
   */
  private int nearestWithRoom(float[] x, int ord, int[] fill) {
    int best = -1;
    float bestDistance = Float.POSITIVE_INFINITY;
    boolean bestHolds = true;
    for (int l = 0; l < leaves.size(); l++) {
      if (fill[l] < maxLeafSize) {
        boolean holds = holds(ord, l);
        if (holds && bestHolds == false) {
          continue;
        }
        float distance = KERNELS.squareDistance(x, leaves.get(l).centroid());
        if (best < 0 || (bestHolds && holds == false) || distance < bestDistance) {
          best = l;
          bestDistance = distance;
          bestHolds = holds;
        }
      }
    }
    return best;
  }

  /** Whether leaf {@code leaf} holds vector {@code ord} in a tree built so far. */
  private boolean holds(int ord, int leaf) {
    for (int[] leafOf : assigned) {
      if (leafOf[ord] == leaf) {
        return true;
      }
    }
    return false;
  }

  /** The ordinals each leaf receives, in increasing order. */
  private int[][] members(int[] leafOf) {
    int[] counts = new int[leaves.size()];
    for (int leaf : leafOf) {
      counts[leaf]++;
    }
    int[][] members = new int[leaves.size()][];
    for (int l = 0; l < members.length; l++) {
      members[l] = new int[counts[l]];
    }
    Arrays.fill(counts, 0);
    for (int ord = 0; ord < leafOf.length; ord++) {
      members[leafOf[ord]][counts[leafOf[ord]]++] = ord;
    }
    return members;
  }

  /**
   * {@code node} (inner node {@code id}) with its leaves holding {@code members}, without empty
   * leaves and nodes.
   */
  private Tree.Node copyWith(Tree.Node node, int id, int[][] members) {
    int[] refs = children.get(id);
    List<Tree.Node> copies = new ArrayList<>(refs.length);
    int size = 0;
    for (int c = 0; c < refs.length; c++) {
      Tree.Node child = node.children().get(c);
      Tree.Node copy;
      if (refs[c] < 0) {
        int[] ords = members[-1 - refs[c]];
        copy = ords.length == 0 ? null : Tree.Node.leaf(child.centroid(), ords);
      } else {
        copy = copyWith(child, refs[c], members);
        copy = copy.children().isEmpty() ? null : copy;
      }
      if (copy != null) {
        copies.add(copy);
        size += copy.size();
      }
    }
    return Tree.Node.inner(node.centroid(), size, copies);
  }

  /** The nearest leaves offered so far, nearest first, up to a capacity. */
  private static final class NearestLeaves {
    final int[] leaves;
    final float[] distances;
    int count;

    NearestLeaves(int capacity) {
      leaves = new int[capacity];
      distances = new float[capacity];
    }

    void clear() {
      count = 0;
    }

    void offer(int leaf, float distance) {
      int at = count;
      if (count == leaves.length) {
        if (distance >= distances[count - 1]) {
          return;
        }
        at = count - 1;
      } else {
        count++;
      }
      while (at > 0 && distances[at - 1] > distance) {
        leaves[at] = leaves[at - 1];
        distances[at] = distances[at - 1];
        at--;
      }
      leaves[at] = leaf;
      distances[at] = distance;
    }
  }

  /** Chooses leaves for one vector at a time; one per task. */
  private final class Chooser {
    private final NearestLeaves nearest;
    private final ProbeHeap nodes = new ProbeHeap();
    private final int[] candidates;
    private final float[] scores;
    private final float[][] residuals;
    private final float[] residualNorms;

    /** {@code r·x} of each residual {@code r}. */
    private final float[] residualDots;

    /** A chooser for the tree after {@code trees} trees, whose leaves it leaves out. */
    Chooser(int trees, int dimension) {
      // room for the candidates and the leaves that already hold the vector among the nearest
      nearest = new NearestLeaves(CANDIDATES + trees);
      candidates = new int[nearest.leaves.length];
      scores = new float[nearest.leaves.length];
      residuals = new float[trees][dimension];
      residualNorms = new float[trees];
      residualDots = new float[trees];
    }

    /** Writes the {@value #CHOICES} best leaves for vector {@code x} at {@code out[offset ..]}. */
    void choose(float[] x, int ord, int[] out, int offset) {
      int trees = residuals.length;
      for (int t = 0; t < trees; t++) {
        float[] centroid = leaves.get(assigned.get(t)[ord]).centroid();
        float[] r = residuals[t];
        for (int i = 0; i < x.length; i++) {
          r[i] = x[i] - centroid[i];
        }
        residualNorms[t] = KERNELS.dot(r, r);
        residualDots[t] = KERNELS.dot(r, x);
      }
      nearestLeaves(x);
      int kept = 0;
      for (int i = 0; i < nearest.count && kept < CANDIDATES; i++) {
        int leaf = nearest.leaves[i];
        if (holds(ord, leaf)) {
          continue;
        }
        float[] c = leaves.get(leaf).centroid();
        double score = nearest.distances[i];
        for (int t = 0; t < trees; t++) {
          if (residualNorms[t] > 0) {
            float alignment = residualDots[t] - KERNELS.dot(residuals[t], c);
            score += lambda * (double) alignment * alignment / residualNorms[t];
          }
        }
        candidates[kept] = leaf;
        scores[kept] = (float) score;
        kept++;
      }
      for (int i = 0; i < CHOICES; i++) {
        int best = -1;
        for (int j = 0; j < kept; j++) {
          if (candidates[j] >= 0 && (best < 0 || scores[j] < scores[best])) {
            best = j;
          }
        }
        out[offset + i] = best < 0 ? -1 : candidates[best];
        if (best >= 0) {
          candidates[best] = -1;
        }
      }
    }

    /**
     * Puts in {@link #nearest} the leaves nearest {@code x} among those under the {@value #OPENED}
     * inner nodes nearest it, opened best-first from the root.
     */
    private void nearestLeaves(float[] x) {
      nearest.clear();
      nodes.clear();
      int node = 0;
      int measured = 0;
      for (int open = 0; ; open++) {
        int[] refs = children.get(node);
        for (int c = 0; c < refs.length; c++) {
          int child = refs[c];
          if (child < 0) {
            int leaf = -1 - child;
            nearest.offer(leaf, KERNELS.squareDistance(x, leaves.get(leaf).centroid()));
            measured++;
          } else {
            float distance = KERNELS.squareDistance(x, nodeCentroids.get(child));
            nodes.push(distance, child, 0, 0, distance);
            measured++;
          }
        }
        if (nodes.size() == 0 || open == OPENED || measured >= MEASURED) {
          break;
        }
        node = nodes.topRef();
        nodes.pop();
      }
    }
  }
}
