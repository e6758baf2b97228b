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

import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Segments of earlier format versions are still read: {@code index.v4.zip} is an index of 150
 * documents written by format version 4 (2026-12-08, before codes of up to four longs stopped
 * storing their counts of ones): field {@code small} (16 dimensions, Euclidean: one-long codes,
 * whose counts version 5 no longer stores) and field {@code wide} (260 dimensions, cosine: five
 * longs, stored in either version), each document's stored {@code id} its number in the order
 * written. Vectors are Gaussian coordinates rounded to eighths, from {@code new Random(20261208L)},
 * drawn document by document: 16 for {@code small}, then 260 for {@code wide}.
 */
public class TestOlderVersions extends LuceneTestCase {

  private static final String[] FIELDS = {"small", "wide"};

  public void testVersion4IsSearchedAsWritten() throws Exception {
    Path path = unzip("index.v4.zip");
    try (Directory dir = FSDirectory.open(path);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      assertEquals(1, reader.leaves().size());
      LeafReader leaf = reader.leaves().get(0).reader();
      for (String field : FIELDS) {
        assertEquals(field, 4, version(dir, (SegmentReader) leaf, field));
      }
      checkSearches(reader);
      // the same vectors rewritten by the current version pass the same checks
      Path rewritten = createTempDir();
      try (Directory copy = FSDirectory.open(rewritten)) {
        try (IndexWriter writer =
            new IndexWriter(copy, new IndexWriterConfig().setCodec(new AnnoyCodec()))) {
          // through a reader, so that the segment is written anew (a directory's would be copied)
          writer.addIndexes((CodecReader) leaf);
        }
        try (DirectoryReader again = DirectoryReader.open(copy)) {
          for (String field : FIELDS) {
            assertEquals(
                field,
                AnnoyVectorsFormat.VERSION_CURRENT,
                version(copy, (SegmentReader) again.leaves().get(0).reader(), field));
          }
          checkSearches(again);
        }
      }
    }
    try (Directory dir = FSDirectory.open(path)) {
      TestUtil.checkIndex(dir);
    }
  }

