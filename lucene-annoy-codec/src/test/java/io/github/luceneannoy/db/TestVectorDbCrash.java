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
package io.github.luceneannoy.db;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Kills a writing process ({@link CrashingWriter}) with SIGKILL at a random moment, several times
 * over the same database, and checks after each kill that the database opens, is not corrupt, holds
 * every vector of every batch whose commit had returned (with its data and metadata), holds whole
 * batches only and nothing else, and finds its vectors by their own data.
 */
// VectorDb refuses to create a database in a directory holding other files, such as ExtrasFS's
@LuceneTestCase.SuppressFileSystems("ExtrasFS")
public class TestVectorDbCrash extends LuceneTestCase {

  public void testEveryCommittedVectorSurvivesAKill() throws Exception {
    int kills = atLeast(2);
    Path path = createTempDir("crash").resolve("db");
    Random random = random();
    int[] committedBatches = new int[kills];
    for (int round = 0; round < kills; round++) {
      committedBatches[round] = runAndKill(path, round, random);
      try (FSDirectory directory = FSDirectory.open(path);
          CheckIndex checker = new CheckIndex(directory)) {
        checker.setDoSlowChecks(true);
        assertTrue("index corrupt after kill " + round, checker.checkIndex().clean);
      }
      try (VectorDb db = VectorDb.open(path, CrashingWriter.CONFIG)) {
        List<String> committed = new ArrayList<>();
        for (int r = 0; r <= round; r++) {
          for (int batch = 0; batch < committedBatches[r]; batch++) {
            for (int j = 0; j < CrashingWriter.BATCH; j++) {
              String id = CrashingWriter.id(r, batch, j);
              Vector vector = db.get(id).orElseThrow(() -> new AssertionError(id + " was lost"));
              assertArrayEquals(id, CrashingWriter.data(id), vector.data(), 0);
              assertEquals("r" + r, vector.metadata().keyword("round"));
              committed.add(id);
            }
          }
        }
        // beyond the reported commits, only batches committed just before the kill may be there
        // (their lines unread or unwritten), each whole, and none after a missing one
        int reported = committedBatches[round];
        int batch = reported;
        while (db.get(CrashingWriter.id(round, batch, 0)).isPresent()) {
          for (int j = 0; j < CrashingWriter.BATCH; j++) {
            assertTrue(
                "batch " + batch + " of round " + round + " is partly there",
                db.get(CrashingWriter.id(round, batch, j)).isPresent());
          }
          batch++;
        }
        for (int j = 0; j < CrashingWriter.BATCH; j++) {
          assertFalse(
              "batch " + batch + " of round " + round + " is partly there",
              db.get(CrashingWriter.id(round, batch, j)).isPresent());
        }
        assertEquals(committed.size() + (batch - reported) * CrashingWriter.BATCH, db.size());
        // committed unreported: part of the database from now on
        committedBatches[round] = batch;
        // its own data finds a vector first (cosine 1, score 1), searching exhaustively
        for (int q = 0; q < 5; q++) {
          String id = committed.get(random.nextInt(committed.size()));
          List<Hit> hits =
              db.search(SearchRequest.of(CrashingWriter.data(id), 3).withCandidatesPerHit(100_000));
          assertEquals(1f, hits.get(0).score(), 1e-6f);
          assertTrue(
              id + " not among the hits at score 1: " + hits,
              hits.stream()
                  .anyMatch(h -> h.id().equals(id) && h.score() >= hits.get(0).score() - 1e-6f));
          // through the forests at their default budgets: live vectors, exactly scored
          float[] query = CrashingWriter.data(id);
          for (Hit hit : db.search(query, 10)) {
            assertEquals(
                "score of " + hit.id(),
                VectorSimilarityFunction.COSINE.compare(query, CrashingWriter.data(hit.id())),
                hit.score(),
                1e-6f);
          }
        }
      }
    }
  }

  /** Starts the writer, waits for some commits, kills it; returns how many batches it reported. */
  private static int runAndKill(Path path, int round, Random random) throws Exception {
    Path errors = path.resolveSibling("writer-" + round + ".err");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                path.toString(),
                Integer.toString(round))
            .redirectError(ProcessBuilder.Redirect.to(errors.toFile()))
            .start();
    int committed = 0;
    int killAfter = 1 + random.nextInt(4);
    boolean killed = false;
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
          killed = true;
          break;
        }
      }
      // a commit may also have returned after the last line read: the caller allows for it
      assertTrue("writer did not die", process.waitFor(30, TimeUnit.SECONDS));
      assertTrue("writer exited on its own: " + Files.readString(errors), killed);
    } finally {
      process.destroyForcibly();
    }
    return committed;
  }
}
