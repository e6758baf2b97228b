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
    long leaves = 0;
    long leafVectors = 0;
    long depthSum = 0;
    int minLeaf = Integer.MAX_VALUE;
    int maxLeaf = 0;
    int minDepth = Integer.MAX_VALUE;
    int maxDepth = 0;
    for (int tree = 0; tree < entry.numTrees(); tree++) {
      nodeStack[0] = entry.roots()[tree];
      depthStack[0] = 0;
      int top = 1;
      while (top > 0) {
        top--;
        int node = nodeStack[top];
        int depth = depthStack[top];
        if (NodeRefs.isLeaf(node)) {
          int count = forest.leaf(node, ords);
          leaves++;
          leafVectors += count;
          depthSum += depth;
          minLeaf = Math.min(minLeaf, count);
          maxLeaf = Math.max(maxLeaf, count);
          minDepth = Math.min(minDepth, depth);
          maxDepth = Math.max(maxDepth, depth);
        } else {
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
    }
    return new ForestStatistics(
        field,
        entry.encoding(),
        entry.similarity(),
        entry.dimension(),
        entry.size(),
        entry.numTrees(),
        entry.maxLeafSize(),
        entry.candidatesPerHit(),
        entry.seed(),
        entry.numSplits(),
        leaves,
        leaves == 0 ? 0 : minLeaf,
        maxLeaf,
        leaves == 0 ? 0 : (double) leafVectors / leaves,
        leaves == 0 ? 0 : minDepth,
        maxDepth,
        leaves == 0 ? 0 : (double) depthSum / leaves,
        entry.splitsLength(),
        entry.leavesLength());
  }
}
