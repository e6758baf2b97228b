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

import io.github.luceneannoy.forest.FastRotation;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.RamUsageTester;
import org.apache.lucene.util.RamUsageEstimator;

/**
 * A searchable segment keeps on the heap only a header per field (metadata, a root per tree, the
 * centre and the rotation): the heap the forest reader reports does not grow with the number of
 * vectors, and agrees with the objects it holds, as {@link RamUsageTester} measures them; a search
 * reads nodes and leaves from the file.
 */
public class TestReaderHeap extends LuceneTestCase {

  /** The same fields over 500 and 5,000 vectors: the same heap. */
  public void testForestHeapDoesNotGrowWithTheSegment() throws IOException {
    int dim = 16 + random().nextInt(100);
    try (Index small = Index.build(500, dim, List.of(VectorSimilarityFunction.EUCLIDEAN));
        Index large = Index.build(5000, dim, List.of(VectorSimilarityFunction.EUCLIDEAN))) {
      assertEquals(small.reader().forestRamBytesUsed(), large.reader().forestRamBytesUsed());
      // and neither do the objects the reader holds
      assertEquals(measured(small.reader()), measured(large.reader()), 64);
    }
  }

  /**
   * What is reported is what the reader holds (not counting the flat reader and the pooled
   * searchers).
   */
  public void testReportedHeapMatchesTheReaderObjects() throws IOException {
    for (int dim : new int[] {8, 100, 300}) {
      List<VectorSimilarityFunction> similarities =
          List.of(
              VectorSimilarityFunction.EUCLIDEAN, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);
      try (Index index = Index.build(300, dim, similarities)) {
        AnnoyVectorsReader reader = index.reader();
        long reported = reader.forestRamBytesUsed();
        long measured = measured(reader);
        String what = dim + " dimensions: reported " + reported + ", measured " + measured;
        if (VERBOSE) {
          System.out.println(what);
        }
        assertTrue(what, reported >= measured / 2 && reported <= 2 * measured);
        // at least each field's rotation (a float and an int per padded coordinate and round) and
        // centre
        long floor = 0;
        for (VectorSimilarityFunction similarity : similarities) {
          int mapped = FieldEntry.geometryFor(similarity).mappedDimension(dim);
          floor +=
              3L * FastRotation.paddedDimension(mapped) * (Float.BYTES + Integer.BYTES)
                  + (long) mapped * Float.BYTES;
        }
        assertTrue(what + ", floor " + floor, reported >= floor);
      }
    }
  }

  /** A second field adds about one field's header. */
  public void testEachFieldAddsItsHeader() throws IOException {
    int dim = 32;
    try (Index one = Index.build(400, dim, List.of(VectorSimilarityFunction.COSINE));
        Index two =
            Index.build(
                400,
                dim,
                List.of(VectorSimilarityFunction.COSINE, VectorSimilarityFunction.EUCLIDEAN))) {
      long first = one.reader().forestRamBytesUsed();
      long both = two.reader().forestRamBytesUsed();
      long header = first - RamUsageEstimator.shallowSizeOfInstance(AnnoyVectorsReader.class);
      // the same dimension, so the same header size, within a map entry
      assertEquals(first + header, both, 128);
    }
  }

  /** Searching reads the forest from the file: the reported heap stays as it was. */
  public void testSearchesDoNotGrowTheReportedHeap() throws IOException {
    try (Index index = Index.build(2000, 24, List.of(VectorSimilarityFunction.EUCLIDEAN))) {
      long before = index.reader().forestRamBytesUsed();
      for (int q = 0; q < 20; q++) {
        float[] query = TestData.clustered(random(), 1, 24, 1, 0.3f)[0];
        assertEquals(
            10,
            index
                .leaf()
                .searchNearestVectors(
                    "v0",
                    query,
                    10,
                    AcceptDocs.fromLiveDocs(null, index.leaf().maxDoc()),
                    Integer.MAX_VALUE)
                .scoreDocs
                .length);
      }
      assertEquals(before, index.reader().forestRamBytesUsed());
    }
  }

