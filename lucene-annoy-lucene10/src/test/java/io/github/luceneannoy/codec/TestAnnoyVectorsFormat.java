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
 * Lucene 10's peer suite for vector formats, run against the Annoy format.
 *
 * <p>Parameters are drawn at random per test from small values (tiny leaves, few children, a low
 * target recall) so that the suite's segments of a few hundred vectors are searched through real
 * trees with calibrated budgets below their size.
 */
public class TestAnnoyVectorsFormat extends BaseKnnVectorsFormatTestCase {

  @Override
  protected Codec getCodec() {
    int numTrees = 1 + random().nextInt(4);
    int maxLeafSize = 1 + random().nextInt(16);
    int branching = 2 + random().nextInt(7);
    float targetRecall = 0.3f + 0.7f * random().nextFloat();
    return new AnnoyCodec(
        new AnnoyVectorsFormat(
            numTrees, maxLeafSize, branching, targetRecall, random().nextLong()));
  }

  /** The raw vectors are always stored: there is no quantized copy to fall back on. */
  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }

  public void testFormatIsRegistered() {
    KnnVectorsFormat format = KnnVectorsFormat.forName(AnnoyVectorsFormat.NAME);
    assertTrue(format instanceof AnnoyVectorsFormat);
    assertEquals(AnnoyCodec.NAME, Codec.forName(AnnoyCodec.NAME).getName());
  }

  public void testToStringShowsParameters() {
    String s = new AnnoyVectorsFormat(7, 33, 11, 0.9f, 42L).toString();
    assertTrue(s, s.contains("numTrees=7"));
    assertTrue(s, s.contains("maxLeafSize=33"));
    assertTrue(s, s.contains("branching=11"));
    assertTrue(s, s.contains("targetRecall=0.9"));
    assertTrue(s, s.contains("seed=42"));
  }

  public void testLimits() {
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(0, 10, 0.9f));
    expectThrows(
        IllegalArgumentException.class,
        () -> new AnnoyVectorsFormat(AnnoyVectorsFormat.MAXIMUM_NUM_TREES + 1, 10, 0.9f));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(10, 0, 0.9f));
    expectThrows(
        IllegalArgumentException.class,
        () -> new AnnoyVectorsFormat(10, AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE + 1, 0.9f));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(10, 10, 1, 0.9f, 1));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(0f));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(Float.NaN));
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(1.5f));
    assertTrue(
        e.getMessage(), e.getMessage().contains("targetRecall") && e.getMessage().contains("1.5"));
    e =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                new AnnoyVectorsFormat(10, 10, AnnoyVectorsFormat.MAXIMUM_BRANCHING + 1, 0.9f, 1));
    assertTrue(
        e.getMessage(), e.getMessage().contains("branching") && e.getMessage().contains("257"));
  }

  public void testMaxDimensions() {
    assertEquals(4096, new AnnoyVectorsFormat().getMaxDimensions("any"));
  }
}
