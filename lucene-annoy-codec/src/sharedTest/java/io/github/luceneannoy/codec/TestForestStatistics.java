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

import io.github.luceneannoy.codec.CorruptionHarness.MetaRecord;
import io.github.luceneannoy.forest.FastRotation;
import io.github.luceneannoy.forest.LeafTraversal;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * {@link ForestStatistics} of a forest built here agree with what the forest must be and with the
 * files: the parameters it was built with, every vector once per tree, leaves within their bound,
 * depths a tree of that branching needs, and byte counts that are the sections of {@code .afi}.
 */
public class TestForestStatistics extends LuceneTestCase {
  private static final int DIM = 6;
  private static final String SUFFIX = AnnoyVectorsFormat.NAME + "_0";

  public void testStatisticsDescribeTheForest() throws IOException {
    int numVectors = 1000 + random().nextInt(1000);
    int trees = 1 + random().nextInt(4);
    int leaf = 10 + random().nextInt(30);
    int branching = 2 + random().nextInt(7);
    float targetRecall = 0.8f + 0.1f * random().nextInt(2);
    long seed = random().nextLong();
    AnnoyVectorsFormat format = new AnnoyVectorsFormat(trees, leaf, branching, targetRecall, seed);
    AnnoyCodec codec =
        new AnnoyCodec(f -> f.equals("hnsw") ? new Lucene99HnswVectorsFormat() : format);
    float[][] vectors = TestData.clustered(random(), numVectors, DIM, 4, 0.5f);
    List<String> fields = List.of("cosine", "mip");
    List<VectorSimilarityFunction> similarities =
        List.of(VectorSimilarityFunction.COSINE, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);
    try (Directory dir = newDirectory()) {
      IndexWriterConfig config = new IndexWriterConfig().setCodec(codec).setUseCompoundFile(false);
      config.getMergePolicy().setNoCFSRatio(0);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (float[] vector : vectors) {
          Document doc = new Document();
          for (int f = 0; f < fields.size(); f++) {
            doc.add(new KnnFloatVectorField(fields.get(f), vector, similarities.get(f)));
          }
          doc.add(new KnnFloatVectorField("hnsw", vector, VectorSimilarityFunction.COSINE));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leafReader = reader.leaves().get(0).reader();
        String segment = ((SegmentReader) leafReader).getSegmentName();
        byte[] meta = CorruptionHarness.read(dir, segment + "_" + SUFFIX + ".afm");
        List<MetaRecord> records =
            MetaRecord.parseAll(
                meta, CodecUtil.indexHeaderLength(AnnoyVectorsFormat.META_CODEC_NAME, SUFFIX));
        long afiLength = dir.fileLength(segment + "_" + SUFFIX + ".afi");
        long sections = 0;
        for (int f = 0; f < fields.size(); f++) {
          String field = fields.get(f);
          ForestStatistics stats = ForestStatistics.read(leafReader, field).orElseThrow();
          String what = field + ": " + stats;
          assertEquals(field, stats.field());
          assertEquals(VectorEncoding.FLOAT32, stats.encoding());
          assertEquals(similarities.get(f), stats.similarity());
          assertEquals(DIM, stats.dimension());
          assertEquals(numVectors, stats.vectors());
          // the parameters it was built with
          assertEquals(trees, stats.numTrees());
          assertEquals(branching, stats.branching());
          assertEquals(leaf, stats.maxLeafSize());
          assertEquals(targetRecall, stats.targetRecall(), 0f);
          assertEquals(seed, stats.seed());
          assertTrue(what, List.of("bound", "centroid").contains(stats.order()));
          assertTrue(what, 1 <= stats.budget10() && stats.budget10() <= stats.budget100());
          // every vector sits in exactly one leaf of every tree, leaves within their bound
          assertEquals(
              what, (long) numVectors * trees, Math.round(stats.meanLeafSize() * stats.leaves()));
          assertTrue(what, 1 <= stats.minLeafSize() && stats.minLeafSize() <= stats.meanLeafSize());
          assertTrue(
              what,
              stats.meanLeafSize() <= stats.largestLeafSize() && stats.largestLeafSize() <= leaf);
          assertTrue(what, stats.leaves() >= (long) trees * ((numVectors + leaf - 1) / leaf));
          // each inner node has 1 to B children, which are all nodes but the roots
          long children = stats.leaves() + stats.innerNodes() - trees;
          assertTrue(what, stats.innerNodes() >= trees && children >= stats.innerNodes());
          assertTrue(what, children <= (long) stats.innerNodes() * branching);
          // a tree of leaves of at most L vectors, at most B children a node, has ceil(log_B(N/L))
          // levels of inner nodes somewhere
          int levels =
              (int) Math.ceil(Math.log((double) numVectors / leaf) / Math.log(branching) - 1e-9);
          assertTrue(what + " levels " + levels, stats.maxDepth() >= levels);
          assertTrue(
              what,
              1 <= stats.minDepth()
                  && stats.minDepth() <= stats.meanDepth()
                  && stats.meanDepth() <= stats.maxDepth());
          // what the metadata records
          MetaRecord record =
              records.stream()
                  .filter(r -> r.number == leafReader.getFieldInfos().fieldInfo(field).number)
                  .findFirst()
                  .orElseThrow();
          assertEquals(record.nodeCount, stats.innerNodes());
          assertEquals(record.leafCount, stats.leaves());
          assertEquals(record.budget10, stats.budget10());
          assertEquals(record.budget100, stats.budget100());
          assertEquals(
              LeafTraversal.Order.fromId(record.order).name().toLowerCase(Locale.ROOT),
              stats.order());
          assertEquals(record.nodesLength, stats.nodeBytes());
          assertEquals(record.leavesLength, stats.leafBytes());
          assertEquals(stats.nodeBytes() + stats.leafBytes(), stats.forestBytes());
          // the leaf section as documented: a centroid per leaf, an ordinal and a code per entry
          // (of one long, so without a count of ones)
          int mapped = FieldEntry.geometryFor(similarities.get(f)).mappedDimension(DIM);
          int words = FastRotation.paddedDimension(mapped) / Long.SIZE;
          assertEquals(
              what,
              stats.leaves() * mapped * Float.BYTES
                  + (long) trees * numVectors * (Integer.BYTES + 12 + 8 * words),
              stats.leafBytes());
          sections += (long) mapped * Float.BYTES + stats.nodeBytes() + stats.leafBytes();
        }
        // the sections fill .afi between its header and its footer, but for the centres' alignment
        long content =
            afiLength
                - CodecUtil.indexHeaderLength(AnnoyVectorsFormat.INDEX_CODEC_NAME, SUFFIX)
                - CodecUtil.footerLength();
        assertTrue(
            content + " vs " + sections,
            content >= sections && content < sections + Float.BYTES * fields.size());
        assertEquals(Optional.empty(), ForestStatistics.read(leafReader, "hnsw"));
        assertEquals(Optional.empty(), ForestStatistics.read(leafReader, "missing"));
      }
    }
  }

