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
package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * The quantized Annoy format's own promises: hits carry full-precision scores, whichever path found
 * them; merges build the forest from the raw floats; its rescore factor survives a reopen; bad
 * parameters are refused with messages naming them.
 */
public class TestAnnoyQuantizedSearch extends LuceneTestCase {
  private static final int DIM = 32;
  private static final int K = 10;

  public void testHitsCarryFullPrecisionScores() throws IOException {
    VectorSimilarityFunction similarity = randomSimilarity();
    float[][] docs = vectors(new Random(random().nextLong()), 3_000, similarity);
    float[][] queries = vectors(new Random(random().nextLong()), 20, similarity);
    // 4 bits and no spare candidates: quantized scores differ from exact ones the most
    AnnoyScalarQuantizedVectorsFormat format =
        new AnnoyScalarQuantizedVectorsFormat(2, 32, 0.9f, 4, true, null, 1);
    try (Directory dir = newFSDirectory(createTempDir())) {
      index(dir, format, docs, 1_000, similarity);
      try (IndexReader reader = DirectoryReader.open(dir)) {
        assertEquals(3, reader.leaves().size());
        for (var leaf : reader.leaves()) {
          // the default budget gathers fewer than the segment holds: hits come through the forest
          ForestStatistics stats = ForestStatistics.read(leaf.reader(), "v").orElseThrow();
          assertTrue(stats.toString(), stats.budget10() < stats.vectors());
        }
        IndexSearcher searcher = new IndexSearcher(reader);
        for (float[] query : queries) {
          // unfiltered: the forest (3 segments of 1,000 vectors, calibrated budgets)
          assertExactScores(
              reader,
              similarity,
              docs,
              query,
              searcher.search(new KnnFloatVectorQuery("v", query, K), K));
          // a filter of 10 documents: Lucene's exact search over the vector values
          assertExactScores(
              reader,
              similarity,
              docs,
              query,
              searcher.search(
                  new KnnFloatVectorQuery("v", query, K, new TermQuery(new Term("tag", "rare"))),
                  K));
        }
      }
    }
  }

  private static void assertExactScores(
      IndexReader reader,
      VectorSimilarityFunction similarity,
      float[][] docs,
      float[] query,
      TopDocs hits)
      throws IOException {
    assertEquals(K, hits.scoreDocs.length);
    int[] ids = TestAnnoyRecall.ids(reader, hits);
    for (int i = 0; i < ids.length; i++) {
      float exact = similarity.compare(query, docs[ids[i]]);
      assertEquals(
          "hit " + i + ", id " + ids[i],
          exact,
          hits.scoreDocs[i].score,
          1e-6f * Math.max(1, Math.abs(exact)));
    }
  }

  /**
   * A merged segment's forest equals the one {@link AnnoyVectorsFormat} builds from the same
   * floats, and so do its calibrated budgets: built or calibrated from dequantized vectors, its
   * centroids, codes and budgets would differ.
   */
  public void testMergeBuildsForestFromFullPrecisionVectors() throws IOException {
    VectorSimilarityFunction similarity = VectorSimilarityFunction.EUCLIDEAN;
    float[][] docs = vectors(new Random(random().nextLong()), 2_000, similarity);
    int bits = random().nextBoolean() ? 4 : 7;
    KnnVectorsFormat quantized =
        new AnnoyScalarQuantizedVectorsFormat(3, 32, 0.9f, bits, false, null, 3);
    KnnVectorsFormat raw = new AnnoyVectorsFormat(3, 32, 0.9f);
    try (Directory q = newFSDirectory(createTempDir());
        Directory r = newFSDirectory(createTempDir())) {
      index(q, quantized, docs, 500, similarity);
      index(r, raw, docs, 500, similarity);
      forceMerge(q, quantized);
      forceMerge(r, raw);
      assertArrayEquals(
          forestBody(r, AnnoyVectorsFormat.NAME, "afi"),
          forestBody(q, AnnoyScalarQuantizedVectorsFormat.NAME, "afi"));
      assertEquals(1, Arrays.stream(q.listAll()).filter(f -> f.endsWith(".veq")).count());
      TestUtil.checkIndex(q);
      // .afm holds file offsets, which the headers' lengths shift; what it records is compared
      try (IndexReader rawReader = DirectoryReader.open(r);
          IndexReader quantizedReader = DirectoryReader.open(q)) {
        ForestStatistics fromRaw =
            ForestStatistics.read(getOnlyLeafReader(rawReader), "v").orElseThrow();
        ForestStatistics fromQuantized =
            ForestStatistics.read(getOnlyLeafReader(quantizedReader), "v").orElseThrow();
        assertEquals(fromRaw, fromQuantized);
        assertEquals(docs.length, fromQuantized.vectors());
        assertEquals(3, fromQuantized.numTrees());
        assertTrue(fromQuantized.toString(), fromQuantized.budget10() < docs.length);
      }
      try (IndexReader reader = DirectoryReader.open(q)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        float[] query = docs[random().nextInt(docs.length)];
        assertExactScores(
            reader,
            similarity,
            docs,
            query,
            searcher.search(new KnnFloatVectorQuery("v", query, K), K));
      }
    }
  }

