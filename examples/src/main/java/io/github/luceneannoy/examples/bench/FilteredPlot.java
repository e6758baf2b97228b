package io.github.luceneannoy.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The filtered mode as an SVG: one column per filter (name and share of documents accepted), the
 * queries per second of each format at each budget as a dot on a log scale, labelled with its
 * recall, so speed and recall can be compared filter by filter.
 */
public final class FilteredPlot {
  private static final int COLUMN = 135;
  private static final int LEFT = 80;
  private static final int TOP = 40;
  private static final int PLOT_HEIGHT = 360;
  private static final String[] COLOURS = {"#d62728", "#1f77b4"};

  private FilteredPlot() {}

  public static void write(Path file, String title, List<Benchmark.FormatResult> results) throws IOException {
    Map<String, BenchFilter> filters = new LinkedHashMap<>();
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Benchmark.FormatResult r : results) {
      for (FilteredSweep.Point p : r.filteredPoints()) {
        filters.putIfAbsent(p.filter().name(), p.filter());
        min = Math.min(min, p.qps());
        max = Math.max(max, p.qps());
      }
    }
    if (filters.isEmpty()) {
      return;
    }
    double yMin = Math.floor(Math.log10(Math.max(1, min)));
    double yMax = Math.ceil(Math.log10(Math.max(10, max)));
    List<String> names = new ArrayList<>(filters.keySet());
    int width = LEFT + COLUMN * names.size() + 160;
    int height = TOP + PLOT_HEIGHT + 70;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
        width, height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
    for (double e = yMin; e <= yMax + 1e-9; e++) {
      double y = y(Math.pow(10, e), yMin, yMax);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>%n",
          LEFT, y, LEFT + COLUMN * names.size(), y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>%n", LEFT - 6, y + 4, Math.pow(10, e)));
    }
    svg.append(String.format(Locale.ROOT,
        "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">queries per second, 1 thread (log)</text>%n",
        TOP + PLOT_HEIGHT / 2, TOP + PLOT_HEIGHT / 2));
    for (int c = 0; c < names.size(); c++) {
      BenchFilter filter = filters.get(names.get(c));
      int x = LEFT + COLUMN * c + COLUMN / 2;
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, TOP + PLOT_HEIGHT + 18, escape(filter.name())));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.1f%% of docs</text>%n",
          x, TOP + PLOT_HEIGHT + 32, 100 * filter.selectivity()));
    }
    for (int f = 0; f < results.size(); f++) {
      Benchmark.FormatResult r = results.get(f);
      String colour = COLOURS[f % COLOURS.length];
      for (FilteredSweep.Point p : r.filteredPoints()) {
        int c = names.indexOf(p.filter().name());
        double x = LEFT + COLUMN * c + COLUMN / 2.0 + (f == 0 ? -18 : 18);
        double y = y(p.qps(), yMin, yMax);
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>%n", x, y, colour));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"%s\" font-size=\"9\">%.3f</text>%n",
            x + (f == 0 ? -6 : 6), y + 3, colour, f == 0 ? "end" : "start", p.recall()));
      }
      int lx = LEFT + COLUMN * names.size() + 16;
      int ly = TOP + 10 + 18 * f;
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>%n", lx, ly, colour));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s (label: recall@k)</text>%n", lx + 10, ly + 4, escape(r.format().label())));
    }
    svg.append("</svg>\n");
    Files.writeString(file, svg, StandardCharsets.UTF_8);
  }

  private static double y(double qps, double yMin, double yMax) {
    double l = Math.log10(Math.max(qps, 1e-9));
    return TOP + (yMax - l) / (yMax - yMin) * PLOT_HEIGHT;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
