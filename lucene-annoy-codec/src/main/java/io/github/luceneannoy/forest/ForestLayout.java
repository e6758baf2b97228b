package io.github.luceneannoy.forest;

/**
 * What a written forest looks like from outside: where each tree's root record is and how large
 * the two sections are.
 *
 * @param roots the position of each tree's root record in the node section
 * @param nodes inner nodes of all trees
 * @param nodeBytes bytes of all node records
 * @param leaves leaves of all trees
 * @param entries leaf entries of all trees: the number of trees times the number of vectors
 */
public record ForestLayout(int[] roots, int nodes, long nodeBytes, int leaves, long entries) {}
