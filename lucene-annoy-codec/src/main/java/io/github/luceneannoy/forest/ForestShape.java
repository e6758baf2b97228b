package io.github.luceneannoy.forest;

/**
 * What the codec needs to know about a forest whose nodes went to a {@link ForestOutput}: its roots
 * and the sizes of its sections.
 *
 * @param normalDimension coordinates of each split normal
 * @param roots the root reference of each tree
 * @param numSplits split records written, over all trees
 * @param leavesLength leaf ints written, over all trees
 * @param peakTreeBytes the most heap that trees being built or waiting to be written held at once,
 *     by the builder's own accounting (see {@link ForestBuilder#buildTrees})
 */
public record ForestShape(
    int normalDimension, int[] roots, int numSplits, long leavesLength, long peakTreeBytes) {

  public int numTrees() {
    return roots.length;
  }
}
