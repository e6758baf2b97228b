package io.github.luceneannoy.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws recall (x) against queries per second (y, log scale) for each format as an SVG: solid
 * lines for one searching thread, dashed for all threads, the usual ann-benchmarks picture where up
 * and to the right is better.
 */
public final class RecallQpsPlot {
  private static final int WIDTH = 760;
  private static final int HEIGHT = 480;
  private static final int LEFT = 80;
  private static final int RIGHT = 180;
  private static final int TOP = 40;
  private static final int BOTTOM = 60;
  private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};

  private RecallQpsPlot() {}

  public static void write(Path file, String title, List<Benchmark.FormatResult> results, int k) throws IOException {
    double minRecall = 1;
    double minQps = Double.MAX_VALUE;
    double maxQps = 0;
    for (Benchmark.FormatResult r : results) {
      for (SearchSweep.Point p : r.points()) {
        minRecall = Math.min(minRecall, p.recall());
        minQps = Math.min(minQps, Math.min(p.qpsSingle(), p.qpsMulti()));
        maxQps = Math.max(maxQps, Math.max(p.qpsSingle(), p.qpsMulti()));
      }
    }
    double xMin = Math.max(0, Math.floor(minRecall * 20 - 1e-9) / 20);
    double yMin = Math.floor(Math.log10(Math.max(1, minQps)));
    double yMax = Math.ceil(Math.log10(Math.max(10, maxQps)));
    if (yMax <= yMin) {
      yMax = yMin + 1;
    }
    Axes axes = new Axes(xMin, 1.0, yMin, yMax);
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
    grid(svg, axes, k);
    int colour = 0;
    int legendY = TOP + 10;
    for (Benchmark.FormatResult r : results) {
      String c = COLOURS[colour++ % COLOURS.length];
      series(svg, axes, r.points(), false, c);
      series(svg, axes, r.points(), true, c);
      legendY = legend(svg, legendY, c, r.format().label() + ", 1 thread", false);
      legendY = legend(svg, legendY, c, r.format().label() + ", " + r.points().get(0).threads() + " threads", true);
    }
    svg.append("</svg>\n");
    Files.writeString(file, svg, StandardCharsets.UTF_8);
  }

  private record Axes(double xMin, double xMax, double yMin, double yMax) {
    double x(double recall) {
      return LEFT + (recall - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
    }

    double y(double qps) {
      double l = Math.log10(Math.max(qps, 1e-9));
      return TOP + (yMax - l) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
    }
  }

  private static void grid(StringBuilder svg, Axes a, int k) {
    int plotRight = WIDTH - RIGHT;
    int plotBottom = HEIGHT - BOTTOM;
    for (double r = a.xMin(); r <= a.xMax() + 1e-9; r += 0.05) {
      double x = a.x(r);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", x, TOP, x, plotBottom));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>%n", x, plotBottom + 16, r));
    }
    for (double e = a.yMin(); e <= a.yMax() + 1e-9; e += 1) {
      for (int m = 1; m < 10 && e + Math.log10(m) <= a.yMax() + 1e-9; m++) {
        double y = a.y(Math.pow(10, e) * m);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
            LEFT, y, plotRight, y, m == 1 ? "#bbb" : "#eee"));
        if (m == 1 || m == 2 || m == 5) {
          svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>%n",
              LEFT - 6, y + 4, Math.pow(10, e) * m));
        }
      }
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
        LEFT, TOP, plotRight - LEFT, plotBottom - TOP));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">recall@%d</text>%n",
        (LEFT + plotRight) / 2, HEIGHT - 18, k));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">queries per second (log)</text>%n",
        (TOP + plotBottom) / 2, (TOP + plotBottom) / 2));
  }

  private static void series(StringBuilder svg, Axes a, List<SearchSweep.Point> points, boolean multi, String colour) {
    StringBuilder path = new StringBuilder();
    for (SearchSweep.Point p : points) {
      double x = a.x(p.recall());
      double y = a.y(multi ? p.qpsMulti() : p.qpsSingle());
      path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, colour));
    }
    svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
        path, colour, multi ? " stroke-dasharray=\"6 4\"" : ""));
  }

  private static int legend(StringBuilder svg, int y, String colour, String label, boolean dashed) {
    int x = WIDTH - RIGHT + 14;
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
        x, y, x + 26, y, colour, dashed ? " stroke-dasharray=\"6 4\"" : ""));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 32, y + 4, escape(label)));
    return y + 20;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
