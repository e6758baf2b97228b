package io.github.luceneannoy.examples;

import java.io.PrintStream;

/** The {@code quickstart} command: runs {@link Quickstart}, prints its report, fails on a leak. */
final class QuickstartCommand implements Command {

  static final String OPTIONS = "[--docs N] [--dim D] [--seed S] [--index DIR]";

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    QuickstartResult result = Quickstart.run(Quickstart.Options.parse(args));
    new QuickstartReport(out).print(result);
    return result.filterViolations() == 0 ? OK : FAILED;
  }
}
