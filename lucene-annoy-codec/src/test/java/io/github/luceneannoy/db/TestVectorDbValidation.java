package io.github.luceneannoy.db;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.db.InvalidVectorException.Reason;
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
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Bad vectors, bad queries and directories that are not this database are refused clearly. */
public class TestVectorDbValidation {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private Path dir(String name) {
    return temp.getRoot().toPath().resolve(name);
  }

  private static InvalidVectorException refusedAdd(VectorDb db, Vector vector, Reason reason) {
    InvalidVectorException e = assertThrows(InvalidVectorException.class, () -> db.add(vector));
    assertEquals(e.getMessage(), reason, e.reason());
    return e;
  }

  @Test
  public void badVectorsAreRefusedWithTheirIdAndWhatIsWrong() throws Exception {
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
          refusedAdd(db, Vector.of("c", new float[] {0, 0, Float.NEGATIVE_INFINITY}), Reason.NOT_FINITE)
              .getMessage()
              .endsWith("index 2: -Infinity"));
      assertEquals(
          "vector \"z\" is all zeros, which has no direction for COSINE",
          refusedAdd(db, Vector.of("z", new float[3]), Reason.ZERO_VECTOR).getMessage());
      assertEquals(
          "vector id must not be empty",
          refusedAdd(db, Vector.of("", new float[] {1, 0, 0}), Reason.EMPTY_ID).getMessage());
      InvalidVectorException query =
          assertThrows(InvalidVectorException.class, () -> db.search(new float[3], 1));
      assertEquals("query vector is all zeros, which has no direction for COSINE", query.getMessage());
      // a refused upsert batch writes nothing
      assertThrows(
          InvalidVectorException.class,
          () -> db.upsert(List.of(Vector.of("ok", new float[] {1, 0, 0}), Vector.of("bad", new float[1]))));
      db.refresh();
      assertEquals(0, db.size());
    }
  }

  @Test
  public void euclideanAcceptsZeroVectorsAndDotProductNeedsUnitLength() throws Exception {
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

  @Test
  public void metadataFieldNamesAreChecked() {
    IllegalArgumentException reserved =
        assertThrows(
            IllegalArgumentException.class, () -> Metadata.builder().keyword("_id", "x"));
    assertTrue(reserved.getMessage(), reserved.getMessage().contains("reserved"));
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class,
            () -> Metadata.builder().keyword("tag", "x").text("tag", "y"));
    assertEquals("field \"tag\" cannot be both keyword and text", both.getMessage());
  }

  @Test
  public void reopenChecksDimensionAndSimilarity() throws Exception {
    Path path = dir("db");
    try (VectorDb db = VectorDb.open(path, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE))) {
      db.add(Vector.of("a", new float[] {1, 2, 3}));
    }
    IncompatibleIndexException dimension =
        assertThrows(
            IncompatibleIndexException.class,
            () -> VectorDb.open(path, VectorDbConfig.of(4, VectorSimilarityFunction.COSINE)));
    assertTrue(
        dimension.getMessage(),
        dimension.getMessage().endsWith(
            "holds a VectorDb of dimension 3 and similarity COSINE, but dimension 4 and similarity"
                + " COSINE were requested"));
    assertEquals(path, dimension.directory());
    assertThrows(
        IncompatibleIndexException.class,
        () -> VectorDb.open(path, VectorDbConfig.of(3, VectorSimilarityFunction.EUCLIDEAN)));
    // the refused opens changed nothing
    try (VectorDb db = VectorDb.open(path, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE))) {
      assertEquals(1, db.size());
    }
  }

  @Test
  public void aForeignIndexOrForeignFilesAreRefused() throws Exception {
    Path foreign = dir("foreign");
    try (IndexWriter writer =
        new IndexWriter(FSDirectory.open(foreign), new IndexWriterConfig())) {
      Document doc = new Document();
      doc.add(new StringField("title", "not a vector", Field.Store.YES));
      writer.addDocument(doc);
    }
    IncompatibleIndexException e =
        assertThrows(
            IncompatibleIndexException.class,
            () -> VectorDb.open(foreign, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE)));
    assertTrue(e.getMessage(), e.getMessage().endsWith("holds a Lucene index that was not created by VectorDb"));

    Path notIndex = Files.createDirectories(dir("photos"));
    Files.writeString(notIndex.resolve("holiday.jpg"), "not an index");
    e =
        assertThrows(
            IncompatibleIndexException.class,
            () -> VectorDb.open(notIndex, VectorDbConfig.of(3, VectorSimilarityFunction.COSINE)));
    assertTrue(e.getMessage(), e.getMessage().endsWith("is not empty and holds no index (found holiday.jpg)"));

    e = assertThrows(IncompatibleIndexException.class, () -> VectorDb.open(dir("missing")));
    assertTrue(e.getMessage(), e.getMessage().endsWith("no such directory"));
    assertTrue("a failed open must not create the directory", Files.notExists(dir("missing")));
  }

  @Test
  public void anEmptyDatabaseReopensWithItsSettings() throws Exception {
    Path path = dir("empty");
    VectorDb.open(path, VectorDbConfig.of(5, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT)).close();
    try (VectorDb db = VectorDb.open(path)) {
      assertEquals(5, db.config().dimension());
      assertEquals(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, db.config().similarity());
      assertEquals(0, db.size());
    }
  }
}
