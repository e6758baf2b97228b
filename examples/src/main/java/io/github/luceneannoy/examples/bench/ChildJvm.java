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

import com.google.gson.Gson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.util.ThreadInterruptedException;

/**
 * Runs {@link ScaleRun} in a JVM of its own with a given heap limit, so that the limit applies to
 * one format alone and its memory figures are not mixed with the data generation's or the other
 * format's. The child's progress (standard error) is copied to ours as it comes.
 */
final class ChildJvm {
  private static final int TAIL_LINES = 20;

  /** A child that did not produce a result: out of memory, or another failure. */
  static final class ChildFailedException extends IOException {
    ChildFailedException(String message) {
      super(message);
    }
  }

  private ChildJvm() {}

  static ScaleResult run(String heap, ScaleRun.Config config, PrintStream progress)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    // fail fast and visibly rather than thrash near the limit
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ScaleRun.class.getName());
    command.add(new Gson().toJson(config));
    progress.printf(Locale.ROOT, "[%s] child JVM with -Xmx%s%n", config.format(), heap);
    Process process = new ProcessBuilder(command).start();
    Deque<String> tail = new ArrayDeque<>();
    Thread errors = new Thread(() -> copy(process, progress, tail), "child-stderr");
    errors.setDaemon(true);
    errors.start();
    String result = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(ScaleRun.RESULT_PREFIX)) {
          result = line.substring(ScaleRun.RESULT_PREFIX.length());
        } else {
          progress.println(line);
        }
      }
    }
    int status;
    try {
      status = process.waitFor();
      errors.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ThreadInterruptedException(e);
    }
    if (status != 0 || result == null) {
      String last;
      synchronized (tail) {
        last = String.join("\n", tail);
      }
      throw new ChildFailedException(
          config.format()
              + " with -Xmx"
              + heap
              + " exited with status "
              + status
              + (result == null ? " and no result" : "")
              + (last.isEmpty() ? "" : "; last lines:\n" + last));
    }
    return new Gson().fromJson(result, ScaleResult.class);
  }

  private static void copy(Process process, PrintStream progress, Deque<String> tail) {
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = err.readLine(); line != null; line = err.readLine()) {
        progress.println(line);
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      progress.println("lost the child's output: " + e);
    }
  }
}
