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

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line: {@code java -jar lucene-annoy-datasets.jar wordnet-minilm [options]}. Progress goes
 * to standard error.
 */
@Command(
    name = "lucene-annoy-datasets",
    description = "Generates benchmark data sets from real text.",
    subcommands = {Main.WordNetMiniLm.class})
public final class Main implements Runnable {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // LangChain4j logs through SLF4J and we ship no binding: its "no providers" notice is noise.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler(Main::reportFailure);
    System.exit(commandLine.execute(args));
  }

  /**
   * Bad input and missing files are the user's to fix: their message is enough, a stack trace is
   * noise.
   */
  private static int reportFailure(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof IllegalArgumentException || e instanceof IOException) {
      commandLine.getErr().println("error: " + e.getMessage());
      return 1;
    }
    throw e;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a data set, e.g. " + WordNetDatasetGenerator.NAME);
  }

  /** The WordNet-glosses data set embedded with the quantized all-MiniLM-L6-v2. */
  @Command(
      name = WordNetDatasetGenerator.NAME,
      description =
          "WordNet 3.0 glosses (Debian's wordnet-base) embedded with the quantized all-MiniLM-L6-v2"
              + " (384 dimensions, cosine), with exact top-100 ground truth. Does nothing if the output is there.")
  static final class WordNetMiniLm implements Callable<Integer> {
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help and exit.")
    boolean help;

    @Option(
        names = "--out",
        description = "Output directory (default: ~/.cache/lucene-annoy/wordnet-minilm).")
    Path out;

    @Option(
        names = "--base-size",
        defaultValue = "60000",
        description = "Base vectors (default: ${DEFAULT-VALUE}).")
    int baseSize;

    @Option(
        names = "--queries",
        defaultValue = "1000",
        description = "Held-apart queries (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(
        names = "--seed",
        defaultValue = "42",
        description = "Shuffle seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--k",
        defaultValue = "100",
        description = "Ground-truth neighbours per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
        names = "--min-words",
        defaultValue = "3",
        description = "Drop shorter glosses (default: ${DEFAULT-VALUE}).")
    int minWords;

    @Option(
        names = "--wordnet-dir",
        defaultValue = "/usr/share/wordnet",
        description = "Directory of WordNet's data.* files (default: ${DEFAULT-VALUE}).")
    Path wordnetDir;

    @Option(
        names = "--threads",
        description = "Threads for embedding and ground truth (default: all cores).")
    Integer threads;

    @Option(
        names = "--batch-size",
        defaultValue = "256",
        description = "Texts per embedAll call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--force", description = "Regenerate even if matching output is there.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      DatasetSettings settings =
          new DatasetSettings(
              wordnetDir,
              out != null ? out : DatasetSettings.defaultOutDir(),
              queries,
              baseSize,
              seed,
              k,
              minWords,
              threads != null ? threads : Runtime.getRuntime().availableProcessors(),
              batchSize,
              force);
      new WordNetDatasetGenerator(settings, MiniLmEmbedder.SPEC, System.err).generate();
      return 0;
    }
  }
}
