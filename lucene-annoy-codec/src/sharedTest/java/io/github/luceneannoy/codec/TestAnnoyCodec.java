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
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/** The codec: SPI registration, per-field formats, and reopening without naming the codec. */
public class TestAnnoyCodec extends LuceneTestCase {

  public void testCodecIsRegisteredAndDelegatesToTheDefault() {
    Codec codec = Codec.forName(AnnoyCodec.NAME);
    assertTrue(codec instanceof AnnoyCodec);
    assertEquals(
        Codec.forName(LuceneLine.DEFAULT_CODEC).postingsFormat().getName(),
        codec.postingsFormat().getName());
    assertTrue(
        ((AnnoyCodec) codec).getKnnVectorsFormatForField("any") instanceof AnnoyVectorsFormat);
  }

  public void testPerFieldFormatsReopenWithPlainDirectoryReader() throws IOException {
    long seed = random().nextLong();
    AnnoyVectorsFormat tuned = new AnnoyVectorsFormat(5, 12, 3, 0.9f, seed);
    AnnoyCodec codec =
        new AnnoyCodec(field -> field.equals("hnsw") ? new Lucene99HnswVectorsFormat() : tuned);
    float[][] vectors = TestData.clustered(random(), 500, 8, 5, 0.5f);
    try (Directory dir = newDirectory()) {
      try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig().setCodec(codec))) {
        for (int i = 0; i < vectors.length; i++) {
          Document doc = new Document();
          doc.add(new NumericDocValuesField("id", i));
          doc.add(new KnnFloatVectorField("annoy", vectors[i], VectorSimilarityFunction.EUCLIDEAN));
          doc.add(new KnnFloatVectorField("hnsw", vectors[i], VectorSimilarityFunction.EUCLIDEAN));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      // the codec is resolved by name from the segment, the formats by name from the fields
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leaf = reader.leaves().get(0).reader();
        KnnVectorsReader vectorsReader = ((CodecReader) leaf).getVectorReader();
        assertTrue(vectorsReader instanceof PerFieldKnnVectorsFormat.FieldsReader);
        PerFieldKnnVectorsFormat.FieldsReader perField =
            (PerFieldKnnVectorsFormat.FieldsReader) vectorsReader;
        assertTrue(perField.getFieldReader("annoy") instanceof AnnoyVectorsReader);
        assertFalse(perField.getFieldReader("hnsw") instanceof AnnoyVectorsReader);
        FieldInfo annoy = leaf.getFieldInfos().fieldInfo("annoy");
        assertEquals(
            AnnoyVectorsFormat.NAME,
            annoy.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
        assertEquals(
            AnnoyCodec.NAME,
            ((org.apache.lucene.index.SegmentReader) leaf)
                .getSegmentInfo()
                .info
                .getCodec()
                .getName());
        // the field's own parameters reached its forest, though the reader was opened by name
        ForestStatistics stats = ForestStatistics.read(leaf, "annoy").orElseThrow();
        assertEquals(5, stats.numTrees());
        assertEquals(12, stats.maxLeafSize());
        assertEquals(3, stats.branching());
        assertEquals(0.9f, stats.targetRecall(), 0f);
        assertEquals(seed, stats.seed());
        assertEquals(vectors.length, stats.vectors());
        assertTrue(stats.toString(), stats.largestLeafSize() <= 12);
        assertTrue("no forest for the HNSW field", ForestStatistics.read(leaf, "hnsw").isEmpty());

        IndexSearcher searcher = new IndexSearcher(reader);
        int queries = 20;
        double recall = 0;
        int selfFirst = 0;
        for (int q = 0; q < queries; q++) {
          int probe = random().nextInt(vectors.length);
          org.apache.lucene.search.TopDocs annoyHits =
              searcher.search(new KnnFloatVectorQuery("annoy", vectors[probe], 5), 5);
          int[] fromAnnoy = TestData.ids(reader, annoyHits);
          int[] fromHnsw =
              TestData.ids(
                  reader, searcher.search(new KnnFloatVectorQuery("hnsw", vectors[probe], 5), 5));
          assertEquals(5, fromAnnoy.length);
          selfFirst += fromAnnoy[0] == probe ? 1 : 0;
          assertEquals(probe, fromHnsw[0]);
          // scores come from the flat format's exact scorer, whatever the forest visited
          for (int i = 0; i < fromAnnoy.length; i++) {
            float expected =
                VectorSimilarityFunction.EUCLIDEAN.compare(vectors[probe], vectors[fromAnnoy[i]]);
            assertEquals(expected, annoyHits.scoreDocs[i].score, 0f);
          }
          int[] exact =
              TestData.exactTopK(
                  VectorSimilarityFunction.EUCLIDEAN, vectors[probe], vectors, 5, i -> true);
          recall += TestData.recall(exact, fromAnnoy) / queries;
        }
        // calibrated for 0.9 on queries like these
        assertTrue("recall@5 " + recall, recall >= 0.8);
        // a stored vector is its own nearest, but a default calibrated for recall 0.9 in leaves of
        // 12 may read none of its five leaves (with seed B7F8F4689C50883A a probe missed itself,
        // with the spilled second trees and with k-means ones alike)
        assertTrue(
            selfFirst + " of " + queries + " found themselves first", selfFirst >= queries - 2);
      }
      TestUtil.checkIndex(dir);
    }
  }

  public void testNullFormatIsRejectedWithFieldName() throws IOException {
    AnnoyCodec codec = new AnnoyCodec(field -> null);
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class, () -> codec.getKnnVectorsFormatForField("embedding"));
    assertTrue(e.getMessage(), e.getMessage().contains("embedding"));
  }
}
