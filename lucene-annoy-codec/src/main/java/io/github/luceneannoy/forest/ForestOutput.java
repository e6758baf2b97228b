package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * Where {@link ForestBuilder#buildTrees} puts each tree as soon as it is built, so that no more
 * than a few trees are ever on the heap: an array for tests and small forests ({@link
 * OnHeapForest#collector}), a file for the codec.
 *
 * <p>Trees arrive in tree order. Split records arrive numbered consecutively across all trees
 * (the {@code n}-th call describes split node {@code n}) and their child references are already
 * global: a split child is a split number, a leaf is a {@link NodeRefs#leafRef position} in the
 * concatenation of all leaf ints passed to {@link #leafInts}. Calls come from one thread at a time,
 * not always the same one.
 */
public interface ForestOutput {

  /**
   * The next split record: its children (negative side first), the offset and scale of its
   * hyperplane, and {@code normal[from .. from + length)}, the normal's coordinates as bytes to be
   * multiplied by {@code scale}. The array is reused: copy what you keep.
   */
  void split(int left, int right, float offset, float scale, byte[] normal, int from, int length)
      throws IOException;

  /**
   * The next {@code length} ints of the leaf section: leaves as their count followed by their
   * ordinals. The array is reused: copy what you keep.
   */
  void leafInts(int[] ints, int from, int length) throws IOException;
}
