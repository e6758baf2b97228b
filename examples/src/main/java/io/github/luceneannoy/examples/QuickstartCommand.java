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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code quickstart} command: runs {@link Quickstart}, prints its report, fails on a leak. */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = "Index generated vectors with AnnoyCodec, query them and measure recall.")
final class QuickstartCommand implements Callable<Integer> {

  @Option(
      names = "--docs",
      paramLabel = "N",
      description = "documents to index (default: ${DEFAULT-VALUE})")
  int docs = Quickstart.Options.DEFAULT_DOCS;

  @Option(
      names = "--dim",
      paramLabel = "D",
      description = "vector dimension (default: ${DEFAULT-VALUE})")
  int dimension = Quickstart.Options.DEFAULT_DIMENSION;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "seed of the generated data (default: ${DEFAULT-VALUE})")
  long seed = Quickstart.Options.DEFAULT_SEED;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description = "keep the index in DIR (replacing any there) instead of a temporary directory")
  Path index;

  @Spec CommandSpec spec;

  private final PrintStream out;

  QuickstartCommand(PrintStream out) {
    this.out = out;
  }

  /** Parses quickstart options alone, as the quickstart's tests do. */
  static Quickstart.Options parse(String... args) {
    QuickstartCommand command = new QuickstartCommand(System.out);
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  /** The options given, checked against their bounds. */
  Quickstart.Options options() {
    checkRange("--docs", docs, Quickstart.NUM_CLUSTERS, Quickstart.Options.MAX_DOCS);
    checkRange("--dim", dimension, 1, AnnoyVectorsFormat.MAXIMUM_DIMENSIONS);
    return new Quickstart.Options(docs, dimension, seed, index);
  }

  private void checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ParameterException(
          spec.commandLine(), name + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  @Override
  public Integer call() throws Exception {
    QuickstartResult result = Quickstart.run(options());
    new QuickstartReport(out).print(result);
    return result.filterViolations() == 0 ? Main.OK : Main.FAILED;
  }
}
