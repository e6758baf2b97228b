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
 * Where {@link ForestBuilder} puts a forest: for each tree, its inner node records and leaves in
 * the order they are stored (pre-order). Trees may be written at the same time by different
 * threads, each tree by one; the forest's sections are then tree 0's records, tree 1's, and so on.
 * An array for tests, files for the codec.
 */
public interface ForestWriter {

  /** The writer of tree {@code tree}'s records; called once per tree. */
  TreeWriter tree(int tree) throws IOException;

  /** One tree's records, in order. Arrays passed in are reused: copy what you keep. */
  interface TreeWriter {

    /**
     * The next inner node record ({@link NodeRecord}'s layout): {@code count} children with their
     * references ({@link NodeRefs}), sizes, first entries (leaves), the {@code count × count}
     * distances between their centroids, and their centroids' codes.
     */
    void node(
        int count,
        int[] refs,
        int[] sizes,
        int[] firstEntries,
        float[] separations,
        CodeBlock codes)
        throws IOException;

    /**
     * The next leaf ({@link LeafBlock}'s layout): its centroid, {@code count} ordinals and their
     * codes.
     */
    void leaf(float[] centroid, int[] ords, int count, CodeBlock codes) throws IOException;
  }
}
