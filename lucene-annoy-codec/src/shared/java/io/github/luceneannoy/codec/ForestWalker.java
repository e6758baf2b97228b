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

import io.github.luceneannoy.forest.NodeRecord;
import io.github.luceneannoy.forest.NodeRefs;
import java.io.IOException;
import java.util.Arrays;

/**
 * Walks every tree of a field's forest once to measure depths and leaf sizes, and checks that the
 * trees hold what the metadata says (inner nodes, leaves, every vector once per tree).
 */
final class ForestWalker {
  private ForestWalker() {}

  static ForestStatistics walk(String field, FieldEntry entry, OffHeapForest forest)
      throws IOException {
    NodeRecord record = new NodeRecord(entry.branching(), entry.words());
    // explicit stacks: a degenerate tree can be far deeper than the thread stack allows
    int[] nodeStack = new int[64];
    int[] depthStack = new int[64];
    Tally tally = new Tally();
    int innerNodes = 0;
    for (int tree = 0; tree < entry.numTrees(); tree++) {
      nodeStack[0] = entry.roots()[tree];
      depthStack[0] = 1;
      int top = 1;
      long treeEntries = 0;
      while (top > 0) {
        top--;
        int node = nodeStack[top];
        int depth = depthStack[top];
        forest.readNode(node, record);
        innerNodes++;
        for (int c = 0; c < record.count; c++) {
          if (NodeRefs.isLeaf(record.refs[c])) {
            tally.leaf(record.sizes[c], depth);
            treeEntries += record.sizes[c];
            continue;
          }
          if (top == nodeStack.length) {
            nodeStack = Arrays.copyOf(nodeStack, nodeStack.length * 2);
            depthStack = Arrays.copyOf(depthStack, depthStack.length * 2);
          }
          nodeStack[top] = record.refs[c];
          depthStack[top] = depth + 1;
          top++;
        }
      }
      // what the statistics report must be what the metadata says: every vector once per tree
      if (treeEntries != entry.size()) {
        throw forest.corrupt(
            "field \""
                + field
                + "\": tree "
                + tree
                + " has "
                + treeEntries
                + " leaf entries for "
                + entry.size()
                + " vectors");
      }
    }
    if (innerNodes != entry.nodeCount() || tally.leaves != entry.leafCount()) {
      throw forest.corrupt(
          "field \""
              + field
              + "\": the trees have "
              + innerNodes
              + " inner nodes and "
              + tally.leaves
              + " leaves, the metadata "
              + entry.nodeCount()
              + " and "
              + entry.leafCount());
    }
    return tally.toStatistics(field, entry);
  }

  /** Running counts over the leaves seen. */
  private static final class Tally {
    long leaves;
    long leafVectors;
    long depthSum;
    int minLeaf = Integer.MAX_VALUE;
    int maxLeaf;
    int minDepth = Integer.MAX_VALUE;
    int maxDepth;

    void leaf(int size, int depth) {
      leaves++;
      leafVectors += size;
      depthSum += depth;
      minLeaf = Math.min(minLeaf, size);
      maxLeaf = Math.max(maxLeaf, size);
      minDepth = Math.min(minDepth, depth);
      maxDepth = Math.max(maxDepth, depth);
    }

    ForestStatistics toStatistics(String field, FieldEntry entry) {
      boolean none = leaves == 0;
      return new ForestStatistics(
          field,
          entry.encoding(),
          entry.similarity(),
          entry.dimension(),
          entry.size(),
          entry.numTrees(),
          entry.branching(),
          entry.maxLeafSize(),
          entry.targetRecall(),
          entry.order().name().toLowerCase(java.util.Locale.ROOT),
          entry.budget10(),
          entry.budget100(),
          entry.seed(),
          entry.nodeCount(),
          leaves,
          none ? 0 : minLeaf,
          maxLeaf,
          none ? 0 : (double) leafVectors / leaves,
          none ? 0 : minDepth,
          maxDepth,
          none ? 0 : (double) depthSum / leaves,
          entry.nodesLength(),
          entry.leavesLength());
    }
  }
}
