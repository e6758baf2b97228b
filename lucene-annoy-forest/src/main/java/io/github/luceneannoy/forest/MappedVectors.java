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
 * A segment's vectors as the forest sees them: mapped by the field's {@link Geometry}, so that
 * every computation of the build is squared Euclidean distance. Also knows the two statistics the
 * mapping and the codes need from a first pass: the largest norm and the centre (mean).
 *
 * <p>Not thread-safe (the mapped vector is a reused buffer); {@link #copy()} gives an independent
 * instance for another thread.
 */
public final class MappedVectors {
  private final VectorSource source;
  private final Geometry geometry;
  private final float maxNorm;
  private final float[] centre;
  private final float[] buffer;

  private MappedVectors(VectorSource source, Geometry geometry, float maxNorm, float[] centre) {
    this.source = source;
    this.geometry = geometry;
    this.maxNorm = maxNorm;
    this.centre = centre;
    this.buffer = new float[geometry.mappedDimension(source.dimension())];
  }

  /**
   * Reads every vector twice: once for the largest norm, once for the centre of the mapped vectors.
   */
  public static MappedVectors of(VectorSource source, Geometry geometry) throws IOException {
    double maxSquared = 0;
    if (geometry == Geometry.INNER_PRODUCT) {
      for (int ord = 0; ord < source.size(); ord++) {
        maxSquared = Math.max(maxSquared, Geometry.squaredNorm(source.vector(ord)));
      }
    }
    MappedVectors mapped = new MappedVectors(source, geometry, (float) Math.sqrt(maxSquared), null);
    double[] sum = new double[mapped.dimension()];
    for (int ord = 0; ord < source.size(); ord++) {
      float[] v = mapped.vector(ord);
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
    }
    float[] centre = new float[sum.length];
    for (int i = 0; i < sum.length && source.size() > 0; i++) {
      centre[i] = (float) (sum[i] / source.size());
    }
    return new MappedVectors(source, geometry, mapped.maxNorm, centre);
  }

  public int size() {
    return source.size();
  }

  /** Coordinates of a mapped vector. */
  public int dimension() {
    return buffer.length;
  }

  public Geometry geometry() {
    return geometry;
  }

  /** The largest norm of the original vectors ({@link Geometry#INNER_PRODUCT} only; else 0). */
  public float maxNorm() {
    return maxNorm;
  }

  /** The mean of the mapped vectors. Do not modify. */
  public float[] centre() {
    return centre;
  }

  /** The mapped vector {@code ord}, in a buffer the next call may overwrite. Do not modify. */
  public float[] vector(int ord) throws IOException {
    if (geometry == Geometry.EUCLIDEAN) {
      // nothing to map: the source's own buffer, which it documents as read-only
      return source.vector(ord);
    }
    geometry.mapVector(source.vector(ord), buffer, maxNorm);
    return buffer;
  }

  public MappedVectors copy() throws IOException {
    return new MappedVectors(source.copy(), geometry, maxNorm, centre);
  }
}
