package io.github.luceneannoy.examples;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.examples.jmh.ForestSearchBenchmark;
import io.github.luceneannoy.examples.jmh.HotLoopsBenchmark;
import io.github.luceneannoy.examples.jmh.SketchBenchmark;
import org.apache.lucene.search.TopKnnCollector;
import org.junit.Test;

/**
 * Each JMH benchmark's setup and methods run once, so that the benchmarks cannot rot, and what
 * they compare computes the same thing.
 */
public class JmhBenchmarksTest {

  @Test
  public void sketchKernels() throws Exception {
    SketchBenchmark bench = new SketchBenchmark();
    bench.dim = 256;
    bench.setUp();
    float[] columnWise = bench.projectQuery().clone();
    float[] rowByRow = bench.projectQueryRowByRow().clone();
    assertEquals("128 rows, capped below half the dimension", 127, columnWise.length);
    float scale = 0;
    for (float v : rowByRow) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertArrayEquals(rowByRow, columnWise, 1e-4f * scale);
    // estimates of different candidates differ (their correctness is TestSketches' business)
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < 1_000; i++) {
      float estimate = bench.sketchEstimate();
      assertTrue("estimate " + estimate, Float.isFinite(estimate));
      min = Math.min(min, estimate);
      max = Math.max(max, estimate);
    }
    assertTrue(min + " .. " + max, min < max);
  }

  @Test
  public void forestSearch() throws Exception {
    ForestSearchBenchmark bench = new ForestSearchBenchmark();
    bench.size = 2_000;
    bench.dim = 16;
    bench.setUp();
    TopKnnCollector descent = (TopKnnCollector) bench.treeDescent();
    assertEquals(1, descent.topDocs().scoreDocs.length);
    TopKnnCollector search = (TopKnnCollector) bench.searchDefaultBudget();
    assertEquals(10, search.topDocs().scoreDocs.length);
    TopKnnCollector scoring = (TopKnnCollector) bench.candidateScoring();
    assertEquals(10, scoring.topDocs().scoreDocs.length);
  }

  @Test
  public void hotLoops() {
    HotLoopsBenchmark bench = new HotLoopsBenchmark();
    bench.dim = 128;
    bench.setUp();
    assertTrue(bench.candidateDistance() > 0);
    assertTrue(Float.isFinite(bench.splitSideByteNormal()));
    assertTrue(Float.isFinite(bench.splitSideFloatNormal()));
  }
}
