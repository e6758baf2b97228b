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

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;

/**
 * Lucene's peer suite for vector formats, run against the quantized Annoy format.
 *
 * <p>As in {@link TestAnnoyVectorsFormat}, the forest parameters are drawn small (tiny leaves, few
 * children, a low target recall, any seed) so that the suite's small segments are searched through
 * real trees with calibrated budgets below their size; bits, compression, confidence interval and
 * rescore factor are drawn too, so every quantized variant meets every test.
 */
public class TestAnnoyScalarQuantizedVectorsFormat extends BaseKnnVectorsFormatTestCase {

  @Override
  protected Codec getCodec() {
    return new AnnoyCodec(randomFormat());
  }

  private static AnnoyScalarQuantizedVectorsFormat randomFormat() {
    int numTrees = 1 + random().nextInt(4);
    int maxLeafSize = 1 + random().nextInt(16);
    int branching = 2 + random().nextInt(7);
    float targetRecall = 0.3f + 0.7f * random().nextFloat();
    int bits = random().nextBoolean() ? 4 : 7;
    boolean compress = bits == 4 && random().nextBoolean();
    Float confidenceInterval =
        switch (random().nextInt(3)) {
          case 0 -> null;
          case 1 -> 0f;
          default -> 0.9f + 0.1f * random().nextFloat();
        };
    int rescoreFactor = 1 + random().nextInt(5);
    return new AnnoyScalarQuantizedVectorsFormat(
        numTrees,
        maxLeafSize,
        branching,
        targetRecall,
        random().nextLong(),
        bits,
        compress,
        confidenceInterval,
        rescoreFactor);
  }

  public void testFormatIsRegistered() {
    KnnVectorsFormat format = KnnVectorsFormat.forName(AnnoyScalarQuantizedVectorsFormat.NAME);
    assertTrue(format instanceof AnnoyScalarQuantizedVectorsFormat);
    assertEquals(7, ((AnnoyScalarQuantizedVectorsFormat) format).bits());
  }

  public void testToStringShowsParameters() {
    String s =
        new AnnoyScalarQuantizedVectorsFormat(7, 33, 11, 0.9f, 42L, 4, true, 0.95f, 3).toString();
    for (String part :
        new String[] {
          "AnnoyScalarQuantizedVectorsFormat(",
          "numTrees=7",
          "maxLeafSize=33",
          "branching=11",
          "targetRecall=0.9",
          "seed=42",
          "bits=4",
          "compress=true",
          "confidenceInterval=0.95",
          "rescoreFactor=3"
        }) {
      assertTrue(s, s.contains(part));
    }
  }

  /** The shorter constructors fill in the float format's defaults. */
  public void testDefaults() {
    AnnoyScalarQuantizedVectorsFormat format = new AnnoyScalarQuantizedVectorsFormat(4, true);
    assertEquals(AnnoyVectorsFormat.DEFAULT_NUM_TREES, format.numTrees());
    assertEquals(AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE, format.maxLeafSize());
    assertEquals(AnnoyVectorsFormat.DEFAULT_BRANCHING, format.branching());
    assertEquals(AnnoyVectorsFormat.DEFAULT_TARGET_RECALL, format.targetRecall(), 0f);
    assertEquals(AnnoyVectorsFormat.DEFAULT_SEED, format.seed());
    assertEquals(4, format.bits());
    assertTrue(format.compress());
    assertNull(format.confidenceInterval());
    assertEquals(AnnoyScalarQuantizedVectorsFormat.DEFAULT_RESCORE_FACTOR, format.rescoreFactor());
    AnnoyScalarQuantizedVectorsFormat tuned =
        new AnnoyScalarQuantizedVectorsFormat(3, 40, 0.8f, 7, false, 0.95f, 2);
    assertEquals(3, tuned.numTrees());
    assertEquals(40, tuned.maxLeafSize());
    assertEquals(AnnoyVectorsFormat.DEFAULT_BRANCHING, tuned.branching());
    assertEquals(0.8f, tuned.targetRecall(), 0f);
    assertEquals(AnnoyVectorsFormat.DEFAULT_SEED, tuned.seed());
    assertEquals(0.95f, tuned.confidenceInterval(), 0f);
    assertEquals(2, tuned.rescoreFactor());
  }

  public void testMaxDimensions() {
    assertEquals(
        AnnoyVectorsFormat.MAXIMUM_DIMENSIONS,
        new AnnoyScalarQuantizedVectorsFormat().getMaxDimensions("any"));
  }
}
