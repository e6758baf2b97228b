package io.github.luceneannoy.examples;

import java.io.PrintStream;

/** A subcommand of {@link Main}: runs with the arguments after its name. */
@FunctionalInterface
interface Command {

  /** Exit status of a command that did what it was asked. */
  int OK = 0;

  /** Exit status of a command that ran but found something wrong (e.g. a failed check). */
  int FAILED = 1;

  /** Exit status for a command line that could not be understood. */
  int BAD_USAGE = 2;

  /**
   * @param args the arguments after the command's name
   * @param out where the command writes what it has to say
   * @return the process exit status
   * @throws UsageException when {@code args} cannot be understood
   */
  int run(String[] args, PrintStream out) throws Exception;
}