  /** The bytes of the merged segment's forest file between header (and padding) and footer. */
  private static byte[] forestBody(Directory dir, String formatName, String extension)
      throws IOException {
    String file = onlyFile(dir, extension);
    String suffix = formatName + "_0";
    try (IndexInput in = dir.openInput(file, IOContext.READONCE)) {
      int header = CodecUtil.indexHeaderLength(AnnoyVectorsFormat.INDEX_CODEC_NAME, suffix);
      // the writer aligns the field's sections to 4 bytes, and the suffixes differ in length
      int start = (header + 3) & ~3;
      byte[] body = new byte[(int) (in.length() - start - CodecUtil.footerLength())];
      in.seek(start);
      in.readBytes(body, 0, body.length);
      return body;
    }
  }

  private static String onlyFile(Directory dir, String extension) throws IOException {
    List<String> files = new ArrayList<>();
    for (String f : dir.listAll()) {
      if (f.endsWith("." + extension)) {
        files.add(f);
      }
    }
    assertEquals(files.toString(), 1, files.size());
    return files.get(0);
  }

  /** Integrity checks reach the quantized copy: a flipped bit in {@code .veq} is reported. */
  public void testCorruptQuantizedVectorsFailIntegrityCheck() throws IOException {
    KnnVectorsFormat format = new AnnoyScalarQuantizedVectorsFormat(2, 16, 0.9f, 7, false, null, 2);
    float[][] docs =
        vectors(new Random(random().nextLong()), 300, VectorSimilarityFunction.EUCLIDEAN);
    try (Directory dir = FSDirectory.open(createTempDir())) {
      index(dir, format, docs, docs.length, VectorSimilarityFunction.EUCLIDEAN);
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        ((CodecReader) getOnlyLeafReader(reader)).checkIntegrity();
      }
      String veq = onlyFile(dir, "veq");
      byte[] bytes;
      try (IndexInput in = dir.openInput(veq, IOContext.READONCE)) {
        bytes = new byte[(int) in.length()];
        in.readBytes(bytes, 0, bytes.length);
      }
      // a quantized vector component, well inside header and footer
      bytes[bytes.length / 2] ^= 0x10;
      dir.deleteFile(veq);
      try (IndexOutput out = dir.createOutput(veq, IOContext.DEFAULT)) {
        out.writeBytes(bytes, bytes.length);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        CorruptIndexException e =
            expectThrows(
                CorruptIndexException.class,
                ((CodecReader) getOnlyLeafReader(reader))::checkIntegrity);
        assertTrue(e.getMessage(), e.getMessage().contains(veq));
      }
    }
  }

  public void testRescoreFactorIsRecordedPerField() throws IOException {
    int factor = 1 + random().nextInt(AnnoyScalarQuantizedVectorsFormat.MAXIMUM_RESCORE_FACTOR);
    KnnVectorsFormat format =
        new AnnoyScalarQuantizedVectorsFormat(2, 16, 0.9f, 7, false, null, factor);
    float[][] docs = vectors(new Random(random().nextLong()), 200, VectorSimilarityFunction.COSINE);
    try (Directory dir = newDirectory()) {
      index(dir, format, docs, 100, VectorSimilarityFunction.COSINE);
      forceMerge(dir, format);
      try (IndexReader reader = DirectoryReader.open(dir)) {
        LeafReader leaf = getOnlyLeafReader(reader);
        FieldInfo info = leaf.getFieldInfos().fieldInfo("v");
        assertEquals(
            Integer.toString(factor), info.getAttribute(QuantizedRescoring.RESCORE_FACTOR_KEY));
      }
    }
  }

  public void testParameterValidation() {
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(8, false), "bits must be 4 or 7", "got 8");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(7, true),
        "compress=true",
        "bits=4",
        "got bits=7");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(32, 64, 0.9f, 7, false, 0.5f, 4),
        "confidenceInterval",
        "[0.9, 1]",
        "0.5");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(32, 64, 0.9f, 7, false, Float.NaN, 4),
        "confidenceInterval",
        "NaN");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(32, 64, 0.9f, 7, false, null, 0),
        "rescoreFactor",
        "[1, 1024]",
        "got 0");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(32, 64, 0.9f, 7, false, null, 1025),
        "rescoreFactor",
        "got 1025");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(0, 64, 0.9f, 7, false, null, 4),
        "numTrees",
        "got 0");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(2, 0, 0.9f, 7, false, null, 4),
        "maxLeafSize",
        "got 0");
    // the forest's parameters are checked as the float format checks them
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(2, 64, 0f, 7, false, null, 4),
        "targetRecall",
        "0.0");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(2, 64, 1.5f, 7, false, null, 4),
        "targetRecall",
        "1.5");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(2, 64, Float.NaN, 7, false, null, 4),
        "targetRecall",
        "NaN");
    assertMessage(
        () -> new AnnoyScalarQuantizedVectorsFormat(2, 64, 1, 0.9f, 0L, 7, false, null, 4),
        "branching",
        "got 1");
    assertMessage(
        () ->
            new AnnoyScalarQuantizedVectorsFormat(
                2, 64, AnnoyVectorsFormat.MAXIMUM_BRANCHING + 1, 0.9f, 0L, 7, false, null, 4),
        "branching",
        "got 257");
    // the limits themselves are accepted
    new AnnoyScalarQuantizedVectorsFormat(32, 64, 0.9f, 4, true, 0f, 1);
    new AnnoyScalarQuantizedVectorsFormat(32, 64, 0.9f, 4, false, 0.9f, 1024);
    new AnnoyScalarQuantizedVectorsFormat(32, 64, 1f, 7, false, 1f, 4);
    new AnnoyScalarQuantizedVectorsFormat(
        AnnoyVectorsFormat.MAXIMUM_NUM_TREES,
        AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE,
        AnnoyVectorsFormat.MAXIMUM_BRANCHING,
        Float.MIN_VALUE,
        Long.MIN_VALUE,
        7,
        false,
        null,
        4);
  }

  public void testOddDimensionWithFourBitsNamesTheField() throws IOException {
    KnnVectorsFormat format = new AnnoyScalarQuantizedVectorsFormat(4, true);
    try (Directory dir = newDirectory();
        IndexWriter writer =
            new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec(format)))) {
      Document doc = new Document();
      doc.add(
          new KnnFloatVectorField(
              "odd", new float[] {1, 2, 3}, VectorSimilarityFunction.EUCLIDEAN));
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> writer.addDocument(doc));
      assertTrue(
          e.getMessage(),
          e.getMessage().contains("\"odd\"") && e.getMessage().contains("even dimension, got 3"));
    }
  }

  private static void assertMessage(Runnable constructor, String... parts) {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class, constructor::run);
    for (String part : parts) {
      assertTrue(e.getMessage(), e.getMessage().contains(part));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static VectorSimilarityFunction randomSimilarity() {
    VectorSimilarityFunction[] all = VectorSimilarityFunction.values();
    return all[random().nextInt(all.length)];
  }

  static float[][] vectors(Random random, int count, VectorSimilarityFunction similarity) {
    return TestData.shapeFor(similarity, TestData.clustered(random, count, DIM, 20, 0.5f));
  }

  /**
   * Indexes {@code docs} in order, flushing every {@code segmentSize}; every 300th is tagged
   * "rare".
   */
  static void index(
      Directory dir,
      KnnVectorsFormat format,
      float[][] docs,
      int segmentSize,
      VectorSimilarityFunction similarity)
      throws IOException {
    IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec(format));
    config.setMaxBufferedDocs(segmentSize);
    config.setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    config.setMergePolicy(NoMergePolicy.INSTANCE);
    // files stay visible by extension
    config.setUseCompoundFile(false);
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < docs.length; i++) {
        Document doc = new Document();
        doc.add(new NumericDocValuesField("id", i));
        if (i % 300 == 0) {
          doc.add(new StringField("tag", "rare", Field.Store.NO));
        }
        doc.add(new KnnFloatVectorField("v", docs[i], similarity));
        writer.addDocument(doc);
      }
      writer.commit();
    }
  }

  static void forceMerge(Directory dir, KnnVectorsFormat format) throws IOException {
    try (IndexWriter writer =
        new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec(format)))) {
      writer.forceMerge(1);
    }
  }
}
