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

  @Override
  public float dot(float[] a, float[] b) {
    return VectorUtil.dotProduct(a, b);
  }

  @Override
  public float squareDistance(float[] a, float[] b) {
    return VectorUtil.squareDistance(a, b);
  }
}
