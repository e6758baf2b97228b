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

/**
 * How a child is named in a node record: a value {@code >= 0} is an inner node, the position of its
 * record in the node section; a value {@code < 0} is a leaf, {@code -1 - leaf}, with {@code leaf}
 * the leaf's number among all leaves of the field's trees in the order they are stored.
 */
public final class NodeRefs {
  private NodeRefs() {}

  public static boolean isLeaf(int ref) {
    return ref < 0;
  }

  /** The reference of leaf number {@code leaf}. */
  public static int leafRef(int leaf) {
    return -1 - leaf;
  }

  /** The number of leaf {@code ref}. */
  public static int leafNumber(int ref) {
    return -1 - ref;
  }
}