  /**
   * Version 3 (the files of version 4, with budgets calibrated for searches that spend them whole)
   * is still read: the fixture relabelled as version 3 answers as version 4 does (its two leaves
   * per field are too few for a search to stop early).
   */
  public void testVersion3IsSearchedAsWritten() throws Exception {
    Path path = unzip("index.v4.zip");
    Path relabelled = unzip("index.v4.zip");
    try (Directory dir = FSDirectory.open(relabelled)) {
      // the fixture's files by name: the test framework may add files of its own to the directory
      for (String extension :
          List.of(AnnoyVectorsFormat.META_EXTENSION, AnnoyVectorsFormat.INDEX_EXTENSION)) {
        String file = "_0_" + AnnoyVectorsFormat.NAME + "_0." + extension;
        byte[] body = CorruptionHarness.withoutFooter(CorruptionHarness.read(dir, file));
        // big-endian, as headers are
        ByteBuffer.wrap(body).putInt(CorruptionHarness.versionOffset(extension), 3);
        Files.write(relabelled.resolve(file), CorruptionHarness.withValidFooter(body));
      }
    }
    try (Directory v4 = FSDirectory.open(path);
        Directory v3 = FSDirectory.open(relabelled);
        DirectoryReader v4Reader = DirectoryReader.open(v4);
        DirectoryReader v3Reader = DirectoryReader.open(v3)) {
      for (String field : FIELDS) {
        assertEquals(
            field, 3, version(v3, (SegmentReader) v3Reader.leaves().get(0).reader(), field));
      }
      checkSearches(v3Reader);
      IndexSearcher before = newSearcher(v4Reader, false);
      IndexSearcher after = newSearcher(v3Reader, false);
      Random random = random();
      for (String field : FIELDS) {
        int dimension =
            v4Reader.leaves().get(0).reader().getFieldInfos().fieldInfo(field).getVectorDimension();
        for (int q = 0; q < 10; q++) {
          float[] query = new float[dimension];
          for (int d = 0; d < dimension; d++) {
            query[d] = (float) random.nextGaussian();
          }
          Query plain = new KnnFloatVectorQuery(field, query, 10);
          ScoreDoc[] expected = before.search(plain, 10).scoreDocs;
          ScoreDoc[] actual = after.search(plain, 10).scoreDocs;
          assertEquals(field, expected.length, actual.length);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(field, expected[i].doc, actual[i].doc);
          }
        }
      }
    }
  }

  /**
   * A search for every vector scores them all and finds the exact 10 nearest, on both fields (a
   * misread count of ones would skew the codes' bounds and lose some); the default finds most.
   */
  private void checkSearches(DirectoryReader reader) throws Exception {
    IndexSearcher searcher = newSearcher(reader, false);
    StoredFields stored = reader.storedFields();
    Random random = new Random(random().nextLong());
    for (String field : FIELDS) {
      LeafReader leaf = reader.leaves().get(0).reader();
      FieldInfo info = leaf.getFieldInfos().fieldInfo(field);
      float[][] vectors = vectors(leaf, field);
      int found = 0;
      int queries = 20;
      for (int q = 0; q < queries; q++) {
        float[] query = new float[info.getVectorDimension()];
        for (int d = 0; d < query.length; d++) {
          query[d] = (float) random.nextGaussian();
        }
        Set<Integer> exact = exactNearest(vectors, query, info.getVectorSimilarityFunction());
        Query everything = new AnnoyKnnFloatVectorQuery(field, query, 10, null, 1_000);
        assertEquals(field, exact, ids(searcher.search(everything, 10).scoreDocs, stored));
        Set<Integer> plain =
            ids(searcher.search(new KnnFloatVectorQuery(field, query, 10), 10).scoreDocs, stored);
        plain.retainAll(exact);
        found += plain.size();
      }
      assertTrue(field + ": " + found, found >= 0.8 * 10 * queries);
    }
  }

  private static float[][] vectors(LeafReader leaf, String field) throws Exception {
    FloatVectorValues values = leaf.getFloatVectorValues(field);
    StoredFields stored = leaf.storedFields();
    float[][] byId = new float[leaf.maxDoc()][];
    for (int doc = values.nextDoc();
        doc != FloatVectorValues.NO_MORE_DOCS;
        doc = values.nextDoc()) {
      int id = stored.document(doc).getField("id").numericValue().intValue();
      byId[id] = values.vectorValue().clone();
    }
    return byId;
  }

  private static Set<Integer> exactNearest(
      float[][] vectors, float[] query, VectorSimilarityFunction similarity) {
    Integer[] ids = new Integer[vectors.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    Arrays.sort(
        ids,
        (a, b) ->
            Float.compare(
                similarity.compare(query, vectors[b]), similarity.compare(query, vectors[a])));
    return new HashSet<>(Arrays.asList(ids).subList(0, 10));
  }

  private static Set<Integer> ids(ScoreDoc[] hits, StoredFields stored) throws Exception {
    Set<Integer> ids = new HashSet<>();
    for (ScoreDoc hit : hits) {
      ids.add(stored.document(hit.doc).getField("id").numericValue().intValue());
    }
    return ids;
  }

  /** The format version in the header of the {@code .afi} file holding {@code field}. */
  private static int version(Directory dir, SegmentReader reader, String field) throws Exception {
    FieldInfo info = reader.getFieldInfos().fieldInfo(field);
    String suffix =
        info.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY)
            + "_"
            + info.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_SUFFIX_KEY);
    String name = reader.getSegmentName() + "_" + suffix + "." + AnnoyVectorsFormat.INDEX_EXTENSION;
    try (IndexInput in = dir.openInput(name, IOContext.READONCE)) {
      return CodecUtil.checkIndexHeader(
          in,
          AnnoyVectorsFormat.INDEX_CODEC_NAME,
          AnnoyVectorsFormat.VERSION_START,
          AnnoyVectorsFormat.VERSION_CURRENT,
          reader.getSegmentInfo().info.getId(),
          suffix);
    }
  }

  private Path unzip(String resource) throws Exception {
    Path dir = createTempDir();
    try (InputStream in = TestOlderVersions.class.getResourceAsStream(resource);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        Files.copy(zip, dir.resolve(entry.getName()));
      }
    }
    return dir;
  }
}
