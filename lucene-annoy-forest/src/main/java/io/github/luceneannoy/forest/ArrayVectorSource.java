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

/** Vectors held in an array of arrays; shared read-only between copies. */
public final class ArrayVectorSource implements VectorSource {
  private final float[][] vectors;
  private final int dimension;

  public ArrayVectorSource(float[][] vectors) {
    this.vectors = vectors;
    this.dimension = vectors.length == 0 ? 0 : vectors[0].length;
  }

  @Override
  public int size() {
    return vectors.length;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] vector(int ord) {
    return vectors[ord];
  }

  @Override
  public VectorSource copy() {
    return this;
  }
}
