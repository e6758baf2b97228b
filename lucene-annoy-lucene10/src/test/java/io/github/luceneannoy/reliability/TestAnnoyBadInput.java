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
import io.github.luceneannoy.codec.ForestStatistics;
import io.github.luceneannoy.search.AnnoyKnnByteVectorQuery;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Bad input at index and at query time, and bad format parameters: each is refused with an
 * exception whose message names the field and document (or the component, or the parameter) and the
 * expected and actual values, and nothing already indexed is damaged (checked by {@link IndexState}
 * after every test). Several are refused by Lucene before the codec sees them; the test pins their
 * messages so a Lucene upgrade that loses them is noticed.
 */
public class TestAnnoyBadInput extends LuceneTestCase {
  private static final int DOCS = 300;
  private static final String COSINE = "cos";
  private static final String BYTES = "bytes";
  private static final int BYTE_DIM = 8;

  private Directory dir;
  private IndexWriter writer;
  private final List<String> ids = new ArrayList<>();

  /**
   * Documents kept whose vector in the corpus field is not {@code Corpus.vector(id)}, or absent.
   */
  private final List<String> extraIds = new ArrayList<>();

  @Override
  public void setUp() throws Exception {
    super.setUp();
    dir = newDirectory();
    // small random forests, so that 300 documents are searched through real trees
    AnnoyVectorsFormat format =
        new AnnoyVectorsFormat(
            TestUtil.nextInt(random(), 1, 4),
            TestUtil.nextInt(random(), 8, 32),
            TestUtil.nextInt(random(), 2, 16),
            0.9f,
            random().nextLong());
    writer = new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec(format)));
    for (int i = 0; i < DOCS; i++) {
      String id = "d" + i;
      Document doc = Corpus.doc(id);
      float[] v = Corpus.vector(id);
      doc.add(new KnnFloatVectorField(COSINE, v, VectorSimilarityFunction.COSINE));
      byte[] b = new byte[BYTE_DIM];
      for (int j = 0; j < BYTE_DIM; j++) {
        b[j] = (byte) Math.round(v[j] * 10);
      }
      doc.add(new KnnByteVectorField(BYTES, b, VectorSimilarityFunction.EUCLIDEAN));
      writer.addDocument(doc);
      ids.add(id);
    }
    writer.commit();
  }

  @Override
  public void tearDown() throws Exception {
    // whatever was refused, the writer goes on: commit, then check nothing was lost or damaged
    writer.commit();
    writer.close();
    IndexState.assertHolds(dir, ids, extraIds, random());
    dir.close();
    super.tearDown();
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(
          "message lacks \"" + part + "\": " + e.getMessage(), e.getMessage().contains(part));
    }
  }

  private void expectRefused(Document doc, String... parts) {
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> writer.addDocument(doc));
    assertMessage(e, parts);
  }

  private static Document with(String id, Field field) {
    Document doc = new Document();
    doc.add(new StringField(Corpus.ID, id, Field.Store.YES));
    doc.add(field);
    return doc;
  }

  // ---------------------------------------------------------------------------------------------
  // index time

  public void testWrongDimension() {
    expectRefused(
        with(
            "bad",
            new KnnFloatVectorField(
                Corpus.VECTOR, new float[Corpus.DIM - 3], VectorSimilarityFunction.EUCLIDEAN)),
        "\"" + Corpus.VECTOR + "\"",
        "vector dimension=" + Corpus.DIM,
        "inconsistent vector dimension=" + (Corpus.DIM - 3));
  }

  public void testTooManyDimensions() throws IOException {
    float[] big = new float[AnnoyVectorsFormat.MAXIMUM_DIMENSIONS + 1];
    big[0] = 1;
    expectRefused(
        with("bad", new KnnFloatVectorField("huge", big, VectorSimilarityFunction.EUCLIDEAN)),
        "[huge]",
        "<= [4096]",
        "got 4097");
    // the limit itself is accepted (Lucene's HNSW stops at 1024) and searchable
    float[] limit = new float[AnnoyVectorsFormat.MAXIMUM_DIMENSIONS];
    limit[7] = 1;
    writer.addDocument(
        with("wide", new KnnFloatVectorField("wide", limit, VectorSimilarityFunction.EUCLIDEAN)));
    // kept, but it has no vector in the corpus field that tearDown searches by each doc's own
    // vector
    extraIds.add("wide");
    writer.commit();
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      TopDocs hits = new IndexSearcher(reader).search(new KnnFloatVectorQuery("wide", limit, 1), 1);
      assertEquals(1, hits.scoreDocs.length);
    }
  }

  public void testNonFiniteComponents() {
    // Lucene checks in the field's constructor: the component's index and value are named
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] v = Corpus.vector("x");
      v[5] = bad;
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () -> new KnnFloatVectorField(Corpus.VECTOR, v, VectorSimilarityFunction.EUCLIDEAN));
      assertMessage(e, "non-finite", "vector[5]=" + bad);
      e =
          expectThrows(
              IllegalArgumentException.class, () -> new KnnFloatVectorQuery(Corpus.VECTOR, v, 5));
      assertMessage(e, "non-finite", "vector[5]=" + bad);
    }
  }

  /**
   * An all-zero vector on a COSINE field cannot be scored (its cosine is 0/0: NaN, or an assertion
   * error with assertions on). Lucene 10 refuses it in the field's constructor (Lucene 9.12
   * accepted it); the Annoy format still refuses one that gets past (the array zeroed once the
   * field is made) when the document is added, naming the field and document, and refuses an
   * all-zero COSINE query likewise.
   */
  public void testZeroVectorWithCosine() throws IOException {
    IllegalArgumentException refused =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                new KnnFloatVectorField(
                    COSINE, new float[Corpus.DIM], VectorSimilarityFunction.COSINE));
    assertMessage(refused, "zero vector not allowed with cosine similarity");
    float[] zeroed = Corpus.vector("zero");
    KnnFloatVectorField field =
        new KnnFloatVectorField(COSINE, zeroed, VectorSimilarityFunction.COSINE);
    Arrays.fill(zeroed, 0f);
    // the field holds the array it was given: what reaches the codec is all zeros
    assertArrayEquals(new float[Corpus.DIM], field.vectorValue(), 0f);
    expectRefused(
        with("zero", field), "field \"" + COSINE + "\"", "document ", "all-zero vector", "COSINE");
    writer.commit();
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      // the refused document is not there, not even half-indexed
      assertEquals(0, searcher.count(new TermQuery(new Term(Corpus.ID, "zero"))));
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () -> searcher.search(new KnnFloatVectorQuery(COSINE, new float[Corpus.DIM], 5), 5));
      assertMessage(e, "field \"" + COSINE + "\"", "all zeros", "COSINE");
      // other similarities have no such problem: a zero query on a EUCLIDEAN field is answered
      TopDocs hits =
          searcher.search(new KnnFloatVectorQuery(Corpus.VECTOR, new float[Corpus.DIM], 5), 5);
      assertEquals(5, hits.scoreDocs.length);
      assertFalse(Float.isNaN(hits.scoreDocs[0].score));
    }
    // a zero vector on a EUCLIDEAN field is an ordinary vector; it is not the corpus vector of its
    // id, which tearDown searches each document by, so it is kept out of that sample
    writer.addDocument(
        with(
            "origin",
            new KnnFloatVectorField(
                Corpus.VECTOR, new float[Corpus.DIM], VectorSimilarityFunction.EUCLIDEAN)));
    writer.commit();
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      assertEquals(
          1, new IndexSearcher(reader).count(new TermQuery(new Term(Corpus.ID, "origin"))));
    }
    extraIds.add("origin");
  }

  public void testByteVectorsWhereFloatsAreExpectedAndBack() {
    expectRefused(
        with(
            "bad",
            new KnnByteVectorField(
                Corpus.VECTOR, new byte[Corpus.DIM], VectorSimilarityFunction.EUCLIDEAN)),
        "\"" + Corpus.VECTOR + "\"",
        "vector encoding=FLOAT32",
        "inconsistent",
        "vector encoding=BYTE");
    expectRefused(
        with(
            "bad",
            new KnnFloatVectorField(
                BYTES, new float[BYTE_DIM], VectorSimilarityFunction.EUCLIDEAN)),
        "\"" + BYTES + "\"",
        "vector encoding=BYTE",
        "inconsistent",
        "vector encoding=FLOAT32");
  }

  public void testOtherSimilarityOnTheSameField() {
    expectRefused(
        with(
            "bad",
            new KnnFloatVectorField(
                Corpus.VECTOR, Corpus.vector("x"), VectorSimilarityFunction.COSINE)),
        "\"" + Corpus.VECTOR + "\"",
        "similarity function=EUCLIDEAN",
        "similarity function=COSINE");
  }

  /** The format's parameters and how each forest constructor checks them. */
  private interface ForestFormat {
    KnnVectorsFormat create(
        int numTrees, int maxLeafSize, int branching, float targetRecall, long seed);
  }

  /**
   * The Annoy formats of this line. The Lucene 9.12 line also checks its scalar-quantized variant
   * here, which this line does not have.
   */
  private static final List<ForestFormat> FORMATS = List.of(AnnoyVectorsFormat::new);

  /**
   * Each bad forest parameter is refused by every Annoy format with an {@link
   * IllegalArgumentException} naming the parameter, its allowed range and the value given; the
   * bounds themselves are accepted.
   */
  public void testInvalidForestParameters() {
    int trees = AnnoyVectorsFormat.DEFAULT_NUM_TREES;
    int leaf = AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE;
    int branching = AnnoyVectorsFormat.DEFAULT_BRANCHING;
    float recall = AnnoyVectorsFormat.DEFAULT_TARGET_RECALL;
    long seed = random().nextLong();
    for (ForestFormat f : FORMATS) {
      String treeRange = "[1, " + AnnoyVectorsFormat.MAXIMUM_NUM_TREES + "]";
      for (int bad :
          new int[] {0, -1, AnnoyVectorsFormat.MAXIMUM_NUM_TREES + 1, Integer.MIN_VALUE}) {
        assertInvalid(
            () -> f.create(bad, leaf, branching, recall, seed),
            "numTrees must be in " + treeRange,
            "got " + bad);
      }
      String leafRange = "[1, " + AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE + "]";
      for (int bad :
          new int[] {0, -5, AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE + 1, Integer.MAX_VALUE}) {
        assertInvalid(
            () -> f.create(trees, bad, branching, recall, seed),
            "maxLeafSize must be in " + leafRange,
            "got " + bad);
      }
      String branchingRange = "[2, " + AnnoyVectorsFormat.MAXIMUM_BRANCHING + "]";
      for (int bad : new int[] {1, 0, -2, AnnoyVectorsFormat.MAXIMUM_BRANCHING + 1}) {
        assertInvalid(
            () -> f.create(trees, leaf, bad, recall, seed),
            "branching must be in " + branchingRange,
            "got " + bad);
      }
      for (float bad :
          new float[] {
            0f, -0f, -0.5f, 1.0001f, 2f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY
          }) {
        assertInvalid(
            () -> f.create(trees, leaf, branching, bad, seed),
            "targetRecall must be in (0, 1]",
            "got " + bad);
      }
      // the bounds are allowed
      f.create(1, 1, 2, Float.MIN_VALUE, seed);
      f.create(
          AnnoyVectorsFormat.MAXIMUM_NUM_TREES,
          AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE,
          AnnoyVectorsFormat.MAXIMUM_BRANCHING,
          1f,
          seed);
    }
    // the old third argument, candidates per hit, now converts to a target recall: it must fail
    // loudly rather than be taken for one
    assertInvalid(
        () -> new AnnoyVectorsFormat(32, 64, 100), "targetRecall must be in (0, 1]", "got 100.0");
    assertInvalid(() -> new AnnoyVectorsFormat(40), "targetRecall", "got 40.0");
  }

  /** A per-query budget must be at least one candidate per hit; the query names the bad value. */
  public void testInvalidPerQueryBudget() {
    for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
      assertInvalid(
          () -> new AnnoyKnnFloatVectorQuery(Corpus.VECTOR, Corpus.vector("q"), 5, null, bad),
          "candidatesPerHit must be >= 1",
          "got " + bad);
      assertInvalid(
          () -> new AnnoyKnnByteVectorQuery(BYTES, new byte[BYTE_DIM], 5, null, bad),
          "candidatesPerHit must be >= 1",
          "got " + bad);
    }
  }

  /**
   * Every seed is valid, the extreme ones included: it is recorded, it is what the segment's forest
   * says it was built with, and the forest searches. So are the smallest trees the parameters allow
   * (one vector per leaf, two children per node) and the most trees.
   */
  public void testAnySeedAndExtremeParametersBuildWorkingForests() throws IOException {
    long[] seeds = {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, random().nextLong()};
    for (long seed : seeds) {
      AnnoyVectorsFormat format = new AnnoyVectorsFormat(2, 16, 4, 0.9f, seed);
      assertEquals(seed, format.seed());
      assertForestWorks(format, 200);
    }
    assertForestWorks(new AnnoyVectorsFormat(1, 1, 2, 0.9f, random().nextLong()), 100);
    assertForestWorks(
        new AnnoyVectorsFormat(
            AnnoyVectorsFormat.MAXIMUM_NUM_TREES, 8, 16, 0.9f, random().nextLong()),
        100);
  }

  private void assertForestWorks(AnnoyVectorsFormat format, int docs) throws IOException {
    try (Directory other = newDirectory()) {
      List<String> written = new ArrayList<>();
      try (IndexWriter w =
          new IndexWriter(other, new IndexWriterConfig().setCodec(new AnnoyCodec(format)))) {
        for (int i = 0; i < docs; i++) {
          written.add("s" + i);
          w.addDocument(Corpus.doc("s" + i));
        }
        w.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(other)) {
        ForestStatistics stats =
            ForestStatistics.read(getOnlyLeafReader(reader), Corpus.VECTOR).orElseThrow();
        assertEquals(format.toString(), format.seed(), stats.seed());
        assertEquals(format.numTrees(), stats.numTrees());
        assertEquals(format.maxLeafSize(), stats.maxLeafSize());
        assertEquals(format.branching(), stats.branching());
        assertEquals(format.targetRecall(), stats.targetRecall(), 0f);
        assertEquals(
            (long) format.numTrees() * docs, Math.round(stats.leaves() * stats.meanLeafSize()));
      }
      IndexState.assertHolds(other, written, List.of(), random());
    }
  }

  private static void assertInvalid(ThrowingRunnable constructor, String... parts) {
    assertMessage(expectThrows(IllegalArgumentException.class, constructor), parts);
  }

  // ---------------------------------------------------------------------------------------------
  // query time

  public void testQueryOfWrongDimension() throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      IllegalArgumentException e =
          expectThrows(
              IllegalArgumentException.class,
              () ->
                  searcher.search(
                      new KnnFloatVectorQuery(Corpus.VECTOR, new float[] {1, 2, 3}, 5), 5));
      assertMessage(e, "field \"" + Corpus.VECTOR + "\"", "3 dimensions", "has " + Corpus.DIM);
      e =
          expectThrows(
              IllegalArgumentException.class,
              () -> searcher.search(new KnnByteVectorQuery(BYTES, new byte[] {1, 2}, 5), 5));
      assertMessage(e, "field \"" + BYTES + "\"", "2 dimensions", "has " + BYTE_DIM);
    }
  }

  public void testQueryOfTheOtherEncoding() throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      IllegalStateException e =
          expectThrows(
              IllegalStateException.class,
              () ->
                  searcher.search(
                      new KnnByteVectorQuery(Corpus.VECTOR, new byte[Corpus.DIM], 5), 5));
      assertMessage(e, "(FLOAT32)", "field " + Corpus.VECTOR, "expected=BYTE");
      e =
          expectThrows(
              IllegalStateException.class,
              () -> searcher.search(new KnnFloatVectorQuery(BYTES, new float[BYTE_DIM], 5), 5));
      assertMessage(e, "(BYTE)", "field " + BYTES, "expected=FLOAT32");
    }
  }

  /**
   * A field without vectors (a keyword field, or no field at all) gives no hits and no exception:
   * Lucene's contract for every vector format, since a field may have vectors in some segments
   * only.
   */
  public void testQueryOnAFieldWithoutVectors() throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      for (Query q :
          List.of(
              new KnnFloatVectorQuery(Corpus.COLOUR, new float[Corpus.DIM], 5),
              new KnnFloatVectorQuery("missing", new float[Corpus.DIM], 5),
              new KnnByteVectorQuery("missing", new byte[Corpus.DIM], 5))) {
        assertEquals(q.toString(), 0, searcher.search(q, 5).scoreDocs.length);
      }
    }
  }
}
