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
package io.github.luceneannoy.examples.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;

/** The benchmark's plots, drawn from a tiny result set: real PNGs, one series per format. */
@SuppressFileSystems("*") // JFreeChart and ImageIO write through java.io.File
public class PlotsTest extends LuceneTestCase {
  private static final BenchFilter HALF =
      new BenchFilter("random 50.0%", false, null, id -> true, 0.5);
  private static final BenchFilter FEW =
      new BenchFilter("random 0.5%", false, null, id -> true, 0.005);

  private static List<Benchmark.FormatResult> results() {
    return List.of(
        result(FormatUnderTest.hnsw(16, 100, new int[] {10, 20}), 0.80, 3000),
        result(FormatUnderTest.annoy("annoy", null, new int[] {20, 40}), 0.85, 2500),
        result(FormatUnderTest.annoy("annoy-q7", null, new int[] {20, 40}), 0.83, 4000));
  }

  private static Benchmark.FormatResult result(FormatUnderTest format, double recall, double qps) {
    List<SearchSweep.Point> points =
        List.of(
            new SearchSweep.Point(10, recall, qps, 1.8 * qps, 2),
            new SearchSweep.Point(20, recall + 0.1, qps / 3, qps / 2, 2),
            new SearchSweep.Point(40, 1.0, qps / 20, qps / 11, 2));
    List<FilteredSweep.Point> filtered =
        List.of(
            new FilteredSweep.Point(HALF, 40, 0.97, qps),
            new FilteredSweep.Point(FEW, 40, 1.0, qps * 4));
    return new Benchmark.FormatResult(format, null, points, filtered);
  }

  public void testRecallQpsPlotIsAPngWithOneSeriesPerFormat() throws Exception {
    List<Benchmark.FormatResult> results = results();
    JFreeChart chart = RecallQpsPlot.chart("recall@10 vs QPS: tiny", results, 10);
    XYPlot plot = chart.getXYPlot();
    XYDataset oneThread = plot.getDataset(0);
    XYDataset allThreads = plot.getDataset(1);
    assertEquals(results.size(), oneThread.getSeriesCount());
    assertEquals(results.size(), allThreads.getSeriesCount());
    assertEquals("annoy, 1 thread", oneThread.getSeriesKey(1));
    assertEquals("annoy-q7, 2 threads", allThreads.getSeriesKey(2));
    assertEquals(3, oneThread.getItemCount(0));
    assertEquals(3000, oneThread.getYValue(0, 0), 0);
    assertEquals("recall@10", plot.getDomainAxis().getLabel());
    assertTrue(plot.getRangeAxis() instanceof org.jfree.chart.axis.LogAxis);
    assertTrue(chart.getTitle().getText(), chart.getTitle().getText().contains("tiny"));
    assertTrue(
        chart.getTitle().getText(),
        chart.getTitle().getText().contains(System.getProperty("java.version")));
    assertNotNull(chart.getLegend());

    Path file = createTempDir("plot").resolve("recall-qps.png");
    RecallQpsPlot.write(file, "recall@10 vs QPS: tiny", results, 10);
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull("not a readable image: " + file, image);
    assertEquals(RecallQpsPlot.WIDTH, image.getWidth());
    assertEquals(RecallQpsPlot.HEIGHT, image.getHeight());
  }

  public void testFilteredPlotHasAColumnPerFilterAndASeriesPerFormat() throws Exception {
    List<Benchmark.FormatResult> results = results();
    JFreeChart chart = FilteredPlot.chart("filtered k-NN: tiny", results);
    XYPlot plot = chart.getXYPlot();
    assertEquals(results.size(), plot.getDataset().getSeriesCount());
    String[] columns = ((org.jfree.chart.axis.SymbolAxis) plot.getDomainAxis()).getSymbols();
    assertArrayEquals(new String[] {"random 50.0% (50.0%)", "random 0.5% (0.5%)"}, columns);

    Path file = createTempDir("plot").resolve("filtered-qps.png");
    FilteredPlot.write(file, "filtered k-NN: tiny", results);
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull("not a readable image: " + file, image);
    assertEquals(FilteredPlot.width(chart), image.getWidth());
    assertEquals(FilteredPlot.HEIGHT, image.getHeight());
  }

  public void testFilteredPlotIsSkippedWithoutFilteredResults() throws Exception {
    Benchmark.FormatResult plain =
        new Benchmark.FormatResult(
            FormatUnderTest.hnsw(16, 100, new int[] {10}), null, List.of(), List.of());
    assertNull(FilteredPlot.chart("none", List.of(plain)));
    Path file = createTempDir("plot").resolve("filtered-qps.png");
    FilteredPlot.write(file, "none", List.of(plain));
    assertFalse(java.nio.file.Files.exists(file));
  }
}
