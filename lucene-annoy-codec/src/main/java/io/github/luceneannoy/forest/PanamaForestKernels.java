package io.github.luceneannoy.forest;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forest's float loop with the JDK's vector API: as many multiply-adds per instruction as the
 * preferred vector has float lanes, in two accumulators. Loaded only by {@link ForestKernels} when
 * {@code jdk.incubator.vector} is readable; any tail shorter than a vector is done in scalar code.
 */
final class PanamaForestKernels extends ForestKernels {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  int floatsPerVector() {
    return FLOATS.length();
  }

  @Override
  public String description() {
    return "vector API, " + FLOATS.vectorBitSize() + "-bit";
  }

  @Override
  public float dot(float[] a, float[] b) {
    int length = a.length;
    int lanes = FLOATS.length();
    int i = 0;
    float sum = 0;
    if (length >= lanes) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      int bound2 = length - length % (2 * lanes);
      for (; i < bound2; i += 2 * lanes) {
        acc0 = FloatVector.fromArray(FLOATS, a, i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
        acc1 = FloatVector.fromArray(FLOATS, a, i + lanes).fma(FloatVector.fromArray(FLOATS, b, i + lanes), acc1);
      }
      for (int bound = FLOATS.loopBound(length); i < bound; i += lanes) {
        acc0 = FloatVector.fromArray(FLOATS, a, i).fma(FloatVector.fromArray(FLOATS, b, i), acc0);
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      sum = Math.fma(a[i], b[i], sum);
    }
    return sum;
  }

  @Override
  public float squareDistance(float[] a, float[] b) {
    int length = a.length;
    int lanes = FLOATS.length();
    int i = 0;
    float sum = 0;
    if (length >= lanes) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      int bound2 = length - length % (2 * lanes);
      for (; i < bound2; i += 2 * lanes) {
        FloatVector d0 = FloatVector.fromArray(FLOATS, a, i).sub(FloatVector.fromArray(FLOATS, b, i));
        FloatVector d1 = FloatVector.fromArray(FLOATS, a, i + lanes).sub(FloatVector.fromArray(FLOATS, b, i + lanes));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
      }
      for (int bound = FLOATS.loopBound(length); i < bound; i += lanes) {
        FloatVector d = FloatVector.fromArray(FLOATS, a, i).sub(FloatVector.fromArray(FLOATS, b, i));
        acc0 = d.fma(d, acc0);
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      float d = a[i] - b[i];
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }
}
