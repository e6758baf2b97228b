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
package io.github.luceneannoy.reliability;

import java.util.Random;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The documents of the reliability tests: a document's vector and colour are derived from its id
 * alone, so that a checker (possibly in another process) can tell what a document must hold without
 * being told.
 */
public final class Corpus {
  public static final String ID = "id";
  public static final String VECTOR = "vec";
  public static final String COLOUR = "colour";
  public static final int DIM = 16;
  private static final int CLUSTERS = 8;
  private static final float[][] CENTRES = centres(DIM);

  private Corpus() {}

  private static float[][] centres(int dim) {
    Random random = new Random(0xC0FFEE);
    float[][] centres = new float[CLUSTERS][dim];
    for (float[] c : centres) {
      for (int i = 0; i < dim; i++) {
        c[i] = (float) random.nextGaussian() * 4;
      }
    }
    return centres;
  }

  /** Clustered rather than uniform: neighbourhoods mean something, as with real embeddings. */
  public static float[] vector(String id) {
    Random random = new Random(id.hashCode() * 31L + 7);
    float[] centre = CENTRES[Math.floorMod(id.hashCode(), CLUSTERS)];
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = centre[i] + (float) random.nextGaussian();
    }
    return v;
  }

  public static String colour(String id) {
    return Math.floorMod(id.hashCode(), 3) == 0 ? "red" : "blue";
  }

  public static Document doc(String id) {
    Document doc = new Document();
    doc.add(new StringField(ID, id, Field.Store.YES));
    doc.add(new StringField(COLOUR, colour(id), Field.Store.YES));
    doc.add(new KnnFloatVectorField(VECTOR, vector(id), VectorSimilarityFunction.EUCLIDEAN));
    return doc;
  }

  public static Term idTerm(String id) {
    return new Term(ID, id);
  }
}
