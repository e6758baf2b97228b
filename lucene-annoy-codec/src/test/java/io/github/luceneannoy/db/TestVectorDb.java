package io.github.luceneannoy.db;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.search.ReciprocalRankFusion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.TermQuery;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The facade's operations, one at a time: what is written is what is read and searched. */
public class TestVectorDb {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private static final VectorDbConfig CONFIG =
      VectorDbConfig.of(4, VectorSimilarityFunction.EUCLIDEAN)
          // small trees, so that a few hundred vectors are searched through a real forest
          .withFormat(new AnnoyVectorsFormat(4, 8, 4))
          .withSearchThreads(2);

  private static Vector point(String id, float x, String colour) {
    return Vector.of(
        id,
        new float[] {x, 0, 0, 0},
        Metadata.builder().keyword("colour", colour).text("caption", "a " + colour + " point").build());
  }

  private Path dir() {
    return temp.getRoot().toPath().resolve("db");
  }

  @Test
  public void addedVectorsAreFoundAfterCommitWithIdsScoresAndData() throws Exception {
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      db.add(List.of(point("a", 0, "red"), point("b", 1, "blue"), point("c", 3, "red")));
      assertEquals("writes are invisible before a refresh", 0, db.size());
      db.commit();
      assertEquals(3, db.size());
      List<Hit> hits = db.search(SearchRequest.of(new float[] {0.9f, 0, 0, 0}, 2).withVectors(true));
      assertEquals(List.of("b", "a"), ids(hits));
      // Lucene's EUCLIDEAN score: 1 / (1 + squared distance)
      assertEquals(1 / (1 + 0.01f), hits.get(0).score(), 1e-6);
      assertArrayEquals(new float[] {1, 0, 0, 0}, hits.get(0).vector(), 0);
      assertNull(db.search(new float[] {0, 0, 0, 0}, 1).get(0).vector());
    }
  }

  @Test
  public void getReturnsDataAndMetadataAsWritten() throws Exception {
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      Vector written = point("a", 2.5f, "red");
      db.add(written);
      assertEquals(Optional.empty(), db.get("a"));
      db.refresh();
      assertEquals(Optional.of(written), db.get("a"));
      assertEquals(Optional.empty(), db.get("missing"));
    }
  }

  @Test
  public void upsertReplacesAndDeleteRemoves() throws Exception {
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      db.add(List.of(point("a", 0, "red"), point("b", 1, "blue")));
      db.upsert(point("a", 10, "green"));
      assertTrue(db.delete("b"));
      assertFalse("deleting twice finds nothing the second time", db.delete("b"));
      assertFalse(db.delete("never-added"));
      db.refresh();
      assertEquals(1, db.size());
      assertEquals("green", db.get("a").orElseThrow().metadata().keyword("colour"));
      assertEquals(List.of("a"), ids(db.search(new float[] {0, 0, 0, 0}, 5)));
    }
  }

  @Test
  public void addRefusesExistingIdsEvenBeforeARefresh() throws Exception {
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      db.add(point("a", 0, "red"));
      DuplicateIdException unrefreshed =
          assertThrows(DuplicateIdException.class, () -> db.add(point("a", 1, "red")));
      assertEquals("a", unrefreshed.id());
      db.commit();
      assertThrows(DuplicateIdException.class, () -> db.add(point("a", 1, "red")));
      DuplicateIdException inBatch =
          assertThrows(
              DuplicateIdException.class,
              () -> db.add(List.of(point("x", 1, "red"), point("x", 2, "red"))));
      assertTrue(inBatch.getMessage(), inBatch.getMessage().contains("given twice"));
      // a refused batch adds nothing, not even its valid vectors
      assertThrows(
          DuplicateIdException.class, () -> db.add(List.of(point("y", 1, "red"), point("a", 2, "red"))));
      db.delete("a");
      db.add(point("a", 5, "blue"));
      db.refresh();
      assertEquals(Optional.empty(), db.get("y"));
      assertEquals("blue", db.get("a").orElseThrow().metadata().keyword("colour"));
    }
  }

  @Test
  public void filtersRestrictTheNeighboursToMatchingMetadata() throws Exception {
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      List<Vector> vectors = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        vectors.add(point("p" + i, i, i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue"));
      }
      db.add(vectors);
      db.commit();
      float[] query = {100.2f, 0, 0, 0};
      // the nearest red points to 100.2 are 99, 102, 96, 105
      assertEquals(
          List.of("p99", "p102", "p96", "p105"),
          ids(db.search(query, 4, Filter.keyword("colour", "red"))));
      assertEquals(
          List.of("p99", "p102", "p96"),
          ids(db.search(query, 3, new TermQuery(new Term("colour", "red")))));
      assertEquals(
          List.of("p100", "p101", "p99"),
          ids(db.search(query, 3, Filter.anyKeyword("colour", "red", "green", "blue"))));
      assertEquals(
          List.of("p100", "p101", "p98"),
          ids(db.search(query, 3, Filter.not(Filter.keyword("colour", "red")))));
      // text is analysed: "RED" matches the caption "a red point"
      assertEquals(
          List.of("p99", "p102"),
          ids(db.search(query, 2, Filter.and(Filter.text("caption", "RED"), Filter.query(
              new TermQuery(new Term("colour", "red")))))));
      assertEquals(List.of(), db.search(query, 2, Filter.keyword("colour", "purple")));
    }
  }

  @Test
  public void hitsCarryMetadataOnRequest() throws Exception {
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      db.add(point("a", 0, "red"));
      db.commit();
      Hit hit = db.search(SearchRequest.of(new float[4], 1).withMetadata(true)).get(0);
      assertEquals("red", hit.metadata().keyword("colour"));
      assertEquals("a red point", hit.metadata().text("caption"));
      assertTrue(db.search(new float[4], 1).get(0).metadata().isEmpty());
    }
  }

  @Test
  public void hybridSearchFusesTextAndVectorRanks() throws Exception {
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      db.add(point("near-blue", 0, "blue"));
      db.add(point("far-red", 50, "red"));
      db.add(
          Vector.of(
              "near-red",
              new float[] {1, 0, 0, 0},
              Metadata.builder().text("caption", "red, very red").build()));
      db.commit();
      // text ranks near-red, far-red; vector ranks near-blue, near-red, far-red: RRF gives
      // near-red 1/61 + 1/62, near-blue 1/61, far-red 1/62 + 1/63
      List<Hit> hits =
          db.searchHybrid(new float[4], db.textQuery("caption", "red"), 3, new ReciprocalRankFusion());
      assertEquals(List.of("near-red", "far-red", "near-blue"), ids(hits));
      assertEquals(1.0 / 61 + 1.0 / 62, hits.get(0).score(), 1e-6);
    }
  }

  @Test
  public void dataSurvivesCloseAndReopen() throws Exception {
    Random random = new Random(7);
    List<Vector> vectors = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      float[] data = new float[4];
      for (int d = 0; d < 4; d++) {
        data[d] = random.nextFloat();
      }
      vectors.add(Vector.of("v" + i, data));
    }
    try (VectorDb db = VectorDb.open(dir(), CONFIG)) {
      db.add(vectors);
      db.delete("v7");
    } // close commits
    try (VectorDb db = VectorDb.open(dir())) {
      assertEquals(4, db.config().dimension());
      assertEquals(VectorSimilarityFunction.EUCLIDEAN, db.config().similarity());
      assertEquals(199, db.size());
      assertEquals(Optional.empty(), db.get("v7"));
      assertEquals(vectors.get(42), db.get("v42").orElseThrow());
      assertEquals("v42", db.search(vectors.get(42).data(), 1).get(0).id());
    }
  }

  static List<String> ids(List<Hit> hits) {
    List<String> ids = new ArrayList<>();
    hits.forEach(h -> ids.add(h.id()));
    return ids;
  }
}
