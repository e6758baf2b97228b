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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The filtered mode: one column per filter (name and share of documents accepted), the
 * single-threaded queries per second of each format at each budget as a dot on a log scale,
 * labelled with its recall, so speed and recall can be compared filter by filter. One series per
 * format, its dots set a little apart from the other formats' within a column.
 */
public final class FilteredPlot {
  static final int HEIGHT = 560;
  private static final int COLUMN = 170;
  private static final int MARGIN = 380;

  private FilteredPlot() {}

  /**
   * Writes the plot as a PNG, {@value #HEIGHT} pixels high and wide enough for every filter's
   * column; writes nothing when no format has filtered results.
   */
  public static void write(Path file, String title, List<Benchmark.FormatResult> results)
      throws IOException {
    JFreeChart chart = chart(title, results);
    if (chart != null) {
      Charts.writePng(chart, file, width(chart), HEIGHT);
    }
  }

  static int width(JFreeChart chart) {
    return MARGIN + COLUMN * ((SymbolAxis) chart.getXYPlot().getDomainAxis()).getSymbols().length;
  }

  /** The chart, or null when no format has filtered results. */
  static JFreeChart chart(String title, List<Benchmark.FormatResult> results) {
    Charts.headless();
    Map<String, BenchFilter> filters = new LinkedHashMap<>();
    for (Benchmark.FormatResult r : results) {
      for (FilteredSweep.Point p : r.filteredPoints()) {
        filters.putIfAbsent(p.filter().name(), p.filter());
      }
    }
    if (filters.isEmpty()) {
      return null;
    }
    List<String> names = new ArrayList<>(filters.keySet());
    XYSeriesCollection qps = new XYSeriesCollection();
    double min = Double.MAX_VALUE;
    double max = 0;
    List<List<Double>> recalls = new ArrayList<>();
    for (int f = 0; f < results.size(); f++) {
      Benchmark.FormatResult r = results.get(f);
      XYSeries series = new XYSeries(r.format().label() + " (label: recall)", false, true);
      List<Double> recall = new ArrayList<>();
      double offset = results.size() == 1 ? 0 : -0.2 + 0.4 * f / (results.size() - 1);
      for (FilteredSweep.Point p : r.filteredPoints()) {
        series.add(names.indexOf(p.filter().name()) + offset, p.qps());
        recall.add(p.recall());
        min = Math.min(min, p.qps());
        max = Math.max(max, p.qps());
      }
      qps.addSeries(series);
      recalls.add(recall);
    }
    String[] columns = new String[names.size()];
    for (int c = 0; c < columns.length; c++) {
      BenchFilter filter = filters.get(names.get(c));
      columns[c] =
          String.format(Locale.ROOT, "%s (%.1f%%)", filter.name(), 100 * filter.selectivity());
    }
    SymbolAxis filterAxis = new SymbolAxis("filter (share of documents accepted)", columns);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    for (int f = 0; f < results.size(); f++) {
      renderer.setSeriesPaint(f, Charts.colour(f));
    }
    renderer.setDefaultItemLabelGenerator(
        (dataset, series, item) ->
            String.format(Locale.ROOT, "%.3f", recalls.get(series).get(item)));
    renderer.setDefaultItemLabelsVisible(true);
    XYPlot plot =
        new XYPlot(
            qps,
            filterAxis,
            Charts.qpsAxis("queries per second, 1 thread (log scale)", min, max),
            renderer);
    return Charts.chart(title, plot);
  }
}
