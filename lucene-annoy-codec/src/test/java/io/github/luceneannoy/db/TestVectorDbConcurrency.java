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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Writers adding, upserting and deleting while searchers search (through small random forests) and
 * a refresher refreshes and commits. Each writer owns its ids and keeps a model of what it wrote;
 * at the end the reopened database must equal the models. During the run every hit must match its
 * filter, appear once, carry the data its id was written with and the exact score of that data, and
 * never be an id whose deletion a finished refresh already covered.
 */
// VectorDb refuses to create a database in a directory holding other files, such as ExtrasFS's
@LuceneTestCase.SuppressFileSystems("ExtrasFS")
public class TestVectorDbConcurrency extends LuceneTestCase {

  private static final int DIM = 8;
  private static final int WRITERS = 3;
  private static final int OPS_PER_WRITER = 400;
  // writers go on past their operations until searches have seen this many refreshes
  private static final int MIN_REFRESHES = 12;
  private static final int MAX_OPS_PER_WRITER = 50_000;
  private static final int SHARED_IDS = 200;

  private final AtomicLong refreshesStarted = new AtomicLong();
  private final AtomicLong refreshesCompleted = new AtomicLong();
  // id -> number of refreshes started when its delete returned; the next one covers the delete
  private final Map<String, Long> tombstones = new ConcurrentHashMap<>();
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final AtomicInteger checkedHits = new AtomicInteger();

  public void testConcurrentWritesSearchesAndRefreshesLoseNothingAndShowOnlyLiveMatches()
      throws Exception {
    Path path = createTempDir("concurrency").resolve("db");
    VectorDbConfig config =
        VectorDbConfig.of(DIM, VectorSimilarityFunction.EUCLIDEAN)
            .withFormat(
                new AnnoyVectorsFormat(
                    TestUtil.nextInt(random(), 1, 3),
                    TestUtil.nextInt(random(), 8, 32),
                    TestUtil.nextInt(random(), 2, 16),
                    0.9f,
                    random().nextLong()))
            .withSearchThreads(TestUtil.nextInt(random(), 1, 3))
            .withRamBufferMB(1);
    long[] seeds = new long[WRITERS + 4];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = random().nextLong();
    }
    List<Map<String, Vector>> models = new ArrayList<>();
    AtomicInteger sharedWins = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2 + 2 + 1);
    try (VectorDb db = VectorDb.open(path, config)) {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        Map<String, Vector> model = new HashMap<>();
        models.add(model);
        int writer = w;
        writers.add(pool.submit(() -> write(db, writer, model, new Random(seeds[writer]))));
      }
      for (int s = 0; s < 2; s++) {
        Random random = new Random(seeds[WRITERS + s]);
        writers.add(pool.submit(() -> raceForSharedIds(db, sharedWins, random)));
      }
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Random random = new Random(seeds[WRITERS + 2 + r]);
        readers.add(pool.submit(() -> search(db, random)));
      }
      readers.add(pool.submit(() -> refresh(db)));

      for (Future<?> f : writers) {
        f.get();
      }
      writing.set(false);
      for (Future<?> f : readers) {
        f.get();
      }
      db.commit();
    } finally {
      pool.shutdownNow();
      assertTrue("test threads still run", pool.awaitTermination(1, TimeUnit.MINUTES));
    }
    assertTrue("searchers checked only " + checkedHits.get() + " hits", checkedHits.get() >= 100);
    assertEquals("each shared id is added by exactly one racer", SHARED_IDS, sharedWins.get());

    try (VectorDb db = VectorDb.open(path)) {
      int expected = SHARED_IDS;
      for (Map<String, Vector> model : models) {
        expected += model.size();
        for (Vector vector : model.values()) {
          assertEquals(Optional.of(vector), db.get(vector.id()));
        }
      }
      assertEquals(expected, db.size());
      for (String deleted : tombstones.keySet()) {
        assertFalse(deleted + " was deleted", db.get(deleted).isPresent());
      }
    }
  }

  private Void write(VectorDb db, int writer, Map<String, Vector> model, Random random)
      throws Exception {
    List<String> live = new ArrayList<>();
    int next = 0;
    for (int op = 0;
        op < MAX_OPS_PER_WRITER
            && (op < OPS_PER_WRITER || refreshesCompleted.get() < MIN_REFRESHES);
        op++) {
      int choice = random.nextInt(4);
      if (live.isEmpty() || choice < 2) {
        Vector vector = vector(random, "w" + writer + "-" + next++, op);
        db.add(vector);
        model.put(vector.id(), vector);
        live.add(vector.id());
      } else if (choice == 2) {
        String id = live.get(random.nextInt(live.size()));
        Vector vector = vector(random, id, op);
        db.upsert(vector);
        model.put(id, vector);
      } else {
        String id = live.remove(random.nextInt(live.size()));
        assertTrue(id + " was live", db.delete(id));
        tombstones.put(id, refreshesStarted.get());
        model.remove(id);
      }
    }
    return null;
  }

  private Void raceForSharedIds(VectorDb db, AtomicInteger wins, Random random) throws Exception {
    for (int i = 0; i < SHARED_IDS; i++) {
      try {
        db.add(vector(random, "shared-" + i, 0));
        wins.incrementAndGet();
      } catch (DuplicateIdException expected) {
        // the other racer was first
      }
    }
    return null;
  }

  /** A vector whose group and version are recorded in its metadata and its data. */
  private static Vector vector(Random random, String id, int version) {
    float[] data = new float[DIM];
    for (int d = 1; d < DIM; d++) {
      data[d] = random.nextFloat();
    }
    data[0] = version;
    String group = random.nextBoolean() ? "even" : "odd";
    return Vector.of(
        id,
        data,
        Metadata.builder()
            .keyword("group", group)
            .keyword("version", Integer.toString(version))
            .build());
  }

  private Void search(VectorDb db, Random random) throws Exception {
    while (writing.get()) {
      long refreshedBefore = refreshesCompleted.get();
      float[] query = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        query[d] = random.nextFloat() * (d == 0 ? OPS_PER_WRITER : 1);
      }
      List<Hit> hits =
          db.search(
              SearchRequest.of(query, 10)
                  .withFilter(Filter.keyword("group", "even"))
                  .withVectors(true)
                  .withMetadata(true));
      Set<String> seen = new HashSet<>();
      for (Hit hit : hits) {
        assertTrue("duplicate (non-live) hit " + hit.id(), seen.add(hit.id()));
        assertEquals(hit.toString(), "even", hit.metadata().keyword("group"));
        assertEquals(
            "data of another version",
            hit.metadata().keyword("version"),
            Integer.toString((int) hit.vector()[0]));
        assertEquals(
            "score of " + hit.id(),
            VectorSimilarityFunction.EUCLIDEAN.compare(query, hit.vector()),
            hit.score(),
            0f);
        Long deletedBefore = tombstones.get(hit.id());
        assertFalse(
            hit.id() + " returned after a refresh covering its delete",
            deletedBefore != null && refreshedBefore > deletedBefore);
        checkedHits.incrementAndGet();
      }
    }
    return null;
  }

  private Void refresh(VectorDb db) throws Exception {
    for (int round = 0; writing.get(); round++) {
      refreshesStarted.incrementAndGet();
      if (round % 5 == 4) {
        db.commit();
      } else {
        db.refresh();
      }
      refreshesCompleted.incrementAndGet();
      Thread.sleep(2);
    }
    return null;
  }
}
