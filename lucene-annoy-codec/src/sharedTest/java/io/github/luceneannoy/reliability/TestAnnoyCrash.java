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
package io.github.luceneannoy.reliability;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Kills a child JVM that indexes with the Annoy codec ({@link CrashingIndexer}) with SIGKILL, over
 * and over on the same index: at a random moment after a commit, or right after it announced a
 * merge (which builds and calibrates a forest). After each kill the index must open, be clean, hold
 * every document of every batch whose commit had returned, and search correctly through its forests
 * ({@link IndexState}); and a writer opened on it must leave no file behind that its last commit
 * does not reference (a forest build's temporary files included).
 *
 * <p>Three kills in an ordinary run, forty in a nightly one ({@link Soak}).
 */
// every file in the index directory must be the last commit's, ExtrasFS's strays included
@LuceneTestCase.SuppressFileSystems("ExtrasFS")
public class TestAnnoyCrash extends LuceneTestCase {

  /** What the child said before it died. */
  private static final class Outcome {
    int lastCommitted = -1;
    boolean killedInMerge;
  }

  public void testEveryCommittedDocumentSurvivesKills() throws Exception {
    int kills = Soak.pick(3, 40);
    Path path = createTempDir("crash-index");
    Random random = random();
    // one forest shape for the whole index, random per run: many small leaves, so that a merge
    // spends its time building and calibrating the forest, where a kill should land
    AnnoyVectorsFormat format =
        new AnnoyVectorsFormat(
            TestUtil.nextInt(random, 4, 16),
            TestUtil.nextInt(random, 8, 32),
            TestUtil.nextInt(random, 2, 16),
            0.9f,
            random.nextLong());
    List<String> committed = new ArrayList<>();
    int inMerge = 0;
    for (int round = 0; round < kills; round++) {
      // one round in three kills at a random moment; the others as a merge starts
      boolean atMerge = round % 3 != 0;
      Outcome outcome = runAndKill(path, round, format, atMerge, random);
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
        // a commit holds a batch whole or not at all
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
          Set<String> live = new HashSet<>(IndexState.liveIds(reader));
          long inFlightPresent = inFlight.stream().filter(live::contains).count();
          assertTrue(
              "a batch half committed: " + inFlightPresent + " of " + inFlight.size(),
              inFlightPresent == 0 || inFlightPresent == inFlight.size());
          // what was committed unreported is part of the index from now on
          if (inFlightPresent > 0) {
            committed.addAll(inFlight);
          }
        }
        assertWriterLeavesOnlyCommittedFiles(dir, format);
      }
    }
    if (VERBOSE) {
      System.out.printf(
          Locale.ROOT,
          "TestAnnoyCrash: %d kills survived (%d during a merge), %d committed docs intact%n",
          kills,
          inMerge,
          committed.size());
    }
  }

  /**
   * Opens and closes a writer, as the next round's child will: it deletes what the kill left
   * unreferenced, after which every file is one of the last commit's (or the write lock).
   */
  private static void assertWriterLeavesOnlyCommittedFiles(
      FSDirectory dir, AnnoyVectorsFormat format) throws IOException {
    new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec(format))).close();
    Collection<String> referenced = SegmentInfos.readLatestCommit(dir).files(true);
    for (String file : dir.listAll()) {
      if (file.equals(IndexWriter.WRITE_LOCK_NAME)) {
        continue;
      }
      assertTrue(
          "file " + file + " is left over, the last commit holds " + referenced,
          referenced.contains(file));
    }
  }

  /**
   * SIGKILL through the process handle: {@code Process.destroyForcibly} would also close our end of
   * the child's stdout, and the lines still in the pipe say what the child did before dying.
   */
  private static void kill(Process process) {
    process.toHandle().destroyForcibly();
  }

  private static Outcome runAndKill(
      Path path, int round, AnnoyVectorsFormat format, boolean atMerge, Random random)
      throws Exception {
    Path errors = path.resolveSibling("child-" + round + ".err");
    // the JDK this test runs on and its class path (surefire's test class path: this module's
    // Lucene and classes); the child's first line confirms both
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashingIndexer.class.getName()));
    command.addAll(Arrays.asList(CrashingIndexer.args(path, round, format)));
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(errors.toFile()))
            .start();
    Outcome outcome = new Outcome();
    int killAfter = 1 + random.nextInt(3);
    boolean mergeOpen = false;
    boolean killed = false;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String first = lines.readLine();
      assertNotNull("the child said nothing: " + Files.readString(errors), first);
      assertEquals("the child runs elsewhere", CrashingIndexer.startLine(), first);
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("COMMITTED ")) {
          int batch = Integer.parseInt(line.substring("COMMITTED ".length()));
          assertEquals("batches are committed in order", outcome.lastCommitted + 1, batch);
          outcome.lastCommitted = batch;
        } else if (line.startsWith("MERGE START")) {
          mergeOpen = true;
        } else if (line.equals("MERGE END")) {
          mergeOpen = false;
        } else {
          fail("unexpected line from the child: " + line);
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
      assertTrue(
          "child exited on its own with " + process.exitValue() + ": " + Files.readString(errors),
          killed);
    } finally {
      process.destroyForcibly();
    }
    assertTrue("killed before any commit", outcome.lastCommitted >= 0);
    outcome.killedInMerge = mergeOpen;
    return outcome;
  }
}
