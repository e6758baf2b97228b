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

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;

/**
 * What the benchmark's plots share: a headless JVM, the queries-per-second axis on a log scale,
 * colours and strokes, the JVM that produced the figures, and PNG output.
 */
final class Charts {
  /** Colours of the formats, in the order they are given. */
  private static final Color[] COLOURS = {
    new Color(0xd6, 0x27, 0x28), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c),
    new Color(0x94, 0x67, 0xbd), new Color(0xff, 0x7f, 0x0e), new Color(0x8c, 0x56, 0x4b)
  };

  static final Stroke SOLID = new BasicStroke(2f);
  static final Stroke DASHED =
      new BasicStroke(
          2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private Charts() {}

  /**
   * Benchmarks run on servers without a display: AWT must not look for one. Called before any chart
   * is built; a {@code -Djava.awt.headless} given on the command line wins.
   */
  static void headless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static Paint colour(int format) {
    return COLOURS[format % COLOURS.length];
  }

  /**
   * Queries per second on a base-10 log axis from the power of ten below {@code min} to the one
   * above {@code max}: labels at the powers of ten, minor ticks between, as on log paper, so that
   * ratios read the same anywhere on the axis.
   */
  static LogAxis qpsAxis(String label, double min, double max) {
    LogAxis axis = new LogAxis(label);
    axis.setBase(10);
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    axis.setNumberFormatOverride(
        new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    axis.setMinorTickCount(10);
    axis.setMinorTickMarksVisible(true);
    double low = Math.pow(10, Math.floor(Math.log10(Math.max(1, min))));
    double high = Math.pow(10, Math.ceil(Math.log10(Math.max(10, max))));
    axis.setRange(low, high > low ? high : low * 10);
    return axis;
  }

  /** The chart of {@code plot} under {@code title} and the JVM, with a legend, on white. */
  static JFreeChart chart(String title, XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeMinorGridlinesVisible(true);
    JFreeChart chart =
        new JFreeChart(title + " — " + jvm(), JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** The JVM the figures come from, for the title: speed depends on it as much as on the format. */
  static String jvm() {
    return "Java "
        + System.getProperty("java.version")
        + " ("
        + System.getProperty("java.vm.name")
        + ")";
  }

  static void writePng(JFreeChart chart, Path file, int width, int height) throws IOException {
    ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
  }
}
