package io.github.luceneannoy.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  public void noCommandPrintsUsageAndFails() {
    assertEquals(Main.BAD_USAGE, run());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("quickstart"));
  }

  @Test
  public void unknownCommandPrintsUsageAndFails() {
    assertEquals(Main.BAD_USAGE, run("frobnicate"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
  }

  @Test
  public void badOptionIsAUsageError() {
    assertEquals(Main.BAD_USAGE, run("quickstart", "--docs", "many"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8).contains("Invalid value for option '--docs'"));
  }

  @Test
  public void outOfRangeOptionIsAUsageError() {
    assertEquals(Main.BAD_USAGE, run("quickstart", "--dim", "0"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8).contains("--dim must be between 1 and 4096, got 0"));
  }

  @Test
  public void helpSucceedsForEveryCommand() {
    assertEquals(Main.OK, run("--help"));
    String usage = out.toString(StandardCharsets.UTF_8);
    for (String command : new String[] {"quickstart", "index", "search", "info", "demo"}) {
      assertTrue(usage, usage.contains(command));
      out.reset();
      assertEquals(Main.OK, run(command, "--help"));
      assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: "));
    }
  }

  @Test
  public void missingRequiredOptionIsAUsageError() {
    assertEquals(Main.BAD_USAGE, run("search", "--index", "x"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8).contains("--vector"));
  }
}
