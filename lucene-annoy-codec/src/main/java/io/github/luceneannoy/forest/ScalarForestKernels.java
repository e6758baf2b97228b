package io.github.luceneannoy.forest;

import org.apache.lucene.util.VectorUtil;

/**
 * The forest's float loop through Lucene's {@link VectorUtil}: plain Java on Java 17, Lucene's own
 * vector code where Lucene turns it on.
 */
final class ScalarForestKernels extends ForestKernels {

  @Override
  public String description() {
    return "scalar (Lucene's VectorUtil)";
  }

  @Override
  public float dot(float[] a, float[] b) {
    return VectorUtil.dotProduct(a, b);
  }

  @Override
  public float squareDistance(float[] a, float[] b) {
    return VectorUtil.squareDistance(a, b);
  }
}
