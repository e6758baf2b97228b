package io.github.luceneannoy.codec;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;

/**
 * Lucene's peer suite for vector formats, run against the Annoy format.
 *
 * <p>Parameters are drawn at random per test from small values so that even the suite's small
 * segments are searched through real trees (few candidates per hit, tiny leaves) rather than by the
 * exact scan that the default budget would choose for them.
 */
public class TestAnnoyVectorsFormat extends BaseKnnVectorsFormatTestCase {

  @Override
  protected Codec getCodec() {
    int numTrees = 1 + random().nextInt(8);
    int maxLeafSize = 1 + random().nextInt(16);
    int candidatesPerHit = 2 + random().nextInt(4);
    return new AnnoyCodec(new AnnoyVectorsFormat(numTrees, maxLeafSize, candidatesPerHit));
  }

  public void testFormatIsRegistered() {
    KnnVectorsFormat format = KnnVectorsFormat.forName(AnnoyVectorsFormat.NAME);
    assertTrue(format instanceof AnnoyVectorsFormat);
    assertEquals(AnnoyCodec.NAME, Codec.forName(AnnoyCodec.NAME).getName());
  }

  public void testToStringShowsParameters() {
    String s = new AnnoyVectorsFormat(7, 33, 11, 42L).toString();
    assertTrue(s, s.contains("numTrees=7"));
    assertTrue(s, s.contains("maxLeafSize=33"));
    assertTrue(s, s.contains("candidatesPerHit=11"));
    assertTrue(s, s.contains("seed=42"));
  }

  public void testLimits() {
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(0, 10, 10));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(AnnoyVectorsFormat.MAXIMUM_NUM_TREES + 1, 10, 10));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(10, 0, 10));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(10, AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE + 1, 10));
    expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(10, 10, 0));
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> new AnnoyVectorsFormat(10, 10, -5));
    assertTrue(e.getMessage(), e.getMessage().contains("candidatesPerHit") && e.getMessage().contains("-5"));
  }

  public void testMaxDimensions() {
    assertEquals(4096, new AnnoyVectorsFormat().getMaxDimensions("any"));
  }
}
