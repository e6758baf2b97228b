package io.github.luceneannoy.codec;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;

/**
 * Lucene's peer suite for vector formats, run against the quantized Annoy format.
 *
 * <p>As in {@link TestAnnoyVectorsFormat}, the forest parameters are drawn small so that the
 * suite's small segments are searched through real trees; bits, compression, confidence interval
 * and rescore factor are drawn too, so every quantized variant meets every test.
 */
public class TestAnnoyScalarQuantizedVectorsFormat extends BaseKnnVectorsFormatTestCase {

  @Override
  protected Codec getCodec() {
    return new AnnoyCodec(randomFormat());
  }

  private static AnnoyScalarQuantizedVectorsFormat randomFormat() {
    int numTrees = 1 + random().nextInt(8);
    int maxLeafSize = 1 + random().nextInt(16);
    int candidatesPerHit = 2 + random().nextInt(4);
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
        numTrees, maxLeafSize, candidatesPerHit, bits, compress, confidenceInterval, rescoreFactor);
  }

  public void testFormatIsRegistered() {
    KnnVectorsFormat format = KnnVectorsFormat.forName(AnnoyScalarQuantizedVectorsFormat.NAME);
    assertTrue(format instanceof AnnoyScalarQuantizedVectorsFormat);
    assertEquals(7, ((AnnoyScalarQuantizedVectorsFormat) format).bits());
  }

  public void testToStringShowsParameters() {
    String s = new AnnoyScalarQuantizedVectorsFormat(7, 33, 11, 4, true, 0.95f, 3).toString();
    for (String part :
        new String[] {
          "AnnoyScalarQuantizedVectorsFormat(", "numTrees=7", "maxLeafSize=33",
          "candidatesPerHit=11", "bits=4", "compress=true", "confidenceInterval=0.95",
          "rescoreFactor=3"
        }) {
      assertTrue(s, s.contains(part));
    }
  }

  public void testMaxDimensions() {
    assertEquals(
        AnnoyVectorsFormat.MAXIMUM_DIMENSIONS,
        new AnnoyScalarQuantizedVectorsFormat().getMaxDimensions("any"));
  }
}
