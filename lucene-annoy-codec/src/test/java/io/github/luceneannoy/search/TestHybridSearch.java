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
package io.github.luceneannoy.search;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.junit.AfterClass;
import org.junit.BeforeClass;

/**
 * The hybrid strategies on a small index of points on a line with captions: which documents each
 * returns follows from the geometry and the words, and is worked out in the comments. The segments
 * hold 7 documents, fewer than any budget, so the Annoy reader scores all of them: the answers are
 * exact whatever the forest's parameters (drawn at random).
 */
public class TestHybridSearch extends LuceneTestCase {
  private static Directory directory;
  private static DirectoryReader reader;
  private static IndexSearcher searcher;

  // doc i sits at x = i; captions: even docs "shoe", docs divisible by 3 "red"; doc 5 has no vector
  @BeforeClass
  public static void index() throws IOException {
    directory = newDirectory();
    AnnoyVectorsFormat format =
        new AnnoyVectorsFormat(
            1 + random().nextInt(3),
            1 + random().nextInt(4),
            2 + random().nextInt(3),
            0.5f + 0.5f * random().nextFloat(),
            random().nextLong());
    IndexWriterConfig config =
        new IndexWriterConfig(new StandardAnalyzer())
            .setCodec(new AnnoyCodec(format))
            .setMergePolicy(org.apache.lucene.index.NoMergePolicy.INSTANCE)
            .setMaxBufferedDocs(7); // several segments, so doc ids cross segment bases
    try (IndexWriter writer = new IndexWriter(directory, config)) {
      for (int i = 0; i < 20; i++) {
        Document doc = new Document();
        doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
        String caption = (i % 2 == 0 ? "shoe " : "bag ") + (i % 3 == 0 ? "red" : "blue");
        doc.add(new TextField("caption", caption, Field.Store.YES));
        doc.add(new StringField("kind", i % 2 == 0 ? "shoe" : "bag", Field.Store.NO));
        if (i != 5) {
          doc.add(
              new KnnFloatVectorField(
                  "vec", new float[] {i, 1}, VectorSimilarityFunction.EUCLIDEAN));
        }
        writer.addDocument(doc);
      }
    }
    reader = DirectoryReader.open(directory);
    assertEquals(3, reader.leaves().size());
    searcher = new IndexSearcher(reader);
  }

  @AfterClass
  public static void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
    if (directory != null) {
      directory.close();
    }
    reader = null;
    directory = null;
    searcher = null;
  }

  private static int[] ids(TopDocs top) throws IOException {
    int[] ids = new int[top.scoreDocs.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = Integer.parseInt(searcher.storedFields().document(top.scoreDocs[i].doc).get("id"));
    }
    return ids;
  }

  public void testVectorSearchFilteredByKeyword() throws IOException {
    HybridSearch hybrid = new HybridSearch(searcher, "vec");
    // nearest shoes (even) to x = 9.4: 10, 8, 12
    TopDocs top =
        hybrid.vectorFilteredBy(new TermQuery(new Term("kind", "shoe")), new float[] {9.4f, 1}, 3);
    assertArrayEquals(new int[] {10, 8, 12}, ids(top));
    // the budgeted variant finds the same (exact for this small index)
    TopDocs budgeted =
        new HybridSearch(searcher, "vec", 50)
            .vectorFilteredBy(new TermQuery(new Term("kind", "shoe")), new float[] {9.4f, 1}, 3);
    assertArrayEquals(new int[] {10, 8, 12}, ids(budgeted));
  }

  public void testTextRerankedByVectorKeepsOnlyTextMatchesInVectorOrder() throws IOException {
    HybridSearch hybrid = new HybridSearch(searcher, "vec");
    // "red" matches 0, 3, 6, 9, 12, 15, 18; nearest to x = 7 among them: 6, 9, 3
    TopDocs top =
        hybrid.textRerankedByVector(
            new TermQuery(new Term("caption", "red")), new float[] {7, 1}, 20, 3);
    assertArrayEquals(new int[] {6, 9, 3}, ids(top));
    // Lucene's EUCLIDEAN score 1 / (1 + d^2): doc 6 is at distance 1
    assertEquals(0.5f, top.scoreDocs[0].score, 1e-6);
  }

  public void testRerankingDropsDocumentsWithoutAVector() throws IOException {
    // "bag" matches the odd docs; nearest to x = 5 would be 5 itself, which has no vector, then
    // 3 and 7 (distance 2, tie broken by doc id), then 1 and 9
    TopDocs top =
        new HybridSearch(searcher, "vec")
            .textRerankedByVector(
                new TermQuery(new Term("caption", "bag")), new float[] {5, 1}, 20, 3);
    assertArrayEquals(new int[] {3, 7, 1}, ids(top));
    assertEquals(9, top.totalHits.value); // ten text matches, one without a vector
  }

  public void testFusedCombinesBothRankings() throws IOException {
    HybridSearch hybrid = new HybridSearch(searcher, "vec");
    // text "red" (all matches score the same, so ranked by doc id): 0, 3, 6, 9, 12, 15, 18
    // vector near x = 19 (depth 7): 19, 18, 17, 16, 15, 14, 13
    // RRF (c = 60): 18 = 1/67 + 1/62, 15 = 1/66 + 1/65: both beat 19 = 1/61 and 0 = 1/61
    TopDocs rrf =
        hybrid.fused(
            new TermQuery(new Term("caption", "red")),
            new float[] {19, 1},
            7,
            2,
            new ReciprocalRankFusion());
    assertArrayEquals(new int[] {18, 15}, ids(rrf));
    assertEquals(1.0 / 67 + 1.0 / 62, rrf.scoreDocs[0].score, 1e-6);
    // all weight on the vector list gives the vector ranking
    TopDocs vectorOnly =
        hybrid.fused(
            new TermQuery(new Term("caption", "red")),
            new float[] {19, 1},
            7,
            3,
            new LinearScoreFusion(0, 1));
    assertArrayEquals(new int[] {19, 18, 17}, ids(vectorOnly));
    expectThrows(
        IllegalArgumentException.class,
        () ->
            hybrid.fused(
                new TermQuery(new Term("caption", "red")),
                new float[2],
                2,
                3,
                new ReciprocalRankFusion()));
  }

  /** A budget turns the k-NN query into the budgeted one; without one it stays Lucene's. */
  public void testKnnQueryCarriesTheBudget() {
    float[] target = {3, 1};
    Query plain = new HybridSearch(searcher, "vec").knnQuery(target, 4, null);
    assertEquals(KnnFloatVectorQuery.class, plain.getClass());
    int candidatesPerHit = 1 + random().nextInt(100);
    Query budgeted = new HybridSearch(searcher, "vec", candidatesPerHit).knnQuery(target, 4, null);
    assertTrue(budgeted instanceof AnnoyKnnFloatVectorQuery);
    assertEquals(candidatesPerHit, ((AnnoyKnnFloatVectorQuery) budgeted).getCandidatesPerHit());
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> new HybridSearch(searcher, "vec", -1));
    assertTrue(e.getMessage(), e.getMessage().contains("candidatesPerHit"));
    expectThrows(
        IllegalArgumentException.class,
        () ->
            new HybridSearch(searcher, "vec")
                .textRerankedByVector(new TermQuery(new Term("caption", "red")), target, 2, 3));
  }
}
