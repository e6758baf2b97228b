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
import java.util.Map;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * What a database fixes at creation, kept in every commit's user data so that a reopen can tell a
 * database of the right shape from another one or from an index some other program wrote.
 */
record Schema(int dimension, VectorSimilarityFunction similarity) {
  static final String FORMAT_KEY = "vectordb.format";
  static final String FORMAT_VALUE = "lucene-annoy-vectordb-1";
  static final String DIMENSION_KEY = "vectordb.dimension";
  static final String SIMILARITY_KEY = "vectordb.similarity";

  Map<String, String> userData() {
    return Map.of(
        FORMAT_KEY, FORMAT_VALUE,
        DIMENSION_KEY, Integer.toString(dimension),
        SIMILARITY_KEY, similarity.name());
  }

  /** Reads the schema of an existing index, refusing one that no VectorDb wrote. */
  static Schema fromUserData(Path directory, Map<String, String> userData)
      throws IncompatibleIndexException {
    String format = userData.get(FORMAT_KEY);
    if (format == null) {
      throw new IncompatibleIndexException(
          directory, "holds a Lucene index that was not created by VectorDb");
    }
    if (format.equals(FORMAT_VALUE) == false) {
      throw new IncompatibleIndexException(
          directory, "holds a VectorDb of format " + format + ", expected " + FORMAT_VALUE);
    }
    try {
      return new Schema(
          Integer.parseInt(userData.get(DIMENSION_KEY)),
          VectorSimilarityFunction.valueOf(userData.get(SIMILARITY_KEY)));
    } catch (RuntimeException e) {
      throw new IncompatibleIndexException(
          directory, "has unreadable VectorDb settings " + userData + ": " + e.getMessage());
    }
  }

  /** Refuses to open a database with other settings than those it was created with. */
  void checkMatches(Path directory, Schema requested) throws IncompatibleIndexException {
    if (equals(requested) == false) {
      throw new IncompatibleIndexException(
          directory,
          "holds a VectorDb of dimension "
              + dimension
              + " and similarity "
              + similarity
              + ", but dimension "
              + requested.dimension
              + " and similarity "
              + requested.similarity
              + " were requested");
    }
  }
}
