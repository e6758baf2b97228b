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
    // a bound that is a multiple of the step lets C2 drop the range checks: written as
    // i + 3 < length, an estimate took 91 ns instead of 52 (SketchBenchmark, Java 17)
    for (int full = length & ~3; i < full; i += 4) {
      int j = offset + i;
      s0 = Math.fma(weights[i], value[codes[j] & 0xFF], s0);
      s1 = Math.fma(weights[i + 1], value[codes[j + 1] & 0xFF], s1);
      s2 = Math.fma(weights[i + 2], value[codes[j + 2] & 0xFF], s2);
      s3 = Math.fma(weights[i + 3], value[codes[j + 3] & 0xFF], s3);
    }
    for (; i < length; i++) {
      s0 = Math.fma(weights[i], value[codes[offset + i] & 0xFF], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }
}
