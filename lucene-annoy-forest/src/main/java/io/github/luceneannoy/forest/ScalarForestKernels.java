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

import org.apache.lucene.util.VectorUtil;

/**
 * The forest's float loop through Lucene's {@link VectorUtil}: plain Java on Java 17, Lucene's own
 * vector code where Lucene turns it on.
 */
final class ScalarForestKernels extends ForestKernels {

  @Override
  public String description() {
    return "scalar (Lucene's VectorUtil)";
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lucene's loop takes vectors of one length only, while {@code b} may be longer than {@code
   * a}: a stored vector against a query mapped for the inner product, which has one more coordinate
   * (0). Such pairs take a plain loop of their own (no {@link Math#fma}, which is slow where the
   * CPU lacks the instruction): rare, a calibration's exact distances.
   */
  @Override
  public float dot(float[] a, float[] b) {
    if (a.length == b.length) {
      return VectorUtil.dotProduct(a, b);
    }
    checkLonger(a, b);
    float sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** As {@link #dot}: {@code b} may be longer than {@code a}. */
  @Override
  public float squareDistance(float[] a, float[] b) {
    if (a.length == b.length) {
      return VectorUtil.squareDistance(a, b);
    }
    checkLonger(a, b);
    float sum = 0;
    for (int i = 0; i < a.length; i++) {
      float d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  private static void checkLonger(float[] a, float[] b) {
    if (b.length < a.length) {
      throw new IllegalArgumentException(
          "the second vector is shorter than the first: " + b.length + " < " + a.length);
    }
  }
}
