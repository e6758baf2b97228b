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
package io.github.luceneannoy.db;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The threads a {@link VectorDb}'s searches fan out over: a fixed pool of daemon threads (so that a
 * program that forgets to close the database can still exit), which {@link #close()} stops and
 * waits for until each thread has ended.
 */
final class SearchPool implements Closeable {
  /** How long close waits for the threads; they are idle then, so they end at once. */
  private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final List<Thread> threads = new ArrayList<>();
  private final ExecutorService executor;

  SearchPool(int size) {
    this.executor =
        Executors.newFixedThreadPool(
            size,
            runnable -> {
              synchronized (threads) {
                Thread thread = new Thread(runnable, "vectordb-search-" + (threads.size() + 1));
                thread.setDaemon(true);
                threads.add(thread);
                return thread;
              }
            });
  }

  ExecutorService executor() {
    return executor;
  }

  /**
   * Stops the pool and waits until its threads have ended: the executor's termination alone comes a
   * moment before its last thread ends. Close comes after every search has returned, so the wait is
   * short; it is bounded all the same, and an interrupt ends it (the interrupt is kept).
   */
  @Override
  public void close() {
    executor.shutdown();
    long deadline = System.nanoTime() + WAIT_NANOS;
    try {
      if (executor.awaitTermination(WAIT_NANOS, TimeUnit.NANOSECONDS) == false) {
        executor.shutdownNow();
      }
      List<Thread> started;
      synchronized (threads) {
        started = new ArrayList<>(threads);
      }
      for (Thread thread : started) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
