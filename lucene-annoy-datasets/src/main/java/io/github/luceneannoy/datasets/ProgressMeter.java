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
package io.github.luceneannoy.datasets;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Prints how far a long job has come, its rate and the time left, at most once per interval so a
 * log stays readable; the last step is always printed.
 */
public final class ProgressMeter {
  private final String label;
  private final long total;
  private final PrintStream out;
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final long startNanos;
  private long done;
  private long lastPrintNanos;

  /** A meter that reads {@link System#nanoTime()} and prints every 5 seconds. */
  public ProgressMeter(String label, long total, PrintStream out) {
    this(label, total, out, System::nanoTime, 5_000_000_000L);
  }

  ProgressMeter(
      String label, long total, PrintStream out, LongSupplier nanoClock, long intervalNanos) {
    this.label = label;
    this.total = total;
    this.out = out;
    this.nanoClock = nanoClock;
    this.intervalNanos = intervalNanos;
    this.startNanos = nanoClock.getAsLong();
    this.lastPrintNanos = startNanos;
  }

  /** Records {@code count} more items done, printing a line if the interval has passed. */
  public void advance(long count) {
    done += count;
    long now = nanoClock.getAsLong();
    if (done >= total || now - lastPrintNanos >= intervalNanos) {
      lastPrintNanos = now;
      out.println(line(now));
    }
  }

  /** Items per second so far. */
  public double rate() {
    return rate(nanoClock.getAsLong());
  }

  /** Seconds since the meter was made. */
  public double elapsedSeconds() {
    return (nanoClock.getAsLong() - startNanos) / 1e9;
  }

  String line(long now) {
    double rate = rate(now);
    String eta = rate > 0 ? duration((total - done) / rate) : "?";
    return String.format(
        Locale.ROOT,
        "%s: %,d/%,d (%.1f%%)  %.0f/s  elapsed %s  ETA %s",
        label,
        done,
        total,
        100.0 * done / total,
        rate,
        duration((now - startNanos) / 1e9),
        eta);
  }

  private double rate(long now) {
    double seconds = (now - startNanos) / 1e9;
    return seconds > 0 ? done / seconds : 0;
  }

  /** A duration as {@code 1h02m03s}, {@code 2m03s} or {@code 3s}. */
  static String duration(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
