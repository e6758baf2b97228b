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
import org.apache.lucene.search.TaskExecutor;

/**
 * The codes of every leaf entry of a forest's trees, computed vector by vector: a vector is rotated
 * once ({@code R(x - g)}) and coded relative to its leaf in every tree by subtracting the leaf's
 * rotated offset ({@link LeafCoder#encodeRotated}), where coding each entry on its own rotated
 * every vector once per tree (rotations were 30% of the samples of a Fashion-MNIST build on Java
 * 25, JFR; the benchmark's index + merge went from 5.9 - 6.7 s to 5.6 s). Each tree's codes lie in
 * the order its leaves are written, one after the other (not interleaved).
 */
final class LeafEntryCodes {
  private final CodeBlock[] trees;

  private LeafEntryCodes(CodeBlock[] trees) {
    this.trees = trees;
  }

  /**
   * Codes every entry of {@code trees} over {@code vectors}, whose leaves are written in pre-order
   * ({@link ForestBuilder}).
   */
  static LeafEntryCodes compute(
      MappedVectors vectors, List<Tree> trees, FastRotation rotation, TaskExecutor executor)
      throws IOException {
    int size = vectors.size();
    int words = rotation.paddedDimension() / Long.SIZE;
    int[][] position = new int[trees.size()][size];
    int[][] leafOf = new int[trees.size()][size];
    List<List<float[]>> offsets = new ArrayList<>();
    LeafCoder coder = new LeafCoder(rotation, vectors.centre());
    CodeBlock[] blocks = new CodeBlock[trees.size()];
    for (int t = 0; t < trees.size(); t++) {
      List<float[]> treeOffsets = new ArrayList<>();
      number(trees.get(t).root(), new int[1], position[t], leafOf[t], treeOffsets, coder);
      offsets.add(treeOffsets);
      blocks[t] = new CodeBlock(size, words);
    }
    ForestBuilder.inChunks(
        vectors,
        executor,
        (copy, from, to) -> {
          LeafCoder taskCoder = new LeafCoder(rotation, vectors.centre());
          float[] fromCentre = new float[rotation.paddedDimension()];
          for (int ord = from; ord < to; ord++) {
            taskCoder.rotateFromCentre(copy.vector(ord), fromCentre);
            for (int t = 0; t < blocks.length; t++) {
              taskCoder.encodeRotated(
                  fromCentre, offsets.get(t).get(leafOf[t][ord]), blocks[t], position[t][ord]);
            }
          }
        });
    return new LeafEntryCodes(blocks);
  }

  /**
   * Numbers the leaves under {@code node} in pre-order, from {@code next[0]} entries on: each
   * vector's position and leaf, each leaf's rotated offset.
   */
  private static void number(
      Tree.Node node,
      int[] next,
      int[] position,
      int[] leafOf,
      List<float[]> offsets,
      LeafCoder coder) {
    for (Tree.Node child : node.children()) {
      if (child.isLeaf()) {
        coder.centroid(child.centroid());
        float[] offset = new float[coder.words() * Long.SIZE];
        coder.centroidOffset(offset);
        for (int ord : child.ords()) {
          position[ord] = next[0]++;
          leafOf[ord] = offsets.size();
        }
        offsets.add(offset);
      } else {
        number(child, next, position, leafOf, offsets, coder);
      }
    }
  }

  /**
   * Copies the codes of tree {@code tree}'s entries {@code [first, first + count)} (counted from
   * the tree's first entry) to codes {@code 0 .. count} of {@code out}, one after the other.
   */
  void copy(int tree, int first, int count, CodeBlock out) {
    CodeBlock from = trees[tree];
    System.arraycopy(from.additive, first, out.additive, 0, count);
    System.arraycopy(from.scale, first, out.scale, 0, count);
    System.arraycopy(from.error, first, out.error, 0, count);
    System.arraycopy(from.ones, first, out.ones, 0, count);
    System.arraycopy(from.bits, first * from.words, out.bits, 0, count * from.words);
  }
}
