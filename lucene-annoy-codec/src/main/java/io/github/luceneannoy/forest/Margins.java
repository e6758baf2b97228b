package io.github.luceneannoy.forest;

/** The arithmetic of margins against byte-quantized normals. */
public final class Margins {
  private Margins() {}

  /**
   * The dot product of {@code query} with the {@code query.length} bytes of {@code normal} from
   * {@code offset}. Four accumulators break the dependency chain so the loop pipelines; bytes
   * become floats through {@link ByteValues}.
   */
  public static float dot(byte[] normal, int offset, float[] query) {
    float[] value = ByteValues.table();
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int n = query.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += value[normal[offset + i] & 0xFF] * query[i];
      s1 += value[normal[offset + i + 1] & 0xFF] * query[i + 1];
      s2 += value[normal[offset + i + 2] & 0xFF] * query[i + 2];
      s3 += value[normal[offset + i + 3] & 0xFF] * query[i + 3];
    }
    for (; i < n; i++) {
      s0 += value[normal[offset + i] & 0xFF] * query[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
