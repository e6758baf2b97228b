package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * A read-only view of a built forest, the only thing {@link ForestSearcher} needs.
 *
 * <p>A node is named by an {@code int} reference: a value {@code >= 0} is a split node, a value
 * {@code < 0} is a leaf (see {@link NodeRefs}). Split nodes of one tree are numbered in pre-order,
 * so a split node's split children always have larger numbers than the node itself; views check
 * this, which makes a cycle (from a damaged file) impossible.
 *
 * <p>Instances may hold per-query state (such as a file pointer) and are not thread-safe; the
 * codec creates one view per query.
 */
public interface Forest {

  /**
   * The projection the trees were built in, or null when they split the vectors' own coordinates.
   * Margins take the query in the space the trees were built in.
   */
  Projection projection();

  /**
   * The sketches of the vectors, or null when the forest has none (it has them exactly when it has
   * a {@link #projection()}).
   */
  Sketches sketches();

  /** Number of trees. */
  int numTrees();

  /** The root reference of tree {@code tree}. */
  int root(int tree);

  /** Upper bound on the number of ordinals in one leaf. */
  int maxLeafSize();

  /**
   * Reads split node {@code node}: stores its children in {@code children[0]} (the side with
   * negative margins) and {@code children[1]} (positive margins) and returns the margin of {@code
   * query}, the offset plus the dot product of the normal's first {@code query.length} coordinates
   * with the query.
   */
  float split(int node, float[] query, int[] children) throws IOException;

  /**
   * Copies the ordinals of leaf {@code ref} into {@code ords}, which holds at least {@link
   * #maxLeafSize()} elements, and returns how many there are.
   */
  int leaf(int ref, int[] ords) throws IOException;
}
