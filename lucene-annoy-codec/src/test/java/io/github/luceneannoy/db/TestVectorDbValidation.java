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
import io.github.luceneannoy.db.InvalidVectorException.Reason;
import io.github.luceneannoy.search.ReciprocalRankFusion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Bad vectors, bad queries, bad settings and directories that are not this database are refused
 * clearly: each message names the vector (or the setting), the bad value and what was expected.
 */
// VectorDb refuses directories holding other files, such as ExtrasFS's: tested here on purpose
@LuceneTestCase.SuppressFileSystems("ExtrasFS")
public class TestVectorDbValidation extends LuceneTestCase {
  private Path root;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    root = createTempDir("validation");
  }

  private Path dir(String name) {
    return root.resolve(name);
  }

  private static InvalidVectorException refusedAdd(VectorDb db, Vector vector, Reason reason) {
    InvalidVectorException e = expectThrows(InvalidVectorException.class, () -> db.add(vector));
    assertEquals(e.getMessage(), reason, e.reason());
    return e;
  }

  public void testBadVectorsAreRefusedWithTheirIdAndWhatIsWrong() throws Exception {
    try (VectorDb db =
        VectorDb.open(dir("cos"), VectorDbConfig.of(3, VectorSimilarityFunction.COSINE))) {
      assertEquals(
          "vector \"a\" has 2 dimensions, the database has 3",
          refusedAdd(db, Vector.of("a", new float[] {1, 2}), Reason.WRONG_DIMENSION).getMessage());
      assertEquals(
          "vector \"b\" has a non-finite component at index 1: NaN",
          refusedAdd(db, Vector.of("b", new float[] {1, Float.NaN, 0}), Reason.NOT_FINITE)
              .getMessage());
      assertTrue(
          refusedAdd(
                  db,
                  Vector.of("c", new float[] {0, 0, Float.NEGATIVE_INFINITY}),
                  Reason.NOT_FINITE)
              .getMessage()
              .endsWith("index 2: -Infinity"));
      assertEquals(
          "vector \"z\" is all zeros, which has no direction for COSINE",
          refusedAdd(db, Vector.of("z", new float[3]), Reason.ZERO_VECTOR).getMessage());
      assertEquals(
          "vector id must not be empty",
          refusedAdd(db, Vector.of("", new float[] {1, 0, 0}), Reason.EMPTY_ID).getMessage());
      InvalidVectorException query =
          expectThrows(InvalidVectorException.class, () -> db.search(new float[3], 1));
      assertEquals(
          "query vector is all zeros, which has no direction for COSINE", query.getMessage());
      // a refused upsert batch writes nothing
      expectThrows(
          InvalidVectorException.class,
          () ->
              db.upsert(
                  List.of(Vector.of("ok", new float[] {1, 0, 0}), Vector.of("bad", new float[1]))));
      db.refresh();
      assertEquals(0, db.size());
    }
  }

  public void testEuclideanAcceptsZeroVectorsAndDotProductNeedsUnitLength() throws Exception {
    try (VectorDb db =
        VectorDb.open(dir("l2"), VectorDbConfig.of(2, VectorSimilarityFunction.EUCLIDEAN))) {
      db.add(Vector.of("origin", new float[2]));
      db.refresh();
      assertEquals("origin", db.search(new float[2], 1).get(0).id());
    }
    try (VectorDb db =
        VectorDb.open(dir("dot"), VectorDbConfig.of(2, VectorSimilarityFunction.DOT_PRODUCT))) {
      db.add(Vector.of("unit", new float[] {0.6f, 0.8f}));
      InvalidVectorException e =
          refusedAdd(db, Vector.of("long", new float[] {3, 4}), Reason.NOT_UNIT_LENGTH);
      assertTrue(e.getMessage(), e.getMessage().startsWith("vector \"long\" has length 5.0"));
    }
  }

  public void testBadQueriesAreRefusedWithWhatIsWrong() throws Exception {
    try (VectorDb db =
        VectorDb.open(dir("q"), VectorDbConfig.of(3, VectorSimilarityFunction.EUCLIDEAN))) {
      db.add(Vector.of("a", new float[] {1, 2, 3}));
      db.commit();
      InvalidVectorException e =
          expectThrows(InvalidVectorException.class, () -> db.search(new float[2], 1));
      assertEquals(Reason.WRONG_DIMENSION, e.reason());
      assertEquals("query vector has 2 dimensions, the database has 3", e.getMessage());
      e =
          expectThrows(
              InvalidVectorException.class,
              () -> db.search(SearchRequest.of(new float[] {0, Float.POSITIVE_INFINITY, 0}, 1)));
      assertEquals(Reason.NOT_FINITE, e.reason());
      assertEquals("query vector has a non-finite component at index 1: Infinity", e.getMessage());
      e =
          expectThrows(
              InvalidVectorException.class,
              () ->
                  db.searchHybrid(
                      new float[4], db.textQuery("t", "x"), 1, new ReciprocalRankFusion()));
      assertEquals(Reason.WRONG_DIMENSION, e.reason());
      IllegalArgumentException k =
          expectThrows(IllegalArgumentException.class, () -> SearchRequest.of(new float[3], 0));
      assertEquals("k must be >= 1, got 0", k.getMessage());
      IllegalArgumentException budget =
          expectThrows(
              IllegalArgumentException.class,
              () -> SearchRequest.of(new float[3], 1).withCandidatesPerHit(-1));
      assertEquals("candidatesPerHit must be >= 0, got -1", budget.getMessage());
      // 0 is the default budget, any positive number a budget of its own
      assertEquals(
          "a", db.search(SearchRequest.of(new float[3], 1).withCandidatesPerHit(0)).get(0).id());
      assertEquals(
          "a", db.search(SearchRequest.of(new float[3], 1).withCandidatesPerHit(1)).get(0).id());
    }
  }

  /** Each bad setting names itself, its allowed range and the value; the config is unchanged. */
  public void testBadSettingsAreRefusedWithTheirNameRangeAndValue() {
    int max = AnnoyVectorsFormat.MAXIMUM_DIMENSIONS;
    for (int bad : new int[] {0, -1, max + 1}) {
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () -> VectorDbConfig.of(bad, VectorSimilarityFunction.COSINE));
      assertEquals("dimension must be in [1, " + max + "], got " + bad, e.getMessage());
    }
    VectorDbConfig.of(max, VectorSimilarityFunction.COSINE);
    expectThrows(NullPointerException.class, () -> VectorDbConfig.of(3, null));
    VectorDbConfig config = VectorDbConfig.of(3, VectorSimilarityFunction.COSINE);
    for (float bad : new float[] {0f, -0.1f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> config.withTargetRecall(bad));
      assertEquals("targetRecall must be in (0, 1], got " + bad, e.getMessage());
    }
    assertEquals(1f, config.withTargetRecall(1f).targetRecall(), 0f);
    IllegalArgumentException threads =
        expectThrows(IllegalArgumentException.class, () -> config.withSearchThreads(0));
    assertEquals("searchThreads must be >= 1, got 0", threads.getMessage());
    for (double bad : new double[] {0.5, 2049, Double.NaN}) {
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> config.withRamBufferMB(bad));
      assertEquals("ramBufferMB must be in [1, 2048], got " + bad, e.getMessage());
    }
    expectThrows(NullPointerException.class, () -> config.withFormat(null));
    // refused settings left the config as it was
    assertEquals(AnnoyVectorsFormat.DEFAULT_TARGET_RECALL, config.targetRecall(), 0f);
    assertEquals(Runtime.getRuntime().availableProcessors(), config.searchThreads());
    assertEquals(VectorDbConfig.DEFAULT_RAM_BUFFER_MB, config.ramBufferMB(), 0);
  }

  public void testMetadataFieldNamesAreChecked() {
    IllegalArgumentException reserved =
        expectThrows(IllegalArgumentException.class, () -> Metadata.builder().keyword("_id", "x"));
    assertTrue(reserved.getMessage(), reserved.getMessage().contains("reserved"));
    IllegalArgumentException both =
        expectThrows(
            IllegalArgumentException.class,
            () -> Metadata.builder().keyword("tag", "x").text("tag", "y"));
    assertEquals("field \"tag\" cannot be both keyword and text", both.getMessage());
  }

  public void testReopenChecksDimensionAndSimilarity() throws Exception {
    Path path = dir("db");
    try (VectorDb db = VectorDb.open(path, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE))) {
      db.add(Vector.of("a", new float[] {1, 2, 3}));
    }
    IncompatibleIndexException dimension =
        expectThrows(
            IncompatibleIndexException.class,
            () -> VectorDb.open(path, VectorDbConfig.of(4, VectorSimilarityFunction.COSINE)));
    assertTrue(
        dimension.getMessage(),
        dimension
            .getMessage()
            .endsWith(
                "holds a VectorDb of dimension 3 and similarity COSINE, but dimension 4 and similarity"
                    + " COSINE were requested"));
    assertEquals(path, dimension.directory());
    expectThrows(
        IncompatibleIndexException.class,
        () -> VectorDb.open(path, VectorDbConfig.of(3, VectorSimilarityFunction.EUCLIDEAN)));
    // the refused opens changed nothing
    try (VectorDb db = VectorDb.open(path, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE))) {
      assertEquals(1, db.size());
    }
  }

  public void testAForeignIndexOrForeignFilesAreRefused() throws Exception {
    Path foreign = dir("foreign");
    try (IndexWriter writer = new IndexWriter(FSDirectory.open(foreign), new IndexWriterConfig())) {
      Document doc = new Document();
      doc.add(new StringField("title", "not a vector", Field.Store.YES));
      writer.addDocument(doc);
    }
    IncompatibleIndexException e =
        expectThrows(
            IncompatibleIndexException.class,
            () -> VectorDb.open(foreign, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE)));
    assertTrue(
        e.getMessage(),
        e.getMessage().endsWith("holds a Lucene index that was not created by VectorDb"));

    Path notIndex = Files.createDirectories(dir("photos"));
    Files.writeString(notIndex.resolve("holiday.jpg"), "not an index");
    e =
        expectThrows(
            IncompatibleIndexException.class,
            () -> VectorDb.open(notIndex, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE)));
    assertTrue(
        e.getMessage(),
        e.getMessage().endsWith("is not empty and holds no index (found holiday.jpg)"));

    e = expectThrows(IncompatibleIndexException.class, () -> VectorDb.open(dir("missing")));
    assertTrue(e.getMessage(), e.getMessage().endsWith("no such directory"));
    assertTrue("a failed open must not create the directory", Files.notExists(dir("missing")));
  }

  public void testAnEmptyDatabaseReopensWithItsSettings() throws Exception {
    Path path = dir("empty");
    VectorDb.open(path, VectorDbConfig.of(5, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT))
        .close();
    try (VectorDb db = VectorDb.open(path)) {
      assertEquals(5, db.config().dimension());
      assertEquals(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, db.config().similarity());
      assertEquals(0, db.size());
    }
  }
}
