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
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.util.Version;

/**
 * The Lucene 9.12 half of the cross-line test: {@code TestCrossLine} of the Lucene 10 module loads
 * this class, as compiled here, in a class loader of its own over Lucene 9.12's jars and this
 * module's classes, and calls it reflectively; so its methods take and return JDK types only.
 * {@link TestCrossLineFixture} checks it on this line alone.
 *
 * <p>The index it writes has, per document, a stored {@value #ID}, a FLOAT32 COSINE vector {@value
 * #FLOATS} and a BYTE EUCLIDEAN vector {@value #BYTES}.
 */
public final class CrossLineFixture {
  static final String ID = "id";
  static final String FLOATS = "floats";
  static final String BYTES = "bytes";

  private CrossLineFixture() {}

  /**
   * Writes document {@code i} with {@code floats[i]} and {@code bytes[i]} through {@link
   * AnnoyCodec}, without compound files, flushing every {@code flushEvery} documents; then merges
   * to one segment if {@code merge}.
   */
  public static void write(
      String path, float[][] floats, byte[][] bytes, int flushEvery, boolean merge)
      throws IOException {
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new AnnoyCodec())
            .setUseCompoundFile(false)
            .setMaxBufferedDocs(flushEvery)
            .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    config.getMergePolicy().setNoCFSRatio(0);
    try (Directory dir = FSDirectory.open(Path.of(path));
        IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < floats.length; i++) {
        Document doc = new Document();
        doc.add(new StoredField(ID, i));
        doc.add(new KnnFloatVectorField(FLOATS, floats[i], VectorSimilarityFunction.COSINE));
        doc.add(new KnnByteVectorField(BYTES, bytes[i], VectorSimilarityFunction.EUCLIDEAN));
        writer.addDocument(doc);
      }
      if (merge) {
        writer.forceMerge(1);
      }
      writer.commit();
    }
  }

  /** The stored ids of the top {@code k} hits of a plain {@link KnnFloatVectorQuery} per query. */
  public static int[][] searchFloats(String path, float[][] queries, int k) throws IOException {
    Query[] built = new Query[queries.length];
    for (int q = 0; q < queries.length; q++) {
      built[q] = new KnnFloatVectorQuery(FLOATS, queries[q], k);
    }
    return search(path, built, k);
  }

  /** The stored ids of the top {@code k} hits of a plain {@link KnnByteVectorQuery} per query. */
  public static int[][] searchBytes(String path, byte[][] queries, int k) throws IOException {
    Query[] built = new Query[queries.length];
    for (int q = 0; q < queries.length; q++) {
      built[q] = new KnnByteVectorQuery(BYTES, queries[q], k);
    }
    return search(path, built, k);
  }

  private static int[][] search(String path, Query[] queries, int k) throws IOException {
    try (Directory dir = FSDirectory.open(Path.of(path));
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      StoredFields stored = reader.storedFields();
      int[][] ids = new int[queries.length][];
      for (int q = 0; q < queries.length; q++) {
        ScoreDoc[] hits = searcher.search(queries[q], k).scoreDocs;
        ids[q] = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
          ids[q][i] = stored.document(hits[i].doc).getField(ID).numericValue().intValue();
        }
      }
      return ids;
    }
  }

  /**
   * The top {@code k} documents of each of {@code queries} in field {@value #FLOATS} of one
   * segment, read by this line's {@link AnnoyVectorsFormat} straight from the segment's files:
   * Lucene 9.12 opens no index of a later major version, so the segment is described by the caller,
   * who read it on its own line: its name, id, document count and the per-field format's suffix for
   * the Annoy files, and the numbers of its two vector fields.
   */
  public static int[][] searchSegmentFloats(
      String path,
      String segment,
      byte[] id,
      int maxDoc,
      String suffix,
      int floatsNumber,
      int bytesNumber,
      int dimension,
      float[][] queries,
      int k)
      throws IOException {
    try (Directory dir = FSDirectory.open(Path.of(path))) {
      SegmentInfo info =
          new SegmentInfo(
              dir,
              Version.LATEST,
              Version.LATEST,
              segment,
              maxDoc,
              false,
              false,
              new AnnoyCodec(),
              Collections.emptyMap(),
              id,
              Collections.emptyMap(),
              null);
      FieldInfos fields =
          new FieldInfos(
              new FieldInfo[] {
                vectorField(
                    FLOATS,
                    floatsNumber,
                    dimension,
                    VectorEncoding.FLOAT32,
                    VectorSimilarityFunction.COSINE),
                vectorField(
                    BYTES,
                    bytesNumber,
                    dimension,
                    VectorEncoding.BYTE,
                    VectorSimilarityFunction.EUCLIDEAN)
              });
      SegmentReadState state = new SegmentReadState(dir, info, fields, IOContext.DEFAULT, suffix);
      try (KnnVectorsReader reader = new AnnoyVectorsFormat().fieldsReader(state)) {
        reader.checkIntegrity();
        int[][] docs = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
          TopKnnCollector collector = new TopKnnCollector(k, Integer.MAX_VALUE);
          reader.search(FLOATS, queries[q], collector, null);
          TopDocs top = collector.topDocs();
          docs[q] = new int[top.scoreDocs.length];
          for (int i = 0; i < docs[q].length; i++) {
            docs[q][i] = top.scoreDocs[i].doc;
          }
        }
        return docs;
      }
    }
  }

  private static FieldInfo vectorField(
      String name,
      int number,
      int dimension,
      VectorEncoding encoding,
      VectorSimilarityFunction similarity) {
    return new FieldInfo(
        name,
        number,
        false,
        true,
        false,
        IndexOptions.NONE,
        DocValuesType.NONE,
        -1,
        Map.of(),
        0,
        0,
        0,
        dimension,
        encoding,
        similarity,
        false,
        false);
  }
}
