package io.github.luceneannoy.forest;

/** The arithmetic of margins against byte-quantized normals. */
public final class Margins {
  private Margins() {}

  private static final ForestKernels KERNELS = ForestKernels.get();

  /**
   * The dot product of {@code query} with the {@code query.length} bytes of {@code normal} from
   * {@code offset}, each byte read as a signed value.
   */
  public static float dot(byte[] normal, int offset, float[] query) {
    return KERNELS.dotCodes(query, normal, offset, query.length);
  }
}
