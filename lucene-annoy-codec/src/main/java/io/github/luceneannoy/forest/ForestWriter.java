package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * Where {@link ForestBuilder} puts a forest: inner node records and leaves, each in the order they
 * are stored (trees one after the other, each in pre-order). An array for tests, files for the
 * codec. Arrays passed in are reused: copy what you keep.
 */
public interface ForestWriter {

  /**
   * The next inner node record ({@link NodeRecord}'s layout): {@code count} children with their
   * references ({@link NodeRefs}), sizes, first entries (leaves), the {@code count × count}
   * distances between their centroids, and their centroids' codes.
   */
  void node(int count, int[] refs, int[] sizes, int[] firstEntries, float[] separations, CodeBlock codes)
      throws IOException;

  /** The next leaf ({@link LeafBlock}'s layout): its centroid, {@code count} ordinals and their codes. */
  void leaf(float[] centroid, int[] ords, int count, CodeBlock codes) throws IOException;
}
