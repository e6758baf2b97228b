package io.github.luceneannoy.forest;

/**
 * Encoding of node references: split nodes are their index ({@code >= 0}); a leaf is {@code
 * -(position + 1)}, where position is the index of its first int in the leaf array (which holds the
 * leaf's length followed by its ordinals).
 */
public final class NodeRefs {
  private NodeRefs() {}

  public static boolean isLeaf(int ref) {
    return ref < 0;
  }

  public static int leafRef(int position) {
    return -position - 1;
  }

  public static int leafPosition(int ref) {
    return -ref - 1;
  }
}
