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
