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

import io.github.luceneannoy.db.IncompatibleIndexException;
import io.github.luceneannoy.db.InvalidVectorException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.store.LockObtainFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code lucene-annoy-examples.jar}: {@code java -jar lucene-annoy-examples.jar
 * <command> [options]}; {@code --help} after any command describes it. Exit status: 0 when the
 * command did what it was asked, 1 when it failed (a bad input file, a failed check), 2 when the
 * command line could not be understood.
 *
 * <p>To add a command, write a picocli {@code @Command} class and register it in {@link
 * #commandLine}.
 */
@Command(
    name = "java -jar lucene-annoy-examples.jar",
    mixinStandardHelpOptions = true,
    version = "lucene-annoy examples 0.1.0",
    description = "Annoy-forest vector search on Lucene: examples and a command-line tool.",
    synopsisSubcommandLabel = "<command>",
    commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {

  /** Exit status of a command that did what it was asked. */
  static final int OK = 0;

  /** Exit status of a command that ran but failed (a bad input, a failed check). */
  static final int FAILED = 1;

  /** Exit status for a command line that could not be understood. */
  static final int BAD_USAGE = 2;

  @Spec private CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    // exit explicitly: the status is the command's verdict, and no Lucene thread should hold us up
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command that {@code args} name and returns the process exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(out, err).execute(args);
  }

  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand("quickstart", new QuickstartCommand(out));
    cli.addSubcommand("index", new IndexCommand(out, err));
    cli.addSubcommand("search", new SearchCommand(out));
    cli.addSubcommand("info", new InfoCommand(out));
    cli.addSubcommand("demo", new DemoCommand(out, err));
    cli.addSubcommand("bench", new BenchCommand(out));
    cli.addSubcommand("scale", new ScaleCommand(out));
    cli.addSubcommand("bench-summary", new BenchSummaryCommand(out));
    cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cli.setParameterExceptionHandler(usageErrors(err));
    cli.setExecutionExceptionHandler(failures(err));
    return cli;
  }

  /** Without a command: the usage, as a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "no command given");
  }

  private static IParameterExceptionHandler usageErrors(PrintStream err) {
    return (e, args) -> {
      CommandLine cli = e.getCommandLine();
      boolean unknownCommand =
          e instanceof UnmatchedArgumentException
              && cli.getCommandSpec().parent() == null
              && args.length > 0
              && args[0].startsWith("-") == false;
      err.println(unknownCommand ? "unknown command '" + args[0] + "'" : e.getMessage());
      cli.usage(err);
      return BAD_USAGE;
    };
  }

  private static IExecutionExceptionHandler failures(PrintStream err) {
    return (e, cli, parseResult) -> {
      String name = cli.getCommandName();
      if (isUserError(e)) {
        // the message says what is wrong with the input; a stack trace would only hide it
        err.println(name + ": " + e.getMessage());
      } else {
        err.println(name + " failed:");
        e.printStackTrace(err);
      }
      return FAILED;
    };
  }

  private static boolean isUserError(Exception e) {
    return e instanceof InputFormatException
        || e instanceof IncompatibleIndexException
        || e instanceof InvalidVectorException
        || e instanceof FileSystemException
        || e instanceof IndexNotFoundException
        || e instanceof LockObtainFailedException
        || e instanceof ParseException
        || e instanceof IllegalArgumentException;
  }
}
