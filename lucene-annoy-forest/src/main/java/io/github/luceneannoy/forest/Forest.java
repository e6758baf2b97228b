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

/**
 * A read-only view of a built forest and its codes: all {@link ForestSearcher} needs. The codec
 * reads it from files (off the heap); tests and the builder's calibration read forests held
 * elsewhere.
 *
 * <p>Instances may hold per-query state (file pointers) and are not thread-safe; one view per
 * query. Implementations check what they read (references, counts, ordinals) and report damage as
 * an {@link IOException}.
 */
public interface Forest {

  Geometry geometry();

  /** Vectors in the segment. */
  int size();

  /** Coordinates of a vector mapped by the {@link #geometry()}. */
  int dimension();

  /** The largest norm among the segment's vectors ({@link Geometry#INNER_PRODUCT} only). */
  float maxNorm();

  /** The segment's centre in the mapped space, also every root's centroid. Do not modify. */
  float[] centre();

  /** The rotation of the codes. */
  FastRotation rotation();

  int numTrees();

  /** The reference of tree {@code tree}'s root, always an inner node. */
  int root(int tree);

  /** The most children a node has. */
  int maxChildren();

  /** The most entries a leaf has. */
  int maxLeafSize();

  /**
   * Told that a traversal of the trees starts again from their roots ({@link LeafTraversal}): a
   * view that counts the nodes a traversal reads, to stop at a cycle in damaged trees, counts
   * afresh (a filtered search may traverse twice: {@link ForestSearcher}).
   */
  default void startTraversal() {}

  /** Reads inner node {@code ref} into {@code into}. */
  void readNode(int ref, NodeRecord into) throws IOException;

  /**
   * Reads the ordinals of leaf number {@code leaf}, whose {@code count} entries start at entry
   * {@code firstEntry}, into {@code into}.
   */
  void readLeafOrdinals(int leaf, int firstEntry, int count, LeafBlock into) throws IOException;

  /**
   * Reads only the centroid of leaf number {@code leaf}, whose {@code count} entries start at entry
   * {@code firstEntry}, into {@code into}: a search orders leaves by their exact distances.
   */
  void readLeafCentroid(int leaf, int firstEntry, int count, float[] into) throws IOException;

  /** Reads the codes of the leaf whose ordinals were just read into {@code into}. */
  void readLeafCodes(int leaf, int firstEntry, int count, LeafBlock into) throws IOException;

  /** Reads the ordinals and the codes of a leaf into {@code into}. */
  default void readLeaf(int leaf, int firstEntry, int count, LeafBlock into) throws IOException {
    readLeafOrdinals(leaf, firstEntry, count, into);
    readLeafCodes(leaf, firstEntry, count, into);
  }
}