  /**
   * A field whose documents were all deleted before a merge has no vectors in the merged segment:
   * its statistics say so, with no trees and no bytes.
   */
  public void testFieldWithoutVectors() throws IOException {
    try (Directory dir = newDirectory()) {
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(2, 16, 4, 0.9f, 7)));
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        float[][] vectors = TestData.clustered(random(), 300, DIM, 3, 0.5f);
        for (int i = 0; i < vectors.length; i++) {
          Document doc = new Document();
          doc.add(new KnnFloatVectorField("v", vectors[i], VectorSimilarityFunction.EUCLIDEAN));
          if (i % 3 == 0) {
            doc.add(new StringField("kind", "gone", Field.Store.NO));
            doc.add(
                new KnnFloatVectorField("gone", vectors[i], VectorSimilarityFunction.EUCLIDEAN));
          }
          writer.addDocument(doc);
        }
        writer.commit();
        writer.deleteDocuments(new Term("kind", "gone"));
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leafReader = reader.leaves().get(0).reader();
        ForestStatistics gone = ForestStatistics.read(leafReader, "gone").orElseThrow();
        assertEquals(0, gone.vectors());
        assertEquals(0, gone.numTrees());
        assertEquals(0, gone.innerNodes());
        assertEquals(0, gone.leaves());
        assertEquals(0, gone.largestLeafSize());
        assertEquals(0, gone.maxDepth());
        assertEquals(0, gone.forestBytes());
        ForestStatistics kept = ForestStatistics.read(leafReader, "v").orElseThrow();
        assertEquals(200, kept.vectors());
        assertEquals(2, kept.numTrees());
        assertEquals(400, Math.round(kept.meanLeafSize() * kept.leaves()));
      }
    }
  }
}
