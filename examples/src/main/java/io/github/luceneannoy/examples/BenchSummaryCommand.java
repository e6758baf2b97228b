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

import io.github.luceneannoy.examples.bench.BenchSummary;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code bench-summary} command: one table over the runs of the benchmark matrix. */
@Command(
    name = "bench-summary",
    mixinStandardHelpOptions = true,
    description = {
      "Summarizes benchmark runs kept as <dir>/<data set>/<jvm>/results.csv (see examples/bench-matrix.sh):"
          + " per run, Annoy's queries per second at recall 0.95 and 0.99 as a ratio to HNSW's in the same run, with"
          + " the calibrated default budget (plain fan-out) and with the per-query budget, build time and size;"
          + " the worst run first. Writes summary.md to the directory."
    })
final class BenchSummaryCommand implements Callable<Integer> {
  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "the matrix's output directory (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("docs", "bench");

  private final PrintStream out;

  BenchSummaryCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    List<BenchSummary.Row> rows = BenchSummary.read(dir);
    if (rows.isEmpty()) {
      out.println("no results.csv under " + dir);
      return Main.FAILED;
    }
    String table = BenchSummary.markdown(rows);
    Files.writeString(dir.resolve("summary.md"), table, StandardCharsets.UTF_8);
    out.print(table);
    out.println("\nwrote " + dir.resolve("summary.md"));
    return Main.OK;
  }
}
