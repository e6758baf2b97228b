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
package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.VectorSource;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;

/** Adapters that present Lucene's vector holders to the forest builder as {@link VectorSource}s. */
final class VectorSources {
  private VectorSources() {}

  /**
   * Vectors buffered on the heap by the flat writer during indexing, read in the segment's final
   * order: ordinal {@code ord} is buffered vector {@code newToOld[ord]} (or {@code ord} when {@code
   * newToOld} is null, for an unsorted segment).
   */
  static VectorSource ofBuffered(List<?> vectors, int dimension, int[] newToOld) {
    return new Buffered(vectors, dimension, newToOld);
  }

  /** Vectors behind Lucene's random-access values (such as a memory-mapped file). */
  static VectorSource of(KnnVectorValues values) {
    if (values instanceof FloatVectorValues floats) {
      return new Floats(floats);
    }
    if (values instanceof ByteVectorValues bytes) {
      return new Bytes(bytes);
    }
    throw new IllegalArgumentException("unsupported vector values: " + values.getClass());
  }

  private static float[] widen(byte[] bytes, float[] into) {
    for (int i = 0; i < bytes.length; i++) {
      into[i] = bytes[i];
    }
    return into;
  }

  private static final class Buffered implements VectorSource {
    private final List<?> vectors;
    private final int dimension;
    private final int[] newToOld;
    private final float[] buffer;

    Buffered(List<?> vectors, int dimension, int[] newToOld) {
      this.vectors = vectors;
      this.dimension = dimension;
      this.newToOld = newToOld;
      this.buffer = new float[dimension];
    }

    @Override
    public int size() {
      return vectors.size();
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public float[] vector(int ord) {
      Object v = vectors.get(newToOld == null ? ord : newToOld[ord]);
      if (v instanceof float[]) {
        return (float[]) v;
      }
      return widen((byte[]) v, buffer);
    }

    @Override
    public VectorSource copy() {
      return new Buffered(vectors, dimension, newToOld);
    }
  }

  /** Size and dimension come straight from Lucene's values; subclasses decode a vector. */
  private abstract static class OfValues<V extends KnnVectorValues> implements VectorSource {
    final V values;

    OfValues(V values) {
      this.values = values;
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public int dimension() {
      return values.dimension();
    }
  }

  private static final class Floats extends OfValues<FloatVectorValues> {
    Floats(FloatVectorValues values) {
      super(values);
    }

    @Override
    public float[] vector(int ord) throws IOException {
      return values.vectorValue(ord);
    }

    @Override
    public VectorSource copy() throws IOException {
      return new Floats(values.copy());
    }
  }

  private static final class Bytes extends OfValues<ByteVectorValues> {
    private final float[] buffer;

    Bytes(ByteVectorValues values) {
      super(values);
      this.buffer = new float[values.dimension()];
    }

    @Override
    public float[] vector(int ord) throws IOException {
      return widen(values.vectorValue(ord), buffer);
    }

    @Override
    public VectorSource copy() throws IOException {
      return new Bytes(values.copy());
    }
  }
}
