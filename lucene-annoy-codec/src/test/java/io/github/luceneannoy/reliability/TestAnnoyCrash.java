package io.github.luceneannoy.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.store.FSDirectory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Kills a child JVM that indexes with the Annoy codec with SIGKILL ({@code destroyForcibly}),
 * over and over on the same index: at a random moment after a commit, or right after it announced
 * a merge (which builds a forest). After each kill the index must open, be clean, hold every
 * document of every batch whose commit had returned, and answer k-NN searches correctly.
 */
public class TestAnnoyCrash {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private static final int KILLS = Soak.pick(3, 40);

  /** What the child said before it died. */
  private static final class Outcome {
    int lastCommitted = -1;
    boolean killedInMerge;
  }

  @Test
  public void everyCommittedDocumentSurvivesKills() throws Exception {
    Path path = temp.getRoot().toPath().resolve("index");
    Random random = new Random(Long.getLong("tests.seed.crash", System.nanoTime()));
    List<String> committed = new ArrayList<>();
    int inMerge = 0;
    long start = System.nanoTime();
    for (int round = 0; round < KILLS; round++) {
      // one round in three kills at a random moment; the others as a merge starts
      boolean atMerge = round % 3 != 0;
      Outcome outcome = runAndKill(path, round, atMerge, random);
      if (outcome.killedInMerge) {
        inMerge++;
      }
      for (int batch = 0; batch <= outcome.lastCommitted; batch++) {
        for (int j = 0; j < CrashingIndexer.BATCH; j++) {
          committed.add(CrashingIndexer.id(round, batch, j));
        }
      }
      // the batch after the last reported may have been committed just before the kill
      List<String> inFlight = new ArrayList<>();
      for (int j = 0; j < CrashingIndexer.BATCH; j++) {
        inFlight.add(CrashingIndexer.id(round, outcome.lastCommitted + 1, j));
      }
      try (FSDirectory dir = FSDirectory.open(path)) {
        IndexState.assertHolds(dir, committed, inFlight, random);
      }
      // what was committed unreported is part of the index from now on
      try (FSDirectory dir = FSDirectory.open(path);
          var reader = org.apache.lucene.index.DirectoryReader.open(dir)) {
        if (IndexState.liveIds(reader).contains(inFlight.get(0))) {
          committed.addAll(inFlight);
        }
      }
    }
    System.out.printf(java.util.Locale.ROOT,
        "TestAnnoyCrash: %d kills survived (%d during a merge), %d committed docs intact, %.1f s%n",
        KILLS, inMerge, committed.size(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * SIGKILL through the process handle: {@code Process.destroyForcibly} would also close our end
   * of the child's stdout, and the lines still in the pipe say what the child did before dying.
   */
  private static void kill(Process process) {
    process.toHandle().destroyForcibly();
  }

  private static Outcome runAndKill(Path path, int round, boolean atMerge, Random random) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashingIndexer.class.getName(),
                path.toString(),
                Integer.toString(round))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Outcome outcome = new Outcome();
    int killAfter = 1 + random.nextInt(3);
    boolean mergeOpen = false;
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      boolean killed = false;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("COMMITTED ")) {
          int batch = Integer.parseInt(line.substring("COMMITTED ".length()));
          assertEquals("batches are committed in order", outcome.lastCommitted + 1, batch);
          outcome.lastCommitted = batch;
        } else if (line.startsWith("MERGE START")) {
          mergeOpen = true;
        } else if (line.equals("MERGE END")) {
          mergeOpen = false;
        }
        if (killed == false && outcome.lastCommitted + 1 >= killAfter) {
          if (atMerge && line.startsWith("MERGE START")) {
            kill(process); // at once: the merge has just begun
            killed = true;
          } else if (atMerge == false) {
            // a random pause puts the kill anywhere: adding, flushing, merging, committing
            Thread.sleep(random.nextInt(60));
            kill(process);
            killed = true;
          }
        }
        // after the kill, the lines still in the pipe tell what the child did before dying
      }
      assertTrue("child did not die", process.waitFor(30, TimeUnit.SECONDS));
      assertTrue("child exited on its own: " + process.exitValue(), killed);
    } finally {
      process.destroyForcibly();
    }
    assertTrue("killed before any commit", outcome.lastCommitted >= 0);
    outcome.killedInMerge = mergeOpen;
    return outcome;
  }
}