  /**
   * The reader's total adds the flat reader's heap, on a dense field (every document has a vector)
   * and on a sparse one. (Lucene 9.12's flat reader threw a NullPointerException from its own
   * ramBytesUsed on a dense field, so the 9.12 test could only use a sparse one; Lucene 10's does
   * not.)
   */
  public void testTotalAddsTheFlatReader() throws IOException {
    for (boolean dense : new boolean[] {true, false}) {
      try (Directory dir = newDirectory()) {
        try (IndexWriter writer =
            new IndexWriter(dir, new IndexWriterConfig().setCodec(new AnnoyCodec()))) {
          for (float[] v : TestData.clustered(random(), 300, 16, 4, 0.3f)) {
            Document doc = new Document();
            if (dense || random().nextInt(4) != 0) {
              doc.add(new KnnFloatVectorField("v0", v, VectorSimilarityFunction.EUCLIDEAN));
            }
            writer.addDocument(doc);
          }
          writer.forceMerge(1);
        }
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
          AnnoyVectorsReader annoy = annoyReader(reader.leaves().get(0).reader());
          long forest = annoy.forestRamBytesUsed();
          assertTrue(dense ? "dense" : "sparse", annoy.ramBytesUsed() > forest);
        }
      }
    }
  }

  /**
   * The heap {@link RamUsageTester} finds from the reader, without what is not the forest's: the
   * flat reader, the field infos (the segment's), the file inputs (slices of the directory's files)
   * and the searchers pooled between queries (per-query scratch).
   */
  private static long measured(AnnoyVectorsReader reader) {
    return RamUsageTester.ramUsed(
        reader,
        new RamUsageTester.Accumulator() {
          @Override
          public long accumulateObject(
              Object o,
              long shallowSize,
              Map<Field, Object> fieldValues,
              Collection<Object> queue) {
            for (Object value : fieldValues.values()) {
              if (value instanceof FlatVectorsReader
                  || value instanceof FieldInfos
                  || value instanceof IndexInput
                  || value instanceof ConcurrentLinkedQueue) {
                continue;
              }
              queue.add(value);
            }
            return shallowSize;
          }
        });
  }

  private static AnnoyVectorsReader annoyReader(LeafReader leaf) {
    KnnVectorsReader perField = ((CodecReader) leaf).getVectorReader();
    return (AnnoyVectorsReader)
        ((PerFieldKnnVectorsFormat.FieldsReader) perField).getFieldReader("v0");
  }

  /** A one-segment index with a field per similarity, v0, v1, ..., every document with each. */
  private static final class Index implements AutoCloseable {
    final Directory dir;
    final DirectoryReader reader;

    private Index(Directory dir, DirectoryReader reader) {
      this.dir = dir;
      this.reader = reader;
    }

    static Index build(int count, int dim, List<VectorSimilarityFunction> similarities)
        throws IOException {
      Directory dir = newDirectory();
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(2, 64, 8, 0.9f, random().nextLong())))
              .setMaxBufferedDocs(count + 1)
              .setRAMBufferSizeMB(256);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (float[] v : TestData.clustered(random(), count, dim, 10, 0.3f)) {
          Document doc = new Document();
          for (int f = 0; f < similarities.size(); f++) {
            float[] shaped = TestData.shapeFor(similarities.get(f), new float[][] {v.clone()})[0];
            doc.add(new KnnFloatVectorField("v" + f, shaped, similarities.get(f)));
          }
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      return new Index(dir, DirectoryReader.open(dir));
    }

    LeafReader leaf() {
      assertEquals(1, reader.leaves().size());
      return reader.leaves().get(0).reader();
    }

    AnnoyVectorsReader reader() {
      return annoyReader(leaf());
    }

    @Override
    public void close() throws IOException {
      reader.close();
      dir.close();
    }
  }
}
