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
package io.github.luceneannoy.db;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The child process of {@link TestVectorDbCrash}: writes batches of vectors to a database forever,
 * committing after each and printing {@code COMMITTED <batch>} once the commit has returned, until
 * the parent kills it. Its standard output is the protocol, so it prints nothing else there.
 */
public final class CrashingWriter {
  static final int DIM = 16;
  static final int BATCH = 40;
  static final VectorDbConfig CONFIG =
      VectorDbConfig.of(DIM, VectorSimilarityFunction.COSINE)
          .withSearchThreads(1)
          .withRamBufferMB(1);

  private CrashingWriter() {}

  /** The id of vector {@code j} of batch {@code batch} in round {@code round}. */
  static String id(int round, int batch, int j) {
    return "r" + round + "-b" + batch + "-" + j;
  }

  /** The data of a vector, derived from its id so the parent can check it without being told. */
  static float[] data(String id) {
    Random random = new Random(id.hashCode());
    float[] data = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      data[d] = random.nextFloat() + 0.01f;
    }
    return data;
  }

  /** Arguments: the database directory and the round number. */
  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    // never closed: the parent kills the process, which is the point
    VectorDb db = VectorDb.open(path, CONFIG);
    for (int batch = 0; ; batch++) {
      List<Vector> vectors = new ArrayList<>();
      for (int j = 0; j < BATCH; j++) {
        String id = id(round, batch, j);
        vectors.add(
            Vector.of(id, data(id), Metadata.builder().keyword("round", "r" + round).build()));
      }
      db.add(vectors);
      db.commit();
      System.out.println("COMMITTED " + batch);
      System.out.flush();
    }
  }
}
