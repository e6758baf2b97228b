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

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.lucene.util.SuppressForbidden;

/**
 * Watches this JVM's memory during one phase of a run: the heap in use after each garbage
 * collection (what the program retained, plus old-generation garbage a young collection did not
 * reach: an upper bound of the live data), the sum of the heap pools' peaks (an upper bound that
 * includes garbage not yet collected), and from {@code /proc/self/status} the resident set's
 * high-water mark and the largest anonymous resident memory seen (heap and native memory without
 * the memory-mapped index files, which the kernel may drop at will).
 */
final class MemoryWatch implements AutoCloseable {
  private static final long SAMPLE_MILLIS = 200;

  /** One phase's figures, in bytes. */
  public record Figures(
      long maxLiveHeapAfterGc,
      long peakHeapPools,
      long peakRssAnon,
      long rssHighWaterMark,
      double cpuSeconds,
      double machineBusyCores) {}

  private final AtomicLong maxLiveAfterGc = new AtomicLong();
  private final AtomicLong maxRssAnon = new AtomicLong();
  private final NotificationListener listener =
      (notification, handback) -> onGc(notification.getUserData());
  private final Thread sampler;
  private volatile boolean running = true;
  private final long cpuStart = processCpuNanos();
  private final long[] machineStart = machineJiffies();

  MemoryWatch() {
    resetRssHighWaterMark();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
    }
    sampler = new Thread(this::sample, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  @SuppressForbidden(
      reason = "the live heap after each collection is only told by HotSpot's GC notifications")
  private void onGc(Object userData) {
    if (userData instanceof CompositeData == false) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) userData);
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool :
        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (isHeapPool(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    maxLiveAfterGc.accumulateAndGet(used, Math::max);
  }

  private static boolean isHeapPool(String name) {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals(name)) {
        return pool.getType() == MemoryType.HEAP;
      }
    }
    return false;
  }

  private void sample() {
    while (running) {
      maxRssAnon.accumulateAndGet(statusKilobytes("RssAnon") * 1024, Math::max);
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        // close() interrupts the sampler to stop it: keep the flag for whoever looks next
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops watching and returns the figures of the phase. */
  Figures finish() {
    close();
    // a phase without a collection: what is in use now bounds what was live
    maxLiveAfterGc.compareAndSet(
        0, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    maxRssAnon.accumulateAndGet(statusKilobytes("RssAnon") * 1024, Math::max);
    long pools = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pools += pool.getPeakUsage().getUsed();
      }
    }
    return new Figures(
        maxLiveAfterGc.get(),
        pools,
        maxRssAnon.get(),
        statusKilobytes("VmHWM") * 1024,
        (processCpuNanos() - cpuStart) / 1e9,
        busyCores(machineStart, machineJiffies()));
  }

  /**
   * Cores the whole machine kept busy between two readings of {@code /proc/stat}, this JVM and
   * every other process: on a shared machine, what is left of it tells whether a phase could use
   * the cores it asked for. -1 where there is no {@code /proc/stat} (JSON has no NaN).
   */
  private static double busyCores(long[] start, long[] end) {
    if (start == null || end == null || end[0] <= start[0]) {
      return -1;
    }
    double busy = 1 - (double) (end[1] - start[1]) / (end[0] - start[0]);
    return busy * Runtime.getRuntime().availableProcessors();
  }

  /** Total and idle (idle + iowait) jiffies of all cores, or null. */
  private static long[] machineJiffies() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length; i++) {
        total += Long.parseLong(fields[i]);
      }
      return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** CPU time of every thread of this JVM so far: over wall time, the cores a phase kept busy. */
  @SuppressForbidden(
      reason = "the process's CPU time is only told by HotSpot's operating system bean")
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      try {
        ((NotificationEmitter) gc).removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException e) {
        // already removed by an earlier close
      }
    }
  }

  /**
   * Resets VmHWM to the current resident set (Linux 4.0+), so that each phase reports its own peak;
   * where that is not allowed the mark covers the process so far, which is still an upper bound.
   */
  private static void resetRssHighWaterMark() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException e) {
      // not Linux, or not permitted
    }
  }

  /** A "Name: N kB" line of /proc/self/status, or 0 where there is none (not Linux). */
  static long statusKilobytes(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name + ":")) {
          return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
