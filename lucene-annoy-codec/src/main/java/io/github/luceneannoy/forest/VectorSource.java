package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * Random access to the vectors a forest is built over, by ordinal {@code 0 .. size()-1}.
 *
 * <p>Implementations may be backed by the heap, by a memory-mapped file or by a temporary file, so
 * the builder never assumes that all vectors fit on the heap. Byte vectors are presented as floats:
 * splits are computed in floating point whatever the stored encoding.
 */
public interface VectorSource {

  /** Number of vectors. */
  int size();

  /** Number of components of every vector. */
  int dimension();

  /**
   * Returns the vector with ordinal {@code ord}. The returned array may be a buffer that the next
   * call on this instance overwrites: copy it to keep it, and never modify it.
   */
  float[] vector(int ord) throws IOException;

  /** Returns an independent instance that another thread may use concurrently with this one. */
  VectorSource copy() throws IOException;
}
