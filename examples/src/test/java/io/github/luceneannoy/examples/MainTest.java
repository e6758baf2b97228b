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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.junit.Test;

public class MainTest extends LuceneTestCase {
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
  public void annoyParametersOutOfRangeAreUsageErrors() {
    // checked before any data is read or generated
    assertEquals(Main.BAD_USAGE, run("bench", "--target-recall", "1.5"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8).contains("targetRecall must be in (0, 1], got 1.5"));
    err.reset();
    assertEquals(
        Main.BAD_USAGE,
        run("scale", "--branching", "1", "--work", createTempDir("scale").toString()));
    assertTrue(
        err.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8).contains("branching must be in [2, 256], got 1"));
  }

  @Test
  public void missingRequiredOptionIsAUsageError() {
    assertEquals(Main.BAD_USAGE, run("search", "--index", "x"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8).contains("--vector"));
  }
}
