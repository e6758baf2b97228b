package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.lucene.util.VectorUtil;

/**
 * A linear map from the vectors' {@code dimension} coordinates to {@code rows} coordinates: the
 * top principal directions of the vectors (uncentered, so the origin stays the origin and angular
 * splits keep their meaning), learned from a sample.
 *
 * <p>Trees are built and descended in the projected space: a split normal then has {@code rows}
 * coordinates instead of {@code dimension}, so a split node costs a few dozen multiplications
 * instead of a full vector's, and its bytes shrink by the same factor. Data with structure (images,
 * embeddings) keeps most of its variance in its first principal directions, so splits lose little;
 * candidates are always scored exactly on the full vectors.
 *
 * <p>Rows are orthonormal. The learning is deterministic for a given seed and input order.
 */
public final class Projection {
  /** Vectors sampled to estimate the second-moment matrix. */
  static final int SAMPLE = 1024;

  /** Rounds of subspace iteration; the leading directions converge quickly. */
  static final int ITERATIONS = 8;

  /**
   * Rounds for a projection of {@link #WIDE_ROWS} rows or more (sketches): a wider subspace
   * separates its leading directions from the rest faster, and its trailing rows only need to span
   * the variance, not to be eigenvectors. Measured on Fashion-MNIST (128 rows): 8, 4 and 3 rounds
   * gave the same recall@10 at 15, 20 and 40 candidates per hit (within 0.005); learning 128 rows
   * from 10,000 vectors of 784 dimensions took 0.88 s with 8 rounds and 0.50 s with 4.
   */
  static final int WIDE_ITERATIONS = 4;

  static final int WIDE_ROWS = 64;

  static int iterations(int rows) {
    return rows >= WIDE_ROWS ? WIDE_ITERATIONS : ITERATIONS;
  }

  /**
   * Stored by column (one array of {@code rows} weights per input coordinate): a projection then
   * adds one scaled column per nonzero input coordinate, an element-wise loop the JIT vectorizes,
   * where a dot product per row is a serial sum it does not.
   */
  private final float[][] columns;
  private final int splitRows;

  /** A projection whose every row is also a split coordinate. */
  public Projection(float[][] rows) {
    this(rows, rows.length);
  }

