package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * How a projected vector is turned into a sketch: each of its {@link #dimension()} coordinates is
 * stored as a signed byte {@code b}, standing for {@code center[c] + step[c] * b}, with center and
 * step chosen per coordinate from the range the coordinate takes over the segment. Principal
 * coordinates differ in range by orders of magnitude (the first one of an uncentered projection
 * carries the mean), so one step for all of them would waste the bytes of the small ones.
 */
public final class SketchBook {
  /** Largest magnitude of a stored byte: symmetric, so that 0 is the center. */
  static final int LEVELS = 127;

  private final float[] centers;
  private final float[] steps;

  /**
   * @param centers per coordinate, the value a zero byte stands for
   * @param steps per coordinate, the value of one byte level; positive and finite
   */
  public SketchBook(float[] centers, float[] steps) {
    if (centers.length != steps.length) {
      throw new IllegalArgumentException(
          "centers and steps differ in length: " + centers.length + " vs " + steps.length);
    }
    for (int c = 0; c < steps.length; c++) {
      if (Float.isFinite(centers[c]) == false || Float.isFinite(steps[c]) == false || steps[c] <= 0) {
        throw new IllegalArgumentException(
            "coordinate " + c + ": center " + centers[c] + " and step " + steps[c] + " must be finite, step > 0");
      }
    }
    this.centers = centers.clone();
    this.steps = steps.clone();
  }

  /**
   * Ranges are learned from this many evenly spaced vectors, so that the sketches can be written in
   * the same pass that projects every vector for the trees.
   */
  static final int SAMPLE = 4096;

  /**
   * Sample ranges are widened by this fraction of their half-width on each side; vectors outside
   * still encode, clamped to the last level, which only blurs their estimate.
   */
  static final double MARGIN = 0.25;

  /** Learns the ranges of {@code projected}'s coordinates from a sample of its vectors. */
  public static SketchBook learn(VectorSource projected) throws IOException {
    int dim = projected.dimension();
    float[] min = new float[dim];
    float[] max = new float[dim];
    java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
    int n = projected.size();
    int samples = Math.min(n, SAMPLE);
    for (int s = 0; s < samples; s++) {
      float[] v = projected.vector((int) ((long) s * n / samples));
      for (int c = 0; c < dim; c++) {
        min[c] = Math.min(min[c], v[c]);
        max[c] = Math.max(max[c], v[c]);
      }
    }
    float[] centers = new float[dim];
    float[] steps = new float[dim];
    for (int c = 0; c < dim; c++) {
      if (projected.size() == 0) {
        min[c] = max[c] = 0;
      }
      centers[c] = (float) ((min[c] + (double) max[c]) / 2);
      double half = ((double) max[c] - min[c]) / 2 * (1 + MARGIN);
      // a constant coordinate still needs a positive step; any will do as every byte is then 0
      steps[c] = half > 0 ? (float) (half / LEVELS) : 1f;
    }
    return new SketchBook(centers, steps);
  }

  /** Coordinates per sketch. */
  public int dimension() {
    return centers.length;
  }

  /** The value a zero byte stands for in coordinate {@code c}. */
  public float center(int c) {
    return centers[c];
  }

  /** The value of one byte level in coordinate {@code c}. */
  public float step(int c) {
    return steps[c];
  }

  /**
   * The squared length of the vector {@code code} stands for, {@code Σ (center[c] + step[c]·b[c])²}:
   * stored beside each code, it turns an estimate's sum of squared differences into one dot
   * product of the code with the query (see {@link SketchScorer}).
   */
  public float decodedSquaredNorm(byte[] code) {
    double sum = 0;
    for (int c = 0; c < centers.length; c++) {
      double x = centers[c] + (double) steps[c] * code[c];
      sum += x * x;
    }
    return (float) sum;
  }

  /** Encodes {@code projected} into {@code code}, clamping coordinates outside the range. */
  public void encode(float[] projected, byte[] code) {
    for (int c = 0; c < centers.length; c++) {
      long level = Math.round((projected[c] - centers[c]) / steps[c]);
      code[c] = (byte) Math.max(-LEVELS, Math.min(LEVELS, level));
    }
  }
}
