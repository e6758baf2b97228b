package io.github.luceneannoy.forest;

/**
 * The forest's loops in plain Java. Several independent sums, so that additions do not wait on
 * each other; bytes become floats through a table ({@link ByteValues}), cheaper on Java 17 than
 * converting them.
 */
final class ScalarForestKernels extends ForestKernels {

  @Override
  public String description() {
    return "scalar";
  }

  @Override
  public float dotCodes(float[] weights, byte[] codes, int offset, int length) {
    float[] value = ByteValues.table();
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < length; i += 4) {
      s0 = Math.fma(weights[i], value[codes[offset + i] & 0xFF], s0);
      s1 = Math.fma(weights[i + 1], value[codes[offset + i + 1] & 0xFF], s1);
      s2 = Math.fma(weights[i + 2], value[codes[offset + i + 2] & 0xFF], s2);
      s3 = Math.fma(weights[i + 3], value[codes[offset + i + 3] & 0xFF], s3);
    }
    for (; i < length; i++) {
      s0 = Math.fma(weights[i], value[codes[offset + i] & 0xFF], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void addColumns(
      float[] out, int length, float a0, float[] c0, float a1, float[] c1, float a2, float[] c2, float a3, float[] c3) {
    for (int r = 0; r < length; r++) {
      out[r] += a0 * c0[r] + a1 * c1[r] + a2 * c2[r] + a3 * c3[r];
    }
  }
}
