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

import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Recall@10 of the quantized format against exact float search, beside the float format on the same
 * data (clustered, 10,000 vectors of 64 dimensions in 4 segments, then merged), for 7 and 4 bits.
 *
 * <p>Both formats build the same forest with the same calibrated budgets from the same floats, so
 * they gather the same candidates; what quantization changes is the scores the candidates are
 * ranked by before re-scoring. Hence the checks:
 *
 * <ul>
 *   <li>at the default budget and at a generous per-query budget (ten times the default, at most a
 *       quarter of the leaf entries) the quantized format's recall is within 0.01 of the float
 *       format's (measured: within 0.0015);
 *   <li>at the generous budget, where the forest misses almost nothing, the float format reaches
 *       0.99 and the quantized one 0.98;
 *   <li>with a rescore factor of 1 (the quantized top k only) recall is clearly lower (measured:
 *       0.78 - 0.81 at 4 bits, 0.85 - 0.91 at 7 bits): re-scoring is doing the work.
 * </ul>
 */
public class TestAnnoyQuantizedRecall extends LuceneTestCase {
  private static final int COUNT = 10_000;
  private static final int DIM = 64;
  private static final int QUERIES = 200;
  private static final int K = 10;

  /** The generous budget in multiples of the default. */
  private static final int GENEROUS = 10;

  public void testSevenBitsEuclidean() throws IOException {
    assertRecall(VectorSimilarityFunction.EUCLIDEAN, 7);
  }

  public void testFourBitsEuclidean() throws IOException {
    assertRecall(VectorSimilarityFunction.EUCLIDEAN, 4);
  }

  public void testSevenBitsCosine() throws IOException {
    assertRecall(VectorSimilarityFunction.COSINE, 7);
  }

  public void testFourBitsCosine() throws IOException {
    assertRecall(VectorSimilarityFunction.COSINE, 4);
  }

  private void assertRecall(VectorSimilarityFunction similarity, int bits) throws IOException {
    Random random = new Random(random().nextLong());
    float[][] vectors =
        TestData.shapeFor(similarity, TestData.clustered(random, COUNT + QUERIES, DIM, 50, 1.0f));
    float[][] docs = Arrays.copyOf(vectors, COUNT);
    int[][] exact = new int[QUERIES][];
    for (int q = 0; q < QUERIES; q++) {
      exact[q] = TestData.exactTopK(similarity, vectors[COUNT + q], docs, K, i -> true);
    }
    String what = bits + "-bit " + similarity;
    double[] floats = recall(new AnnoyVectorsFormat(), similarity, vectors, docs, exact);
    double[] rescored =
        recall(
            quantized(bits, AnnoyScalarQuantizedVectorsFormat.DEFAULT_RESCORE_FACTOR),
            similarity,
            vectors,
            docs,
            exact);
    double[] bare = recall(quantized(bits, 1), similarity, vectors, docs, exact);
    String measured =
        String.format(
            Locale.ROOT,
            "%s: default budget float %.4f rescored %.4f bare %.4f; generous budget float %.4f rescored %.4f bare %.4f",
            what,
            floats[0],
            rescored[0],
            bare[0],
            floats[1],
            rescored[1],
            bare[1]);
    if (VERBOSE) {
      System.out.println(measured);
    }
    assertTrue(measured, rescored[0] >= floats[0] - 0.01);
    assertTrue(measured, rescored[1] >= floats[1] - 0.01);
    assertTrue(measured, floats[1] >= 0.99);
    assertTrue(measured, rescored[1] >= 0.98);
    // the quantized order alone loses neighbours, which re-scoring wins back
    assertTrue(measured, bare[1] < rescored[1] - 0.03);
  }

  private static KnnVectorsFormat quantized(int bits, int rescoreFactor) {
    return new AnnoyScalarQuantizedVectorsFormat(
        AnnoyVectorsFormat.DEFAULT_NUM_TREES,
        AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE,
        AnnoyVectorsFormat.DEFAULT_TARGET_RECALL,
        bits,
        false,
        null,
        rescoreFactor);
  }

  /**
   * Mean recall over the queries at the default budget and at {@link #GENEROUS} times it, after
   * indexing in 4 segments and merging them.
   */
  private static double[] recall(
      KnnVectorsFormat format,
      VectorSimilarityFunction similarity,
      float[][] vectors,
      float[][] docs,
      int[][] exact)
      throws IOException {
    try (Directory dir = new MMapDirectory(createTempDir())) {
      TestAnnoyQuantizedSearch.index(dir, format, docs, COUNT / 4, similarity);
      TestAnnoyQuantizedSearch.forceMerge(dir, format);
      try (IndexReader reader = DirectoryReader.open(dir)) {
        assertEquals(1, reader.leaves().size());
        ForestStatistics stats =
            ForestStatistics.read(getOnlyLeafReader(reader), "v").orElseThrow();
        // budgets count leaf entries, one per vector and tree
        int generous = Math.min(GENEROUS * stats.budget10(), COUNT * stats.numTrees() / 4) / K;
        // both budgets leave work to the forest, and the generous one is at least twice the default
        assertTrue(stats.toString(), 2 * stats.budget10() <= generous * K);
        IndexSearcher searcher = new IndexSearcher(reader);
        double[] sums = new double[2];
        for (int q = 0; q < QUERIES; q++) {
          float[] target = vectors[COUNT + q];
          Query[] queries = {
            new KnnFloatVectorQuery("v", target, K),
            new AnnoyKnnFloatVectorQuery("v", target, K, null, generous)
          };
          for (int i = 0; i < queries.length; i++) {
            int[] ids = TestData.ids(reader, searcher.search(queries[i], K));
            sums[i] += TestData.recall(exact[q], ids);
          }
        }
        return new double[] {sums[0] / QUERIES, sums[1] / QUERIES};
      }
    }
  }
}
