package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.NodeRefs;
import java.io.IOException;
import java.util.Arrays;

/** Walks every tree of a field's forest once to measure depths and leaf sizes. */
final class ForestWalker {
  private ForestWalker() {}

  static ForestStatistics walk(String field, FieldEntry entry, OffHeapForest forest)
      throws IOException {
    int[] ords = new int[entry.maxLeafSize()];
    int[] children = new int[2];
    // explicit stacks: a degenerate tree can be far deeper than the thread stack allows
    int[] nodeStack = new int[64];
    int[] depthStack = new int[64];
    Tally tally = new Tally();
    for (int tree = 0; tree < entry.numTrees(); tree++) {
      nodeStack[0] = entry.roots()[tree];
      depthStack[0] = 0;
      int top = 1;
      while (top > 0) {
        top--;
        int node = nodeStack[top];
        int depth = depthStack[top];
        if (NodeRefs.isLeaf(node)) {
          tally.leaf(forest.leaf(node, ords), depth);
          continue;
        }
        forest.readChildren(node, children);
        if (top + 2 > nodeStack.length) {
          nodeStack = Arrays.copyOf(nodeStack, nodeStack.length * 2);
          depthStack = Arrays.copyOf(depthStack, depthStack.length * 2);
        }
        for (int child : children) {
          nodeStack[top] = child;
          depthStack[top] = depth + 1;
          top++;
        }
      }
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
          field, entry.encoding(), entry.similarity(), entry.dimension(), entry.size(),
          entry.numTrees(), entry.maxLeafSize(), entry.candidatesPerHit(), entry.seed(),
          entry.numSplits(), leaves,
          none ? 0 : minLeaf, maxLeaf, none ? 0 : (double) leafVectors / leaves,
          none ? 0 : minDepth, maxDepth, none ? 0 : (double) depthSum / leaves,
          entry.splitsLength(), entry.leavesLength(), entry.sketchesLength());
    }
  }
}
