package io.github.luceneannoy.forest;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forest's loops with the JDK's vector API: a vector of bytes widened to floats in one
 * instruction and multiplied-added lane by lane, where scalar code loads, converts and multiplies
 * each byte on its own. Loaded only by {@link ForestKernels} when {@code jdk.incubator.vector} is
 * readable; any tail shorter than a vector is done in scalar code.
 */
final class PanamaForestKernels extends ForestKernels {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  /**
   * As many bytes as {@link #FLOATS} has lanes, so that one byte vector widens to one float vector;
   * null below {@link ForestKernels#MIN_VECTOR_FLOATS} lanes (no byte vector is that short), where
   * this class is not used.
   */
  private static final VectorSpecies<Byte> BYTES =
      FLOATS.length() < MIN_VECTOR_FLOATS
          ? null
          : VectorSpecies.of(byte.class, VectorShape.forBitSize(FLOATS.length() * Byte.SIZE));

  int floatsPerVector() {
    return FLOATS.length();
  }

  @Override
  public String description() {
    return "vector API, " + FLOATS.vectorBitSize() + "-bit";
  }

  @Override
  public float dotCodes(float[] weights, byte[] codes, int offset, int length) {
    int lanes = FLOATS.length();
    int i = 0;
    float sum = 0;
    if (length >= lanes) {
      FloatVector acc = FloatVector.zero(FLOATS);
      for (int bound = FLOATS.loopBound(length); i < bound; i += lanes) {
        FloatVector code = (FloatVector) ByteVector.fromArray(BYTES, codes, offset + i).convertShape(VectorOperators.B2F, FLOATS, 0);
        acc = FloatVector.fromArray(FLOATS, weights, i).fma(code, acc);
      }
      sum = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      sum = Math.fma(weights[i], codes[offset + i], sum);
    }
    return sum;
  }
}
