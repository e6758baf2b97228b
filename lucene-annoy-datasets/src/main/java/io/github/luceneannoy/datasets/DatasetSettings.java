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
package io.github.luceneannoy.datasets;

import java.nio.file.Path;

/**
 * What to generate and where.
 *
 * @param wordnetDir the directory holding WordNet's {@code data.*} files
 * @param outDir where the data set's files go
 * @param queryCount how many texts are held apart as queries
 * @param baseSize how many texts make the base
 * @param seed the shuffle's seed, which picks the queries and the base
 * @param k neighbours per query in the ground truth
 * @param minWords shorter glosses are dropped
 * @param threads threads for embedding and for the ground truth
 * @param batchSize texts per {@code embedAll} call
 * @param force regenerate even if matching output is there
 */
public record DatasetSettings(
    Path wordnetDir,
    Path outDir,
    int queryCount,
    int baseSize,
    long seed,
    int k,
    int minWords,
    int threads,
    int batchSize,
    boolean force) {

  /** Debian's wordnet-base puts WordNet 3.0 here. */
  public static final Path DEBIAN_WORDNET_DIR = Path.of("/usr/share/wordnet");

  public DatasetSettings {
    if (queryCount < 1 || baseSize < 1 || k < 1 || threads < 1 || batchSize < 1 || minWords < 0) {
      throw new IllegalArgumentException(
          "queries, base size, k, threads and batch size must be positive, min words not negative");
    }
    if (k > baseSize) {
      throw new IllegalArgumentException("k = " + k + " exceeds the base size " + baseSize);
    }
  }

  /** The default output directory: {@code ~/.cache/lucene-annoy/wordnet-minilm}. */
  public static Path defaultOutDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "lucene-annoy", "wordnet-minilm");
  }
}
