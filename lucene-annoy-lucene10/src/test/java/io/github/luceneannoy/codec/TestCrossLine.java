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

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * The same format on both Lucene lines: an index written by the Lucene 9.12 codec is searched,
 * appended to and merged by this one, and the Annoy files of a segment written here are searched by
 * the Lucene 9.12 codec. Both lines run in this JVM: Lucene 9.12, the 9.12 codec (as this
 * checkout's Java 17 build compiled it) and the forest in a class loader of their own, driven
 * through {@code CrossLineFixture} of the 9.12 codec's tests with JDK types only.
 *
 * <p>Both lines must give the same hits: the files and the search are the same; what may differ is
 * the last bits of an exact score (each line's own vector kernels), which can swap two hits of
 * nearly equal score at the cut, so a query may differ by one hit and most must match exactly.
 */
public class TestCrossLine extends LuceneTestCase {
  private static final String FIXTURE = "io.github.luceneannoy.codec.CrossLineFixture";
  private static final String ID = "id";
  private static final String FLOATS = "floats";
  private static final String BYTES = "bytes";
  private static final int K = 10;

  private static URLClassLoader lucene9;

  /** Lucene 9.12's core, the 9.12 codec's classes and test classes, and the forest. */
  private static URLClassLoader lucene9() throws Exception {
    if (lucene9 == null) {
      List<URL> urls = new ArrayList<>();
      try (var jars = Files.list(Path.of(property("annoy.lucene9.jars")))) {
        for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
          urls.add(jar.toUri().toURL());
        }
      }
      for (String dir : property("annoy.lucene9.classes").split(File.pathSeparator)) {
        Path classes = Path.of(dir);
        assertTrue(
            classes
                + " is missing: the cross-line test reads the Lucene 9.12 codec as this checkout's"
                + " Java 17 build compiled it, so run that build first (see README)",
            Files.isDirectory(classes));
        urls.add(classes.toUri().toURL());
      }
      assertEquals("Lucene 9.12's core and three class directories: " + urls, 4, urls.size());
      // the platform loader as parent: nothing of Lucene 10 or of this module is visible
      lucene9 = new URLClassLoader("lucene-9.12", urls.toArray(URL[]::new), platformClassLoader());
    }
    return lucene9;
  }

  private static ClassLoader platformClassLoader() {
    return ClassLoader.getPlatformClassLoader();
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertNotNull("system property " + name + " (set by the module's pom)", value);
    return value;
  }

  @org.junit.AfterClass
  public static void closeLoader() throws Exception {
    if (lucene9 != null) {
      lucene9.close();
      lucene9 = null;
    }
  }

  /** Calls a static method of the 9.12 fixture with this thread's context loader set to its own. */
  private static Object onLucene9(String method, Class<?>[] types, Object... args)
      throws Exception {
    ClassLoader loader = lucene9();
    Class<?> fixture = Class.forName(FIXTURE, true, loader);
    assertEquals(loader, fixture.getClassLoader());
    Method m = fixture.getMethod(method, types);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  public void testTheOtherLineIsLucene9() throws Exception {
    Class<?> version = Class.forName("org.apache.lucene.util.Version", true, lucene9());
    Object latest = version.getField("LATEST").get(null);
    assertEquals(9, version.getField("major").get(latest));
    assertEquals(10, org.apache.lucene.util.Version.LATEST.major);
  }

  public void testIndexOfLucene9IsSearchedAppendedAndMerged() throws Exception {
    Data data = new Data(random());
    Path path = createTempDir("written-by-9");
    onLucene9(
        "write",
        new Class<?>[] {String.class, float[][].class, byte[][].class, int.class, boolean.class},
        path.toString(),
        data.floats,
        data.bytes,
        1 + data.size() / 3,
        true);
    int[][] floats9 =
        (int[][])
            onLucene9(
                "searchFloats",
                new Class<?>[] {String.class, float[][].class, int.class},
                path.toString(),
                data.floatQueries,
                K);
    int[][] bytes9 =
        (int[][])
            onLucene9(
                "searchBytes",
                new Class<?>[] {String.class, byte[][].class, int.class},
                path.toString(),
                data.byteQueries,
                K);

    try (Directory dir = FSDirectory.open(path)) {
      assertEquals(9, SegmentInfos.readLatestCommit(dir).getIndexCreatedVersionMajor());
      assertSameHits(floats9, search(dir, data.floatQueries(), K));
      assertSameHits(bytes9, search(dir, data.byteQueries(), K));

      // append here, search across the two lines' segments, merge them into one of this line's
      Data more = new Data(random(), data.size(), data.dimension);
      IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec());
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < more.size(); i++) {
          writer.addDocument(document(data.size() + i, more.floats[i], more.bytes[i]));
        }
        writer.commit();
        Data all = data.concat(more);
        assertRecall(all, search(dir, all.floatQueries(), K), all.exactFloats(K));
        writer.forceMerge(1);
        writer.commit();
        SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
        assertEquals(1, infos.size());
        assertEquals(10, infos.info(0).info.getVersion().major);
        assertRecall(all, search(dir, all.floatQueries(), K), all.exactFloats(K));
        assertRecall(all, search(dir, all.byteQueries(), K), all.exactBytes(K));
      }
      TestUtil.checkIndex(dir);
    }
  }

  public void testSegmentOfLucene10IsSearchedByLucene9() throws Exception {
    Data data = new Data(random());
    Path path = createTempDir("written-by-10");
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new AnnoyCodec())
            .setUseCompoundFile(false)
            .setMaxBufferedDocs(1 + data.size() / 3)
            .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    // Lucene 9.12 reads the Annoy and flat files, not a compound file of Lucene 10's
    config.getMergePolicy().setNoCFSRatio(0);
    try (Directory dir = FSDirectory.open(path)) {
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < data.size(); i++) {
          writer.addDocument(document(i, data.floats[i], data.bytes[i]));
        }
        writer.forceMerge(1);
      }
      int[][] here = search(dir, data.floatQueries(), K);
      assertRecall(data, here, data.exactFloats(K));

      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      assertEquals(1, infos.size());
      SegmentCommitInfo segment = infos.info(0);
      FieldInfos fields =
          segment.info.getCodec().fieldInfosFormat().read(dir, segment.info, "", IOContext.DEFAULT);
      FieldInfo floats = fields.fieldInfo(FLOATS);
      String suffix =
          floats.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY)
              + "_"
              + floats.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_SUFFIX_KEY);
      int[][] there =
          (int[][])
              onLucene9(
                  "searchSegmentFloats",
                  new Class<?>[] {
                    String.class,
                    String.class,
                    byte[].class,
                    int.class,
                    String.class,
                    int.class,
                    int.class,
                    int.class,
                    float[][].class,
                    int.class
                  },
                  path.toString(),
                  segment.info.name,
                  segment.info.getId(),
                  segment.info.maxDoc(),
                  suffix,
                  floats.number,
                  fields.fieldInfo(BYTES).number,
                  data.dimension,
                  data.floatQueries,
                  K);
      // Lucene 9.12 answers with document numbers: the merge may have put the flushed segments in
      // any order (TieredMergePolicy sorts them by size), so they are mapped to ids here
      assertSameHits(here, storedIds(dir, there));
    }
  }

  /** The stored ids of documents {@code docs} of the only segment of the index in {@code dir}. */
  private static int[][] storedIds(Directory dir, int[][] docs) throws Exception {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      StoredFields stored = reader.storedFields();
      int[][] ids = new int[docs.length][];
      for (int q = 0; q < docs.length; q++) {
        ids[q] = new int[docs[q].length];
        for (int i = 0; i < docs[q].length; i++) {
          ids[q][i] = storedId(stored, docs[q][i]);
        }
      }
      return ids;
    }
  }

  private static int storedId(StoredFields stored, int doc) throws Exception {
    return stored.document(doc).getField(ID).numericValue().intValue();
  }

  private static Document document(int id, float[] floats, byte[] bytes) {
    Document doc = new Document();
    doc.add(new StoredField(ID, id));
    doc.add(new KnnFloatVectorField(FLOATS, floats, VectorSimilarityFunction.COSINE));
    doc.add(new KnnByteVectorField(BYTES, bytes, VectorSimilarityFunction.EUCLIDEAN));
    return doc;
  }

  /** The stored ids of the top {@code k} hits of each query. */
  private static int[][] search(Directory dir, Query[] queries, int k) throws Exception {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = newSearcher(reader);
      StoredFields stored = reader.storedFields();
      int[][] ids = new int[queries.length][];
      for (int q = 0; q < queries.length; q++) {
        ScoreDoc[] hits = searcher.search(queries[q], k).scoreDocs;
        ids[q] = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
          ids[q][i] = storedId(stored, hits[i].doc);
        }
      }
      return ids;
    }
  }

  /**
   * The two lines' hits agree: every query has its {@code K} hits and differs by one at most, and
   * nine in ten queries agree hit for hit.
   */
  private static void assertSameHits(int[][] expected, int[][] actual) {
    assertEquals(expected.length, actual.length);
    int identical = 0;
    for (int q = 0; q < expected.length; q++) {
      assertEquals("query " + q, K, expected[q].length);
      assertEquals("query " + q, K, actual[q].length);
      int[] a = expected[q].clone();
      int[] b = actual[q].clone();
      Arrays.sort(a);
      Arrays.sort(b);
      int common = 0;
      for (int x : a) {
        common += Arrays.binarySearch(b, x) >= 0 ? 1 : 0;
      }
      assertTrue(
          "query " + q + ": " + Arrays.toString(expected[q]) + " vs " + Arrays.toString(actual[q]),
          common >= K - 1);
      identical += Arrays.equals(expected[q], actual[q]) ? 1 : 0;
    }
    assertTrue(
        identical + " of " + expected.length + " identical", identical * 10 >= expected.length * 9);
  }

  /** Mean recall@K against exact search of at least 0.9 (the format's target is 0.95). */
  private static void assertRecall(Data data, int[][] found, int[][] exact) {
    double recall = 0;
    for (int q = 0; q < found.length; q++) {
      int[] truth = exact[q].clone();
      Arrays.sort(truth);
      int hit = 0;
      for (int id : found[q]) {
        hit += Arrays.binarySearch(truth, id) >= 0 ? 1 : 0;
      }
      recall += hit / (double) K;
    }
    recall /= found.length;
    assertTrue("recall " + recall + " over " + data.size() + " vectors", recall >= 0.9);
  }

  /** Random float and byte vectors of one dimension, and queries for each field. */
  private static final class Data {
    final int dimension;
    final float[][] floats;
    final byte[][] bytes;
    final float[][] floatQueries;
    final byte[][] byteQueries;

    Data(Random random) {
      this(random, 800 + random.nextInt(700), 8 + random.nextInt(40));
    }

    Data(Random random, int size, int dimension) {
      this(dimension, new float[size][dimension], new byte[size][dimension], 40, random);
    }

    private Data(int dimension, float[][] floats, byte[][] bytes, int queries, Random random) {
      this.dimension = dimension;
      this.floats = floats;
      this.bytes = bytes;
      this.floatQueries = new float[queries][dimension];
      this.byteQueries = new byte[queries][dimension];
      for (float[][] set : new float[][][] {floats, floatQueries}) {
        for (float[] v : set) {
          for (int d = 0; d < dimension; d++) {
            v[d] = (float) random.nextGaussian();
          }
        }
      }
      for (byte[][] set : new byte[][][] {bytes, byteQueries}) {
        for (byte[] v : set) {
          for (int d = 0; d < dimension; d++) {
            v[d] = (byte) (random.nextInt(256) - 128);
          }
        }
      }
    }

    private Data(Data a, Data b) {
      dimension = a.dimension;
      floats = concat(a.floats, b.floats);
      bytes = concat(a.bytes, b.bytes);
      floatQueries = a.floatQueries;
      byteQueries = a.byteQueries;
    }

    private static <T> T[] concat(T[] a, T[] b) {
      T[] all = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }

    Data concat(Data more) {
      return new Data(this, more);
    }

    int size() {
      return floats.length;
    }

    Query[] floatQueries() {
      Query[] queries = new Query[floatQueries.length];
      for (int q = 0; q < queries.length; q++) {
        queries[q] = new KnnFloatVectorQuery(FLOATS, floatQueries[q], K);
      }
      return queries;
    }

    Query[] byteQueries() {
      Query[] queries = new Query[byteQueries.length];
      for (int q = 0; q < queries.length; q++) {
        queries[q] = new KnnByteVectorQuery(BYTES, byteQueries[q], K);
      }
      return queries;
    }

    /** The ids of the exact {@code k} nearest by cosine, per float query. */
    int[][] exactFloats(int k) {
      int[][] exact = new int[floatQueries.length][];
      for (int q = 0; q < exact.length; q++) {
        float[] scores = new float[size()];
        for (int i = 0; i < size(); i++) {
          scores[i] = VectorSimilarityFunction.COSINE.compare(floatQueries[q], floats[i]);
        }
        exact[q] = top(scores, k);
      }
      return exact;
    }

    /** The ids of the exact {@code k} nearest by Euclidean distance, per byte query. */
    int[][] exactBytes(int k) {
      int[][] exact = new int[byteQueries.length][];
      for (int q = 0; q < exact.length; q++) {
        float[] scores = new float[size()];
        for (int i = 0; i < size(); i++) {
          scores[i] = VectorSimilarityFunction.EUCLIDEAN.compare(byteQueries[q], bytes[i]);
        }
        exact[q] = top(scores, k);
      }
      return exact;
    }

    private static int[] top(float[] scores, int k) {
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> Float.compare(scores[y], scores[x]));
      int[] top = new int[k];
      for (int i = 0; i < k; i++) {
        top[i] = order[i];
      }
      return top;
    }
  }
}
