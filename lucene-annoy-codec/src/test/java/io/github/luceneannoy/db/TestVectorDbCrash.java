package io.github.luceneannoy.db;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.FSDirectory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Kills a writing process with SIGKILL at a random moment, several times over the same database,
 * and checks after each kill that the database opens, is not corrupt, and holds every vector of
 * every batch whose commit had returned.
 */
public class TestVectorDbCrash {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private static final int KILLS = 3;

  @Test
  public void everyCommittedVectorSurvivesAKill() throws Exception {
    Path path = temp.getRoot().toPath().resolve("db");
    Random random = new Random(42);
    int[] committedBatches = new int[KILLS];
    for (int round = 0; round < KILLS; round++) {
      committedBatches[round] = runAndKill(path, round, random);
      try (FSDirectory directory = FSDirectory.open(path);
          CheckIndex checker = new CheckIndex(directory)) {
        CheckIndex.Status status = checker.checkIndex();
        assertTrue("index corrupt after kill " + round, status.clean);
      }
      try (VectorDb db = VectorDb.open(path, CrashingWriter.CONFIG)) {
        int expected = 0;
        for (int r = 0; r <= round; r++) {
          for (int batch = 0; batch < committedBatches[r]; batch++) {
            for (int j = 0; j < CrashingWriter.BATCH; j++) {
              String id = CrashingWriter.id(r, batch, j);
              Vector vector = db.get(id).orElseThrow(() -> new AssertionError(id + " was lost"));
              assertArrayEquals(id, CrashingWriter.data(id), vector.data(), 0);
              expected++;
            }
          }
        }
        // at most the batch being written when the kill came may be there beyond the committed
        assertTrue(db.size() >= expected);
        assertTrue(db.size() <= expected + KILLS * CrashingWriter.BATCH);
      }
    }
  }

  /** Starts the writer, waits for some commits, kills it; returns how many batches it committed. */
  private static int runAndKill(Path path, int round, Random random) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                path.toString(),
                Integer.toString(round))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    int committed = 0;
    int killAfter = 1 + random.nextInt(4);
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        assertEquals("COMMITTED " + committed, line);
        committed++;
        if (committed == killAfter) {
          // a random pause puts the kill anywhere in the next batch: adding, flushing, committing
          Thread.sleep(random.nextInt(40));
          process.destroyForcibly();
          break;
        }
      }
      // a commit may also have returned after the last line read: the size check allows for it
      assertTrue("writer did not die", process.waitFor(30, TimeUnit.SECONDS));
    } finally {
      process.destroyForcibly();
    }
    assertTrue("killed before any commit", committed >= 1);
    return committed;
  }
}
