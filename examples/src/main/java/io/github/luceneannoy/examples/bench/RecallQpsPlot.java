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

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Recall (x) against queries per second (y, log scale), one series per format: solid lines for one
 * searching thread (the plot's first data set), dashed for all threads (its second), the usual
 * ann-benchmarks picture where up and to the right is better.
 */
public final class RecallQpsPlot {
  static final int WIDTH = 960;
  static final int HEIGHT = 600;

  private RecallQpsPlot() {}

  /** Writes the plot as a PNG of {@value #WIDTH}×{@value #HEIGHT} pixels. */
  public static void write(Path file, String title, List<Benchmark.FormatResult> results, int k)
      throws IOException {
    Charts.writePng(chart(title, results, k), file, WIDTH, HEIGHT);
  }

  static JFreeChart chart(String title, List<Benchmark.FormatResult> results, int k) {
    Charts.headless();
    XYSeriesCollection single = new XYSeriesCollection();
    XYSeriesCollection multi = new XYSeriesCollection();
    double minRecall = 1;
    double minQps = Double.MAX_VALUE;
    double maxQps = 0;
    for (Benchmark.FormatResult r : results) {
      // points stay in sweep order (no sorting by recall), duplicates of a recall allowed
      XYSeries one = new XYSeries(r.format().label() + ", 1 thread", false, true);
      int threads = r.points().isEmpty() ? 0 : r.points().get(0).threads();
      XYSeries all = new XYSeries(r.format().label() + ", " + threads + " threads", false, true);
      for (SearchSweep.Point p : r.points()) {
        one.add(p.recall(), p.qpsSingle());
        all.add(p.recall(), p.qpsMulti());
        minRecall = Math.min(minRecall, p.recall());
        minQps = Math.min(minQps, Math.min(p.qpsSingle(), p.qpsMulti()));
        maxQps = Math.max(maxQps, Math.max(p.qpsSingle(), p.qpsMulti()));
      }
      single.addSeries(one);
      multi.addSeries(all);
    }
    NumberAxis recall = new NumberAxis("recall@" + k);
    // from the 0.05 step below the lowest recall to just past 1, so that points at 1 are not cut
    recall.setRange(Math.max(0, Math.floor(minRecall * 20 - 1e-9) / 20), 1.005);
    XYPlot plot =
        new XYPlot(
            single,
            recall,
            Charts.qpsAxis("queries per second (log scale)", minQps, maxQps),
            renderer(results.size(), false));
    plot.setDataset(1, multi);
    plot.setRenderer(1, renderer(results.size(), true));
    return Charts.chart(title, plot);
  }

  private static XYLineAndShapeRenderer renderer(int formats, boolean dashed) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int f = 0; f < formats; f++) {
      renderer.setSeriesPaint(f, Charts.colour(f));
      renderer.setSeriesStroke(f, dashed ? Charts.DASHED : Charts.SOLID);
    }
    return renderer;
  }
}
