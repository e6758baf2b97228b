package io.github.luceneannoy.examples.bench;

import java.io.PrintStream;

/** Prints a line at every tenth of a long task, with its rate, so a run is never silent. */
final class Progress {
  private final PrintStream out;
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private long nextReport;

  Progress(PrintStream out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
    this.nextReport = Math.max(1, this.total / 10);
  }

  void update(long done) {
    if (done >= nextReport || done == total) {
      double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
      out.printf("%s: %,d / %,d (%.0f%%, %,.0f per s)%n", label, done, total, 100.0 * done / total, done / seconds);
      nextReport = Math.min(total, done + Math.max(1, total / 10));
      if (done >= total) {
        nextReport = Long.MAX_VALUE;
      }
    }
  }
}
