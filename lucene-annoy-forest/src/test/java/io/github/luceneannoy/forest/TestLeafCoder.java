/*
 * Copyright lucene-annoy contributors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.github.luceneannoy.forest;

import static io.github.luceneannoy.forest.ForestTestUtil.mean;
import static io.github.luceneannoy.forest.ForestTestUtil.squaredDistance;
import static io.github.luceneannoy.forest.ForestTestUtil.squaredNorm;

import io.github.luceneannoy.forest.ForestTestUtil.Kind;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The one-bit codes of {@link LeafCoder}, read with {@link QueryCode}: what they store, and above
 * all their error bounds on random data.
 *
 * <p>What {@link ForestSearcher} relies on: for a vector {@code x} of a leaf with centroid {@code
 * c} and a query {@code q}, the true {@code |x - q|²} lies within {@code estimate ± error}, with
 * {@code error = ERROR_BOUND · sqrt((code.error · |q - c|)² + (2 · scale · roundingError)²)}. A
 * vector whose lower bound is too high is dropped or left unscored, so the lower side loses
 * neighbours; the upper side only sets the bar a lower bound is compared with. The theory (RaBitQ):
 * over the random rotation, the estimate's error for one pair is close to normal, with a standard
 * deviation at most {@code code.error · |q - c| · sqrt(1 - cos²)}, where {@code cos} is the cosine
 * between the residual and the query's offset from the centroid; the query's rounding adds an
 * independent error of typical size {@code 2 · scale · roundingError}, so the two add in
 * quadrature. So {@code error / ERROR_BOUND} is at least the standard deviation (in high
 * dimensions, where {@code cos} is near 0, about equal to it), the pooled mean of {@code (actual
 * error / (error / ERROR_BOUND))²} is at most about 1, and the bound at {@value
 * ForestSearcher#ERROR_BOUND} standard deviations fails for at most {@code 2·(1 - Φ(2.5)) = 1.24%}
 * of pairs, half of that on the lower side.
 *
 * <p>The pairs of one rotation are not independent (one rotation serves all of a forest's codes,
 * and a leaf of clustered data has similar residuals), so the rates are pooled over many rotations.
 */
public class TestLeafCoder extends LuceneTestCase {

  /** {@code 2·(1 - Φ(2.5))}: the share of a normal variable beyond 2.5 standard deviations. */
  static final double TWO_SIDED_TAIL = 0.0124;

  private static final int[] DIMENSIONS = {2, 3, 63, 65, 384, 784};

  /** What the estimates of one kind of data and dimension did. */
  private static final class Stats {
    long pairs;
    long outside;
    long lowerAbove;
    double sumNormalized;
    double sumNormalizedSquares;

    void add(double truth, double estimate, double error, double unit) {
      pairs++;
      if (Math.abs(estimate - truth) > error) {
        outside++;
      }
      if (estimate - error > truth) {
        lowerAbove++;
      }
      if (unit > 0) {
        double normalized = (estimate - truth) / unit;
        sumNormalized += normalized;
        sumNormalizedSquares += normalized * normalized;
      }
    }

    double outsideRate() {
      return (double) outside / pairs;
    }

    double lowerAboveRate() {
      return (double) lowerAbove / pairs;
    }

    double meanNormalized() {
      return sumNormalized / pairs;
    }

