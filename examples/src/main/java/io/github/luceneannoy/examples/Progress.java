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
package io.github.luceneannoy.examples;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display for long work, redrawn in place with a carriage return at most a few
 * times a second: done, total and percentage when the total is known, and the rate so far.
 */
public final class Progress {
  private static final long REDRAW_NANOS = 250_000_000L;

  private final PrintStream out;
  private final String what;
  private final String unit;
  private final long total;
  private final long start = System.nanoTime();
  private long lastDraw = start;
  private boolean drawn;

  /**
   * @param out where to draw, or null to draw nothing
   * @param what the work, such as "indexing"
   * @param unit what is counted, such as "vectors"
   * @param total how many there will be, or -1 when unknown
   */
  public Progress(PrintStream out, String what, String unit, long total) {
    this.out = out;
    this.what = what;
    this.unit = unit;
    this.total = total;
  }

  /** Shows that {@code done} items are finished, unless the line was redrawn very recently. */
  public void update(long done) {
    long now = System.nanoTime();
    if (out == null || now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    String of =
        total > 0 ? String.format(Locale.ROOT, " / %,d (%.0f%%)", total, 100.0 * done / total) : "";
    out.printf(Locale.ROOT, "\r%s: %,d%s %s, %s   ", what, done, of, unit, rate(done, now));
    out.flush();
  }

  /** Ends the progress line, so that what follows starts on a line of its own. */
  public void finish() {
    if (out != null && drawn) {
      out.println();
    }
  }

  /** Seconds since this display started. */
  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** {@code done} items per second since the start, as "1,234 vectors/s". */
  String rate(long done, long now) {
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    return String.format(Locale.ROOT, "%,.0f %s/s", done / seconds, unit);
  }

  /** The rate of {@code done} items up to now. */
  String rate(long done) {
    return rate(done, System.nanoTime());
  }
}