  /**
   * @param rows orthonormal rows, the most significant first
   * @param splitRows how many leading rows the trees split in (the rest serve the sketches only)
   */
  public Projection(float[][] rows, int splitRows) {
    if (splitRows < 1 || splitRows > rows.length) {
      throw new IllegalArgumentException("splitRows must be in [1, " + rows.length + "], got " + splitRows);
    }
    this.splitRows = splitRows;
    if (rows.length == 0) {
      throw new IllegalArgumentException("a projection needs at least one row");
    }
    for (float[] row : rows) {
      if (row.length != rows[0].length) {
        throw new IllegalArgumentException("projection rows differ in length");
      }
    }
    this.columns = new float[rows[0].length][rows.length];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < rows[r].length; c++) {
        columns[c][r] = rows[r][c];
      }
    }
  }

  private Projection(int splitRows, float[][] columns) {
    this.splitRows = splitRows;
    this.columns = columns;
  }

  /** Number of projected coordinates. */
  public int rows() {
    return columns[0].length;
  }

  /** Number of leading projected coordinates the trees split in. */
  public int splitRows() {
    return splitRows;
  }

  /** This projection with its leading {@code splitRows} rows marked as the split coordinates. */
  public Projection withSplitRows(int splitRows) {
    if (splitRows < 1 || splitRows > rows()) {
      throw new IllegalArgumentException("splitRows must be in [1, " + rows() + "], got " + splitRows);
    }
    return new Projection(splitRows, columns);
  }

  /** The projection onto the leading {@code rows} rows only, all of them split coordinates. */
  public Projection leading(int rows) {
    if (rows < 1 || rows > rows()) {
      throw new IllegalArgumentException("rows must be in [1, " + rows() + "], got " + rows);
    }
    float[][] leading = new float[columns.length][];
    for (int c = 0; c < columns.length; c++) {
      leading[c] = java.util.Arrays.copyOf(columns[c], rows);
    }
    return new Projection(rows, leading);
  }

  /**
   * The share of the vectors' variance (about their mean) that the projection keeps, measured on
   * an evenly spaced sample of at most {@link #SAMPLE} vectors: 1 when the vectors lie in the
   * projection's span, about {@code rows/dimension} when their variance is spread evenly.
   */
  public double capturedVariance(VectorSource vectors) throws IOException {
    int n = vectors.size();
    int samples = Math.min(n, SAMPLE);
    int dim = columns();
    double[] mean = new double[dim];
    for (int s = 0; s < samples; s++) {
      float[] v = vectors.vector((int) ((long) s * n / samples));
      for (int i = 0; i < dim; i++) {
        mean[i] += v[i];
      }
    }
    float[] meanVector = new float[dim];
    for (int i = 0; i < dim; i++) {
      meanVector[i] = (float) (mean[i] / samples);
    }
    float[] projectedMean = project(meanVector, new float[rows()]);
    float[] projected = new float[rows()];
    double total = 0;
    double kept = 0;
    for (int s = 0; s < samples; s++) {
      float[] v = vectors.vector((int) ((long) s * n / samples));
      for (int i = 0; i < dim; i++) {
        double d = v[i] - meanVector[i];
        total += d * d;
      }
      project(v, projected);
      for (int r = 0; r < projected.length; r++) {
        double d = projected[r] - projectedMean[r];
        kept += d * d;
      }
    }
    return total > 0 ? Math.min(1, kept / total) : 1;
  }

  /** Number of coordinates of the vectors it applies to. */
  public int columns() {
    return columns.length;
  }

  /** Coordinate {@code c} of row {@code r}. */
  public float get(int r, int c) {
    return columns[c][r];
  }

  /**
   * Projects {@code x} into {@code out} (of length {@link #rows()}) and returns {@code out}.
   *
   * <p>Column by column: each nonzero coordinate of {@code x} adds its scaled column to {@code
   * out}, four columns per pass over {@code out}. Measured on Java 17 (784 × 128, AVX-512, JMH
   * {@code SketchBenchmark}): 6.5 µs per vector (8.2 µs one column per pass), against 28 µs for a
   * dot product per row, which the JIT cannot vectorize because a float sum must keep its order.
   * This runs once per query and segment, and once per vector at build.
   */
  public float[] project(float[] x, float[] out) {
    int rows = rows();
    java.util.Arrays.fill(out, 0, rows, 0f);
    // four nonzero coordinates' columns are added in one pass over out: a quarter of the loads
    // and stores of out that adding them one at a time costs
    float v0 = 0;
    float v1 = 0;
    float v2 = 0;
    float[] c0 = null;
    float[] c1 = null;
    float[] c2 = null;
    int pending = 0;
    for (int c = 0; c < columns.length; c++) {
      float v = x[c];
      if (v == 0) {
        continue;
      }
      switch (pending) {
        case 0:
          v0 = v;
          c0 = columns[c];
          pending = 1;
          break;
        case 1:
          v1 = v;
          c1 = columns[c];
          pending = 2;
          break;
        case 2:
          v2 = v;
          c2 = columns[c];
          pending = 3;
          break;
        default:
          float[] c3 = columns[c];
          for (int r = 0; r < rows; r++) {
            out[r] += v0 * c0[r] + v1 * c1[r] + v2 * c2[r] + v * c3[r];
          }
          pending = 0;
      }
    }
    if (pending > 0) {
      addColumn(v0, c0, out, rows);
    }
    if (pending > 1) {
      addColumn(v1, c1, out, rows);
    }
    if (pending > 2) {
      addColumn(v2, c2, out, rows);
    }
    return out;
  }

  private static void addColumn(float v, float[] column, float[] out, int rows) {
    for (int r = 0; r < rows; r++) {
      out[r] += v * column[r];
    }
  }

  /** The vectors, projected on access. */
  public VectorSource apply(VectorSource vectors) {
    return new Projected(vectors, this);
  }

  /**
   * The vectors projected once into an array: the builder reads every vector many times, and a
   * projected vector is small ({@link #rows()} floats, whatever the dimension).
   */
  public VectorSource applyOnHeap(VectorSource vectors) throws IOException {
    VectorSource projected = apply(vectors);
    float[][] all = new float[vectors.size()][];
    for (int ord = 0; ord < all.length; ord++) {
      all[ord] = projected.vector(ord).clone();
    }
    return new ArrayVectorSource(all);
  }

  /**
   * Learns the {@code rows} leading principal directions of {@code vectors}: the second-moment
   * matrix of a sample, then subspace iteration with Gram-Schmidt.
   */
  public static Projection learn(VectorSource vectors, int rows, long seed) throws IOException {
    int dim = vectors.dimension();
    if (rows < 1 || rows >= dim) {
      throw new IllegalArgumentException("rows must be in [1, " + (dim - 1) + "], got " + rows);
    }
    int samples = Math.min(vectors.size(), SAMPLE);
    // Forming the dim×dim moment matrix costs samples·dim²/2 and 8·dim² bytes (128 MiB at 4,096
    // dimensions, even for a single vector); applying it implicitly, as Σ x (x·b), costs
    // 2·samples·dim per row and iteration and no matrix. Take the cheaper: the result is the same
    // up to rounding, and the choice depends only on the sizes, so learning stays deterministic.
    boolean implicit =
        2L * iterations(rows) * rows * samples < (long) dim * (samples / 2 + (long) iterations(rows) * rows);
    return learn(vectors, rows, seed, implicit);
  }

  /** As {@link #learn(VectorSource, int, long)}, with the moment matrix formed or not. */
  static Projection learn(VectorSource vectors, int rows, long seed, boolean implicit) throws IOException {
    int dim = vectors.dimension();
    double[][] moment = implicit ? null : secondMoment(vectors, seed);
    SplittableRandom random = new SplittableRandom(seed);
    double[][] basis = new double[rows][dim];
    for (double[] row : basis) {
      for (int i = 0; i < dim; i++) {
        row[i] = random.nextDouble() - 0.5;
      }
    }
    orthonormalize(basis);
    for (int it = 0; it < iterations(rows); it++) {
      double[][] next;
      if (implicit) {
        next = momentTimes(vectors, seed, basis);
      } else {
        next = new double[rows][dim];
        for (int r = 0; r < rows; r++) {
          for (int i = 0; i < dim; i++) {
            next[r][i] = dot(moment[i], basis[r]);
          }
        }
      }
      orthonormalize(next);
      basis = next;
    }
    float[][] result = new float[rows][dim];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < dim; i++) {
        result[r][i] = (float) basis[r][i];
      }
    }
    return new Projection(result);
  }

  /**
   * {@code (Σ x xᵀ)·b} for each row {@code b} of {@code basis}, as {@code Σ x (x·b)} over the same
   * sample as {@link #secondMoment}, without forming the matrix.
   */
  private static double[][] momentTimes(VectorSource vectors, long seed, double[][] basis) throws IOException {
    int dim = vectors.dimension();
    double[][] out = new double[basis.length][dim];
    double[] dots = new double[basis.length];
    int n = vectors.size();
    int samples = Math.min(n, SAMPLE);
    long start = Math.floorMod(seed, Math.max(1, n));
    for (int s = 0; s < samples; s++) {
      int ord = (int) ((start + (long) s * n / samples) % n);
      float[] x = vectors.vector(ord);
      for (int r = 0; r < basis.length; r++) {
        double d = 0;
        for (int i = 0; i < dim; i++) {
          d += x[i] * basis[r][i];
        }
        dots[r] = d;
      }
      for (int r = 0; r < basis.length; r++) {
        double d = dots[r];
        double[] row = out[r];
        for (int i = 0; i < dim; i++) {
          row[i] += d * x[i];
        }
      }
    }
    return out;
  }

  /**
   * {@code Σ x xᵀ} over an evenly spaced sample of at most {@link #SAMPLE} vectors. The sample is
   * transposed so that each entry is one dot product of two coordinate columns, the loop Lucene's
   * {@link VectorUtil} runs fastest.
   */
  private static double[][] secondMoment(VectorSource vectors, long seed) throws IOException {
    int dim = vectors.dimension();
    int n = vectors.size();
    int samples = Math.min(n, SAMPLE);
    long start = Math.floorMod(seed, Math.max(1, n));
    float[][] columns = new float[dim][samples];
    for (int s = 0; s < samples; s++) {
      int ord = (int) ((start + (long) s * n / samples) % n);
      float[] x = vectors.vector(ord);
      for (int i = 0; i < dim; i++) {
        columns[i][s] = x[i];
      }
    }
    double[][] moment = new double[dim][dim];
    for (int i = 0; i < dim; i++) {
      for (int j = i; j < dim; j++) {
        double m = VectorUtil.dotProduct(columns[i], columns[j]);
        moment[i][j] = m;
        moment[j][i] = m;
      }
    }
    return moment;
  }

  /**
   * Gram-Schmidt, twice per row for accuracy. A row that collapses (data of lower rank than the
   * basis) is replaced by the first unit axis that is independent of the rows before it; one always
   * exists because there are fewer rows than coordinates.
   */
  private static void orthonormalize(double[][] basis) {
    int dim = basis[0].length;
    for (int r = 0; r < basis.length; r++) {
      double norm = orthogonalize(basis, r);
      for (int axis = 0; norm < 1e-6 && axis < dim; axis++) {
        java.util.Arrays.fill(basis[r], 0);
        basis[r][axis] = 1;
        norm = orthogonalize(basis, r);
      }
      for (int i = 0; i < dim; i++) {
        basis[r][i] /= norm;
      }
    }
  }

  /** Removes from row {@code r} its components along the rows before it; returns its norm. */
  private static double orthogonalize(double[][] basis, int r) {
    for (int pass = 0; pass < 2; pass++) {
      for (int q = 0; q < r; q++) {
        double d = dot(basis[r], basis[q]);
        for (int i = 0; i < basis[r].length; i++) {
          basis[r][i] -= d * basis[q][i];
        }
      }
    }
    return Math.sqrt(dot(basis[r], basis[r]));
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** Projects each vector on access, through a buffer of its own. */
  private static final class Projected implements VectorSource {
    private final VectorSource in;
    private final Projection projection;
    private final float[] buffer;

    Projected(VectorSource in, Projection projection) {
      if (in.dimension() != projection.columns()) {
        throw new IllegalArgumentException(
            "projection of " + projection.columns() + " columns for vectors of " + in.dimension());
      }
      this.in = in;
      this.projection = projection;
      this.buffer = new float[projection.rows()];
    }

    @Override
    public int size() {
      return in.size();
    }

    @Override
    public int dimension() {
      return projection.rows();
    }

    @Override
    public float[] vector(int ord) throws IOException {
      return projection.project(in.vector(ord), buffer);
    }

    @Override
    public VectorSource copy() throws IOException {
      return new Projected(in.copy(), projection);
    }
  }
}