    double meanSquareNormalized() {
      return sumNormalizedSquares / pairs;
    }

    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%d pairs, outside the bound %.4f, lower bound above the truth %.4f, mean error %.4f and mean squared error %.3f in standard scales",
          pairs,
          outsideRate(),
          lowerAboveRate(),
          meanNormalized(),
          meanSquareNormalized());
    }
  }

  /**
   * Codes a leaf and estimates its vectors' distances from queries of the same kind, once per
   * rotation: a leaf is the {@code leafSize} nearest vectors of a random vector, as a k-means
   * cluster is, its centroid their mean, and the segment's centre the mean of all vectors.
   */
  private static Stats measure(
      Random random, Kind kind, int dim, int rotations, int leafSize, int queries) {
    Stats stats = new Stats();
    for (int r = 0; r < rotations; r++) {
      float[][] centres = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 4 + random.nextInt(8), dim);
      float[][] data = ForestTestUtil.vectors(random, kind, 4 * leafSize, dim, centres);
      float[] centre = mean(data);
      float[] anchor = data[random.nextInt(data.length)];
      float[][] leaf = Arrays.copyOf(data, data.length);
      Arrays.sort(leaf, Comparator.comparingDouble(v -> squaredDistance(v, anchor)));
      leaf = Arrays.copyOf(leaf, leafSize);
      float[] centroid = mean(leaf);
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      CodeBlock codes = encode(rotation, centre, centroid, leaf);
      QueryCode code = new QueryCode(centre, rotation);
      for (float[] query : ForestTestUtil.vectors(random, kind, queries, dim, centres)) {
        code.set(query);
        float centroidDistance = (float) squaredDistance(query, centroid);
        float centroidScale = (float) Math.sqrt(centroidDistance);
        for (int e = 0; e < leafSize; e++) {
          double truth = squaredDistance(query, leaf[e]);
          float estimate = code.estimate(codes, e, centroidDistance);
          float error = code.error(codes, e, centroidScale, ForestSearcher.ERROR_BOUND);
          float unit = code.error(codes, e, centroidScale, 1);
          stats.add(truth, estimate, error, unit);
        }
      }
    }
    return stats;
  }

  /**
   * Issue #20: the codes' error bounds on random data, over kinds of data and dimensions. In high
   * dimensions the bound is tight (the rates come out at the theory's), so each case's limits add
   * three standard errors of a sample of one independent pair per rotation and query; pooled over
   * all cases, the limits add three standard errors of the pooled sample.
   */
  public void testErrorBoundsOnRandomData() {
    Random random = random();
    int rotations = 32;
    int queries = 8;
    double independent = rotations * queries;
    Stats all = new Stats();
    for (Kind kind : Kind.values()) {
      for (int dim : DIMENSIONS) {
        Stats stats = measure(random, kind, dim, rotations, 128, queries);
        if (VERBOSE) {
          System.out.println(kind + " dim " + dim + ": " + stats);
        }
        String what = kind + " dim " + dim + ": " + stats;
        assertTrue(what, stats.outsideRate() <= withSampling(TWO_SIDED_TAIL, independent));
        assertTrue(what, stats.lowerAboveRate() <= withSampling(TWO_SIDED_TAIL / 2, independent));
        // error / ERROR_BOUND is at least the standard deviation: the mean square of a standard
        // normal sample of this size is 1 within 3·sqrt(2/n)
        assertTrue(what, stats.meanSquareNormalized() <= 1 + 3 * Math.sqrt(2 / independent));
        // the estimator is unbiased: its mean error is small beside its spread (1 in these units)
        assertTrue(what, Math.abs(stats.meanNormalized()) <= 0.15);
        all.outside += stats.outside;
        all.lowerAbove += stats.lowerAbove;
        all.pairs += stats.pairs;
        all.sumNormalized += stats.sumNormalized;
        all.sumNormalizedSquares += stats.sumNormalizedSquares;
      }
    }
    // all pairs together: tighter, as the rates of many independent rotations average
    double pooled = independent * Kind.values().length * DIMENSIONS.length;
    assertTrue(all.toString(), all.outsideRate() <= withSampling(TWO_SIDED_TAIL, pooled));
    assertTrue(all.toString(), all.lowerAboveRate() <= withSampling(TWO_SIDED_TAIL / 2, pooled));
    assertTrue(all.toString(), all.meanSquareNormalized() <= 1 + 3 * Math.sqrt(2 / pooled));
    assertTrue(all.toString(), Math.abs(all.meanNormalized()) <= 0.05);
  }

  /**
   * A bar drops a code only when the bound of its high half (the query's two high bits, the error
   * of the low two added) lies beyond it: a vector nearer than the bar is dropped only when that
   * estimate errs by more than its bound, as rarely as the full estimate's lower bound lies above
   * the truth. The codes kept carry the full estimate's bounds, in order.
   */
  public void testBarDropsOnlyCodesBeyondIt() {
    barDropsOnlyCodesBeyondIt(false);
  }

  /**
   * As {@link #testBarDropsOnlyCodesBeyondIt} for {@link QueryCode#boundsBelowTightBar}, which
   * first bounds every code from the query's top bit plane alone (the error of the three low ones
   * added), then the codes that pass from the top two.
   */
  public void testTightBarDropsOnlyCodesBeyondIt() {
    barDropsOnlyCodesBeyondIt(true);
  }

  private void barDropsOnlyCodesBeyondIt(boolean tight) {
    Random random = random();
    int rotations = 16;
    int queries = 8;
    int leafSize = 128;
    long near = 0;
    long nearDropped = 0;
    for (Kind kind : Kind.values()) {
      for (int dim : DIMENSIONS) {
        for (int r = 0; r < rotations; r++) {
          float[][] centres =
              ForestTestUtil.vectors(random, Kind.GAUSSIAN, 4 + random.nextInt(8), dim);
          float[][] leaf = ForestTestUtil.vectors(random, kind, leafSize, dim, centres);
          float[] centre = mean(ForestTestUtil.vectors(random, kind, 64, dim, centres));
          float[] centroid = mean(leaf);
          FastRotation rotation = new FastRotation(dim, random.nextLong());
          CodeBlock codes = encode(rotation, centre, centroid, leaf);
          QueryCode code = new QueryCode(centre, rotation);
          float[] lower = new float[leafSize];
          float[] upper = new float[leafSize];
          int[] passing = new int[leafSize];
          for (float[] query : ForestTestUtil.vectors(random, kind, queries, dim, centres)) {
            code.set(query);
            float centroidDistance = (float) squaredDistance(query, centroid);
            float centroidScale = (float) Math.sqrt(centroidDistance);
            double[] truth = new double[leafSize];
            for (int e = 0; e < leafSize; e++) {
              truth[e] = squaredDistance(query, leaf[e]);
            }
            double[] sorted = truth.clone();
            Arrays.sort(sorted);
            float bar = (float) sorted[random.nextInt(leafSize / 4)];
            int kept =
                tight
                    ? code.boundsBelowTightBar(
                        codes,
                        leafSize,
                        centroidDistance,
                        centroidScale,
                        ForestSearcher.ERROR_BOUND,
                        bar,
                        passing,
                        lower,
                        upper)
                    : code.bounds(
                        codes,
                        leafSize,
                        centroidDistance,
                        centroidScale,
                        ForestSearcher.ERROR_BOUND,
                        bar,
                        passing,
                        lower,
                        upper);
            boolean[] isKept = new boolean[leafSize];
            for (int i = 0; i < kept; i++) {
              int e = passing[i];
              assertTrue("kept in order", i == 0 || passing[i - 1] < e);
              isKept[e] = true;
              float estimate = code.estimate(codes, e, centroidDistance);
              float error = code.error(codes, e, centroidScale, ForestSearcher.ERROR_BOUND);
              float slack = 1e-5f * (Math.abs(estimate) + error);
              assertEquals(estimate - error, lower[i], slack);
              assertEquals(estimate + error, upper[i], slack);
            }
            for (int e = 0; e < leafSize; e++) {
              if (truth[e] <= bar) {
                near++;
                nearDropped += isKept[e] ? 0 : 1;
              }
            }
          }
        }
      }
    }
    double rate = (double) nearDropped / near;
    String what = nearDropped + " of " + near + " vectors nearer than the bar dropped";
    if (VERBOSE) {
      System.out.println(what);
    }
    assertTrue(what, rate <= withSampling(TWO_SIDED_TAIL / 2, near / 8.0));
  }

  /**
   * {@link CodeBlock#countOnes} on interleaved codes finds each code's count of ones as the coder
   * stored it (what a reader of short codes relies on), for whole groups and the smaller last one,
   * at every width a reader counts and beyond.
   */
  public void testCountedOnesAreTheStoredOnes() {
    Random random = random();
    for (int iter = 0; iter < 50; iter++) {
      int dimension = 2 + random.nextInt(400);
      int count = 1 + random.nextInt(40);
      FastRotation rotation = new FastRotation(dimension, random.nextLong());
      float[] centre = new float[dimension];
      float[] centroid = new float[dimension];
      float[][] leaf = new float[count][dimension];
      for (int e = 0; e < count; e++) {
        for (int i = 0; i < dimension; i++) {
          leaf[e][i] = (float) random.nextGaussian();
        }
      }
      CodeBlock codes = encode(rotation, centre, centroid, leaf);
      int[] stored = Arrays.copyOf(codes.ones, count);
      Arrays.fill(codes.ones, -1);
      codes.countOnes(count);
      assertArrayEquals(
          dimension + " dimensions, " + count + " codes", stored, Arrays.copyOf(codes.ones, count));
    }
  }

  /** The codes of {@code leaf} relative to {@code centroid}, interleaved as a search reads them. */
  private static CodeBlock encode(
      FastRotation rotation, float[] centre, float[] centroid, float[][] leaf) {
    LeafCoder coder = new LeafCoder(rotation, centre);
    coder.centroid(centroid);
    CodeBlock codes = new CodeBlock(leaf.length, coder.words());
    for (int e = 0; e < leaf.length; e++) {
      coder.encode(leaf[e], codes, e);
    }
    codes.interleave(leaf.length);
    return codes;
  }

  /** A rate's limit: {@code rate} plus three standard errors of a sample of {@code n}. */
  private static double withSampling(double rate, double n) {
    return rate + 3 * Math.sqrt(rate / n);
  }

  /**
   * Small leaves, as at a segment's edges and with a small maximum leaf size, keep the bound too.
   * Their residuals leave the estimator less slack (a leaf of two has residuals {@code r} and
   * {@code -r}, whose errors are as large as the theory allows), so their rates come close to the
   * theory's: the limit adds three standard errors of the sample.
   *
   * <p>The queries of one rotation share its leaf's few codes, and so their errors: over 150 seeds
   * of 128 rotations, the rates and the mean square spread 1.6 - 3.3 times as much as independent
   * pairs would (a leaf of two at 784 dimensions: outside the bound 0.0139 ± 0.0036, lower bound
   * above the truth 0.0070 ± 0.0018, mean square 1.020 ± 0.066), and with one independent pair per
   * rotation and query as the sample, 7 seeds in 200 failed. So the sample counts a sixteenth of
   * its pairs, over four times the rotations.
   */
  public void testErrorBoundsOfSmallLeaves() {
    Random random = random();
    int rotations = 512;
    int queries = 32;
    double independent = rotations * queries / 16.0;
    double twoSided = withSampling(TWO_SIDED_TAIL, independent);
    double lower = withSampling(TWO_SIDED_TAIL / 2, independent);
    for (int leafSize : new int[] {2, 5, 17}) {
      Kind kind = Kind.values()[random.nextInt(3)];
      int dim = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
      Stats stats = measure(random, kind, dim, rotations, leafSize, queries);
      String what = kind + " dim " + dim + ", leaf size " + leafSize + ": " + stats;
      if (VERBOSE) {
        System.out.println(what);
      }
      assertTrue(what, stats.outsideRate() <= twoSided);
      assertTrue(what, stats.lowerAboveRate() <= lower);
      assertTrue(what, stats.meanSquareNormalized() <= 1 + 3 * Math.sqrt(2 / independent));
    }
  }

  /** The rotated residual of {@code vector} from {@code centroid}. */
  private static float[] rotatedResidual(FastRotation rotation, float[] vector, float[] centroid) {
    float[] residual = new float[vector.length];
    for (int i = 0; i < residual.length; i++) {
      residual[i] = vector[i] - centroid[i];
    }
    float[] out = new float[rotation.paddedDimension()];
    rotation.rotate(residual, out, new float[rotation.paddedDimension()]);
    return out;
  }

  /**
   * What a code stores: the signs of the rotated residual as bits, their count, {@code scale =
   * |r|²/|r|₁} and {@code additive = |r|² + 2·scale·(s·w)} with {@code w} the rotated offset of the
   * centroid from the segment's centre; the error factor is non-negative.
   */
  /** The branch-free sign bit agrees with {@code r > 0}, at zero of both signs and the extremes. */
  public void testIsPositiveIsGreaterThanZero() {
    float[] edges = {
      0f,
      -0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.MIN_NORMAL,
      -Float.MIN_NORMAL,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      1f,
      -1f
    };
    for (float r : edges) {
      assertEquals("r = " + r, r > 0 ? 1L : 0L, LeafCoder.isPositive(r));
    }
    Random random = random();
    for (int i = 0; i < atLeast(1000); i++) {
      float r = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(r) == false) {
        assertEquals("r = " + r, r > 0 ? 1L : 0L, LeafCoder.isPositive(r));
      }
    }
  }

  public void testCodeContents() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      float[][] data = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], 40, dim);
      float[] centre = mean(data);
      float[] centroid = mean(Arrays.copyOf(data, 10));
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      LeafCoder coder = new LeafCoder(rotation, centre);
      assertEquals(rotation.paddedDimension() / 64, coder.words());
      coder.centroid(centroid);
      CodeBlock codes = new CodeBlock(data.length, coder.words());
      for (int e = 0; e < data.length; e++) {
        coder.encode(data[e], codes, e);
      }
      float[] offset = rotatedResidual(rotation, centroid, centre);
      for (int e = 0; e < data.length; e++) {
        float[] r = rotatedResidual(rotation, data[e], centroid);
        int ones = 0;
        double signDotOffset = 0;
        double l1 = 0;
        for (int i = 0; i < r.length; i++) {
          boolean bit = (codes.bits[e * codes.words + i / 64] >>> (i % 64) & 1) != 0;
          // a coordinate too close to 0 may round either way between the coder and this test
          if (Math.abs(r[i]) > 1e-5 * Math.sqrt(squaredNorm(r))) {
            assertEquals("dim " + dim + ", code " + e + ", bit " + i, r[i] > 0, bit);
          }
          ones += bit ? 1 : 0;
          signDotOffset += (bit ? 1 : -1) * offset[i];
          l1 += Math.abs(r[i]);
        }
        int popcount = 0;
        for (int w = 0; w < codes.words; w++) {
          popcount += Long.bitCount(codes.bits[e * codes.words + w]);
        }
        assertEquals("the count of ones is the bits' popcount", popcount, codes.ones[e]);
        assertEquals(ones, codes.ones[e]);
        double squared = squaredNorm(r);
        double scale = squared / l1;
        assertEquals("dim " + dim + " scale", scale, codes.scale[e], 1e-4 * scale);
        double additive = squared + 2 * scale * signDotOffset;
        assertEquals(
            "dim " + dim + " additive",
            additive,
            codes.additive[e],
            1e-4 * (squared + 2 * scale * Math.sqrt(squaredNorm(offset)) * Math.sqrt(r.length)));
        assertTrue(
            "error factor " + codes.error[e],
            codes.error[e] >= 0 && Float.isFinite(codes.error[e]));
      }
    }
  }

  /**
   * Interleaving moves each code's words to where {@link CodeBlock#start} and {@link
   * CodeBlock#stride} say, whole groups and a partial last group alike; and the estimates read from
   * the interleaved codes, one by one or a leaf at a time ({@link QueryCode#bounds}), are the ones
   * of the codes as encoded.
   */
  public void testInterleavedCodesEstimateAsEncoded() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      int count = 1 + random.nextInt(3 * CodeBlock.GROUP + 2);
      float[][] data = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], count, dim);
      float[] centre = mean(data);
      float[] centroid = mean(Arrays.copyOf(data, Math.max(1, count / 2)));
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      LeafCoder coder = new LeafCoder(rotation, centre);
      coder.centroid(centroid);
      int words = coder.words();
      CodeBlock codes = new CodeBlock(count + random.nextInt(5), words);
      for (int e = 0; e < count; e++) {
        coder.encode(data[e], codes, e);
      }
      long[] encoded = codes.bits.clone();
      QueryCode code = new QueryCode(centre, rotation);
      float[][] queries = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 5, dim);
      float[][] expected = new float[queries.length][count];
      for (int q = 0; q < queries.length; q++) {
        code.set(queries[q]);
        float centroidDistance = (float) squaredDistance(queries[q], centroid);
        for (int e = 0; e < count; e++) {
          float signDot = code.signDot(encoded, e * words, codes.ones[e]);
          expected[q][e] = codes.additive[e] + centroidDistance - 2 * codes.scale[e] * signDot;
        }
      }
      codes.interleave(count);
      assertEquals(count, codes.count);
      for (int e = 0; e < count; e++) {
        int start = CodeBlock.start(e, words);
        int stride = CodeBlock.stride(e, count);
        assertEquals(
            Math.min(CodeBlock.GROUP, count - e / CodeBlock.GROUP * CodeBlock.GROUP), stride);
        for (int w = 0; w < words; w++) {
          assertEquals(
              "code " + e + " of " + count + ", word " + w,
              encoded[e * words + w],
              codes.bits[start + w * stride]);
        }
      }
      float[] lower = new float[count];
      float[] upper = new float[count];
      int[] passing = new int[count];
      for (int q = 0; q < queries.length; q++) {
        code.set(queries[q]);
        float centroidDistance = (float) squaredDistance(queries[q], centroid);
        float centroidScale = (float) Math.sqrt(centroidDistance);
        int kept =
            code.bounds(
                codes,
                count,
                centroidDistance,
                centroidScale,
                ForestSearcher.ERROR_BOUND,
                Float.POSITIVE_INFINITY,
                passing,
                lower,
                upper);
        // below an infinite bar every code is kept, in order
        assertEquals(count, kept);
        float[] allLower = new float[count];
        float[] allUpper = new float[count];
        code.allBounds(
            codes,
            count,
            centroidDistance,
            centroidScale,
            ForestSearcher.ERROR_BOUND,
            allLower,
            allUpper);
        for (int e = 0; e < count; e++) {
          assertEquals(e, passing[e]);
          float estimate = code.estimate(codes, e, centroidDistance);
          String what = "dim " + dim + ", code " + e + " of " + count;
          assertEquals(what, expected[q][e], estimate, 0f);
          float error = code.error(codes, e, centroidScale, ForestSearcher.ERROR_BOUND);
          float slack = 1e-5f * (Math.abs(estimate) + error);
          assertEquals(what, estimate - error, lower[e], slack);
          assertEquals(what, estimate + error, upper[e], slack);
          assertEquals(what, estimate - error, allLower[e], slack);
          assertEquals(what, estimate + error, allUpper[e], slack);
        }
      }
    }
  }

  /**
   * Keeping a subset of a leaf's codes (a filtered search bounds its accepted entries alone) leaves
   * those codes, in order, in the interleaved layout of the smaller count.
   */
  public void testKeepSelectsCodesInOrder() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      int count = 1 + random.nextInt(4 * CodeBlock.GROUP + 3);
      float[][] data = ForestTestUtil.vectors(random, Kind.values()[random.nextInt(3)], count, dim);
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      LeafCoder coder = new LeafCoder(rotation, mean(data));
      coder.centroid(mean(data));
      LeafBlock block = new LeafBlock(count, coder.words());
      for (int e = 0; e < count; e++) {
        coder.encode(data[e], block.codes, e);
        block.ords[e] = 3 * e + 1;
      }
      block.codes.interleave(count);
      block.count = count;
      CodeBlock before = new CodeBlock(count, coder.words());
      for (int e = 0; e < count; e++) {
        coder.encode(data[e], before, e);
      }
      before.interleave(count);
      int[] positions = new int[count];
      int n = 0;
      for (int e = 0; e < count; e++) {
        if (random.nextInt(3) == 0) {
          positions[n++] = e;
        }
      }
      block.keep(positions, n);
      assertEquals(n, block.count);
      assertEquals(n, block.codes.count);
      for (int i = 0; i < n; i++) {
        int e = positions[i];
        String what = "dim " + dim + ", kept " + i + " (code " + e + " of " + count + ")";
        assertEquals(what, 3 * e + 1, block.ords[i]);
        assertEquals(what, before.additive[e], block.codes.additive[i], 0f);
        assertEquals(what, before.scale[e], block.codes.scale[i], 0f);
        assertEquals(what, before.error[e], block.codes.error[i], 0f);
        assertEquals(what, before.ones[e], block.codes.ones[i]);
        for (int w = 0; w < coder.words(); w++) {
          assertEquals(what + ", word " + w, before.word(e, w), block.codes.word(i, w));
        }
      }
    }
  }

  /**
   * With the centroid at the segment's centre, the additive term is exactly the squared residual.
   */
  public void testAdditiveIsSquaredResidualAtTheCentre() {
    Random random = random();
    int dim = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
    float[][] data = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 30, dim);
    float[] centre = mean(data);
    LeafCoder coder = new LeafCoder(new FastRotation(dim, random.nextLong()), centre);
    coder.centroid(centre.clone());
    CodeBlock codes = new CodeBlock(data.length, coder.words());
    for (int e = 0; e < data.length; e++) {
      coder.encode(data[e], codes, e);
      double squared = squaredDistance(data[e], centre);
      assertEquals(squared, codes.additive[e], 1e-5 * squared);
    }
  }

  /** A vector at the centroid has a code of scale and error 0, and its estimate is exact. */
  public void testVectorAtTheCentroid() {
    Random random = random();
    int dim = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
    float[][] data = ForestTestUtil.vectors(random, Kind.UNIFORM, 20, dim);
    float[] centre = mean(data);
    float[] centroid = data[0].clone();
    FastRotation rotation = new FastRotation(dim, random.nextLong());
    LeafCoder coder = new LeafCoder(rotation, centre);
    coder.centroid(centroid);
    CodeBlock codes = new CodeBlock(2, coder.words());
    coder.encode(data[1], codes, 0);
    coder.encode(centroid, codes, 1);
    codes.interleave(2);
    assertEquals(0, codes.scale[1], 0f);
    assertEquals(0, codes.error[1], 0f);
    assertEquals(0, codes.additive[1], 0f);
    QueryCode code = new QueryCode(centre, rotation);
    for (float[] query : ForestTestUtil.vectors(random, Kind.UNIFORM, 10, dim)) {
      code.set(query);
      float distance = (float) squaredDistance(query, centroid);
      assertEquals(distance, code.estimate(codes, 1, distance), 1e-6f * distance);
      assertEquals(
          0, code.error(codes, 1, (float) Math.sqrt(distance), ForestSearcher.ERROR_BOUND), 0f);
    }
  }

  /**
   * A query on the line through the centroid and a vector ({@code q = c + t·(x - c)}) is estimated
   * exactly but for the query's rounding: {@code s·R(q - c) = t·|r|₁}, so the estimator's only
   * error is {@code 2·scale·s·(û - u)}, at most {@code 2·scale·sqrt(3p)·roundingError} (each of the
   * {@code p} coordinates rounded by at most half a step).
   */
  public void testCollinearQueriesAreExactButForRounding() {
    Random random = random();
    for (int dim : DIMENSIONS) {
      float[][] data = ForestTestUtil.vectors(random, Kind.GAUSSIAN, 30, dim);
      float[] centre = mean(data);
      float[] centroid = mean(Arrays.copyOf(data, 8));
      FastRotation rotation = new FastRotation(dim, random.nextLong());
      int p = rotation.paddedDimension();
      LeafCoder coder = new LeafCoder(rotation, centre);
      coder.centroid(centroid);
      QueryCode code = new QueryCode(centre, rotation);
      for (float[] vector : data) {
        // a block of one code, whose interleaved layout is the encoded one
        CodeBlock codes = new CodeBlock(1, coder.words());
        int e = 0;
        coder.encode(vector, codes, e);
        codes.interleave(1);
        float t = 6 * random.nextFloat() - 3;
        float[] query = new float[dim];
        for (int i = 0; i < dim; i++) {
          query[i] = centroid[i] + t * (vector[i] - centroid[i]);
        }
        code.set(query);
        float centroidDistance = (float) squaredDistance(query, centroid);
        double truth = squaredDistance(query, vector);
        float estimate = code.estimate(codes, e, centroidDistance);
        double rounding = 2 * codes.scale[e] * Math.sqrt(3.0 * p) * code.roundingError();
        double signDot = code.signDot(codes.bits, e * codes.words, codes.ones[e]);
        double floats =
            1e-5
                * (Math.abs(codes.additive[e])
                    + centroidDistance
                    + 2 * codes.scale[e] * Math.abs(signDot));
        assertEquals("dim " + dim + ", t " + t, truth, estimate, rounding + floats);
      }
    }
  }
}
