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

import io.github.luceneannoy.forest.ForestTestUtil.Kind;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/** {@link Geometry#mappedDistance}: the distance of the mapped vectors, without mapping one. */
public class TestGeometry extends LuceneTestCase {

  public void testMappedDistanceIsTheDistanceOfTheMappedVectors() {
    Random random = random();
    for (Geometry geometry : Geometry.values()) {
      for (int iter = 0; iter < 50; iter++) {
        int dim = 1 + random.nextInt(random.nextBoolean() ? 8 : 800);
        float[][] vectors =
            ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], 20, dim);
        // the zero vector, which cosine maps to zero
        vectors[0] = new float[dim];
        float maxNorm = 0;
        for (float[] v : vectors) {
          maxNorm = Math.max(maxNorm, (float) Math.sqrt(Geometry.squaredNorm(v)));
        }
        float[] query = new float[geometry.mappedDimension(dim)];
        geometry.mapQuery(vectors[1 + random.nextInt(19)], query);
        float[] mapped = new float[geometry.mappedDimension(dim)];
        for (float[] v : vectors) {
          geometry.mapVector(v, mapped, maxNorm);
          double expected = ForestTestUtil.squaredDistance(query, mapped);
          float actual =
              geometry.mappedDistance(query, (float) Geometry.squaredNorm(query), v, maxNorm);
          // float sums of up to 800 terms, and for cosine a difference of numbers near 2
          double scale =
              Geometry.squaredNorm(query) + Geometry.squaredNorm(mapped) + expected + 1e-6;
          assertEquals(geometry + ", dim " + dim, expected, actual, 1e-5 * scale);
          assertTrue(actual >= 0);
        }
      }
    }
  }
}
