package io.github.luceneannoy.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code lucene-annoy-examples.jar}: {@code java -jar lucene-annoy-examples.jar
 * <command> [options]}. Without a command, or with an unknown one, it prints the usage and exits
 * with status 2.
 *
 * <p>To add a command, implement {@link Command} and register it in {@link #COMMANDS} with a
 * one-line description and a synopsis of its options.
 */
public final class Main {

  /** A registered command and what the usage says about it. */
  private record Subcommand(String description, String options, Command command) {}

  /** Commands by name, in the order the usage lists them. */
  private static final Map<String, Subcommand> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put(
        "quickstart",
        new Subcommand(
            "index generated vectors with AnnoyCodec, query them and measure recall",
            QuickstartCommand.OPTIONS,
            new QuickstartCommand()));
    COMMANDS.put(
        "bench",
        new Subcommand(
            "the Annoy format beside Lucene's HNSW on Fashion-MNIST or TEXMEX files: build, merge, recall, QPS",
            BenchCommand.OPTIONS,
            new BenchCommand()));
  }

  private Main() {}

  public static void main(String[] args) {
    // exit explicitly: the status is the command's verdict, and no Lucene thread should hold us up
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command named by {@code args[0]} and returns the process exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      printUsage(err);
      return Command.BAD_USAGE;
    }
    String name = args[0];
    if (isHelp(name)) {
      printUsage(out);
      return Command.OK;
    }
    Subcommand subcommand = COMMANDS.get(name);
    if (subcommand == null) {
      err.println("unknown command '" + name + "'");
      printUsage(err);
      return Command.BAD_USAGE;
    }
    String[] commandArgs = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.stream(commandArgs).anyMatch(Main::isHelp)) {
      printCommandUsage(out, name, subcommand);
      return Command.OK;
    }
    try {
      return subcommand.command().run(commandArgs, out);
    } catch (UsageException e) {
      err.println(name + ": " + e.getMessage());
      printCommandUsage(err, name, subcommand);
      return Command.BAD_USAGE;
    } catch (Exception e) {
      err.println(name + " failed:");
      e.printStackTrace(err);
      return Command.FAILED;
    }
  }

  private static boolean isHelp(String arg) {
    return arg.equals("help") || arg.equals("--help") || arg.equals("-h");
  }

  private static void printUsage(PrintStream out) {
    out.println("usage: java -jar lucene-annoy-examples.jar <command> [options]");
    out.println();
    out.println("commands:");
    COMMANDS.forEach((name, subcommand) -> printCommand(out, name, subcommand));
  }

  private static void printCommandUsage(PrintStream out, String name, Subcommand subcommand) {
    out.println("usage: java -jar lucene-annoy-examples.jar " + name + " " + subcommand.options());
    out.println("  " + subcommand.description());
  }

  private static void printCommand(PrintStream out, String name, Subcommand subcommand) {
    out.printf("  %-12s %s%n", name, subcommand.description());
    out.printf("  %-12s %s%n", "", subcommand.options());
  }
}
