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

import java.util.List;

/**
 * One tree of the forest as the builder makes it, on the heap until it is written: the root is an
 * inner node whose children are the top clusters (a single leaf when the segment fits in one), an
 * inner node's children are the clusters of its vectors, and a leaf holds the ordinals of at most
 * {@code maxLeafSize} vectors. Every node knows the centroid (mean) of the vectors under it, in the
 * forest's mapped space.
 *
 * <p>Heap: one int per vector (the leaves) and one centroid per node, about {@code 1/150} of the
 * vectors' floats at the default leaf size.
 */
public final class Tree {
  /** A node: the vectors under it, their centroid, and either children or (for a leaf) ordinals. */
  public static final class Node {
    final float[] centroid;
    final int size;
    final List<Node> children;
    final int[] ords;

    private Node(float[] centroid, int size, List<Node> children, int[] ords) {
      this.centroid = centroid;
      this.size = size;
      this.children = children;
      this.ords = ords;
    }

    static Node inner(float[] centroid, int size, List<Node> children) {
      return new Node(centroid, size, List.copyOf(children), null);
    }

    static Node leaf(float[] centroid, int[] ords) {
      return new Node(centroid, ords.length, null, ords);
    }

    public boolean isLeaf() {
      return ords != null;
    }

    /** Vectors under this node. */
    public int size() {
      return size;
    }

    /** The mean of the mapped vectors under this node. Do not modify. */
    public float[] centroid() {
      return centroid;
    }

    /** Children of an inner node, in the order they are written. */
    public List<Node> children() {
      return children;
    }

    /** Ordinals of a leaf, in increasing order. Do not modify. */
    public int[] ords() {
      return ords;
    }
  }

  private final Node root;

  Tree(Node root) {
    this.root = root;
  }

  /** The root: always an inner node, so that every leaf has a parent that stores its centroid. */
  public Node root() {
    return root;
  }
}
