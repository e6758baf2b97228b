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
    assertEquals(Command.BAD_USAGE, run());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("quickstart"));
  }

  @Test
  public void unknownCommandPrintsUsageAndFails() {
    assertEquals(Command.BAD_USAGE, run("frobnicate"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
  }

  @Test
  public void badOptionIsAUsageError() {
    assertEquals(Command.BAD_USAGE, run("quickstart", "--docs", "many"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--docs needs a whole number"));
  }

  @Test
  public void helpSucceeds() {
    assertEquals(Command.OK, run("--help"));
    assertEquals(Command.OK, run("quickstart", "--help"));
  }
}
