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

import io.github.luceneannoy.forest.ArrayVectorSource;
import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.MappedVectors;
import io.github.luceneannoy.forest.Tree;
import io.github.luceneannoy.forest.TreeBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.RamUsageTester;

/**
 * Memory of the Annoy format's writer is reported through {@code ramBytesUsed}: the buffered
 * vectors (by the flat writer) and the forest they will need when the segment is flushed, so that
 * IndexWriter's flush-by-RAM bounds segments as it does with HNSW, whose graph is counted likewise.
 */
public class TestAnnoyRamAccounting extends LuceneTestCase {

  private static Document doc(float[] v, VectorSimilarityFunction similarity) {
    Document doc = new Document();
    doc.add(new KnnFloatVectorField("v", v, similarity));
    return doc;
  }

  /**
   * The estimate covers the trees a flush really holds on the heap at once (all of them, built
   * before any is written), as {@link RamUsageTester} measures them, and the sample the root's
   * split copies, for the default parameters, small leaves (many nodes) and wide nodes; and is not
   * so pessimistic that segments come out much smaller than they could.
   */
  public void testEstimateCoversTheTreesBuiltAtFlush() throws IOException {
    Random random = new Random(random().nextLong());
    List<ForestParameters> settings =
        List.of(
            new ForestParameters(
                AnnoyVectorsFormat.DEFAULT_NUM_TREES,
                AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE,
                AnnoyVectorsFormat.DEFAULT_BRANCHING,
                0.95f,
                random.nextLong()),
            new ForestParameters(3, 16, 4, 0.95f, random.nextLong()),
            new ForestParameters(1, 300, 64, 0.95f, random.nextLong()));
    for (ForestParameters parameters : settings) {
      for (int dim : new int[] {8, 64, 200}) {
        int count = 500 + random.nextInt(2500);
        float[][] vectors = TestData.clustered(random, count, dim, 20, 0.3f);
        for (VectorSimilarityFunction similarity : VectorSimilarityFunction.values()) {
          Geometry geometry = FieldEntry.geometryFor(similarity);
          MappedVectors mapped =
              MappedVectors.of(
                  new ArrayVectorSource(TestData.shapeFor(similarity, vectors)), geometry);
          long trees = 0;
          for (int t = 0; t < parameters.numTrees; t++) {
            Tree tree =
                new TreeBuilder(
                        mapped.copy(),
                        parameters.maxLeafSize,
                        parameters.branching,
                        random.nextLong())
                    .build();
            trees += RamUsageTester.ramUsed(tree);
          }
          // the largest scratch of a build, the root's split: a copy of 32 sample vectors per
          // cluster (TreeBuilder), which RamUsageTester cannot see once the split is done
          long clusters =
              Math.min(
                  parameters.branching,
                  Math.max(2, (count + parameters.maxLeafSize - 1) / parameters.maxLeafSize));
          long rootSample =
              count <= parameters.maxLeafSize
                  ? 0
                  : Math.min(count, 32 * clusters) * mapped.dimension() * Float.BYTES;
          long peak = trees + rootSample;
          long estimate = AnnoyVectorsWriter.forestBuildBytes(count, dim, parameters);
          String what =
              parameters
                  + ", "
                  + count
                  + " × "
                  + dim
                  + "-d "
                  + similarity
                  + ": estimate "
                  + estimate
                  + ", trees "
                  + trees
                  + ", root sample "
                  + rootSample;
          if (VERBOSE) {
            System.out.println(what);
          }
          assertTrue(what, estimate >= peak);
          assertTrue(what, estimate <= 4 * peak + count * 64L);
        }
      }
    }
  }

  public void testBufferedVectorsAndForestAreReported() throws IOException {
    int dim = 32;
    float[][] vectors = TestData.clustered(random(), 2000, dim, 20, 0.3f);
    AnnoyVectorsFormat format = new AnnoyVectorsFormat();
    try (Directory dir = new ByteBuffersDirectory();
        IndexWriter writer =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(new AnnoyCodec(format))
                    .setRAMBufferSizeMB(256)
                    .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH))) {
      long before = writer.ramBytesUsed();
      for (float[] v : vectors) {
        writer.addDocument(doc(v, VectorSimilarityFunction.EUCLIDEAN));
      }
      long buffered = writer.ramBytesUsed() - before;
      long vectorBytes = (long) vectors.length * dim * Float.BYTES;
      long forest =
          AnnoyVectorsWriter.forestBuildBytes(
              vectors.length,
              dim,
              new ForestParameters(
                  format.numTrees(),
                  format.maxLeafSize(),
                  format.branching(),
                  format.targetRecall(),
                  format.seed()));
      // the vectors, and the forest they will need: at least an int per vector and tree
      assertTrue(forest >= 4L * format.numTrees() * vectors.length);
      assertTrue(
          "reported " + buffered + ", vectors " + vectorBytes + ", forest " + forest,
          buffered >= vectorBytes + forest);
      writer.flush();
      assertTrue(
          "not released after flush: " + writer.ramBytesUsed(),
          writer.ramBytesUsed() < buffered / 10);
    }
  }

  /**
   * Flush-by-RAM bounds Annoy segments by their vectors and their forest (not the vectors alone),
   * and not so pessimistically that they come out much smaller than HNSW's, whose graph is counted
   * likewise.
   */
  public void testFlushByRamMakesBoundedSegmentsLikeHnsw() throws IOException {
    int dim = 32;
    float[][] vectors = TestData.clustered(random(), 5000, dim, 20, 0.3f);
    double ramMB = 0.25;
    AnnoyVectorsFormat format = new AnnoyVectorsFormat();
    List<Integer> annoy = flushedSegments(format, vectors, ramMB);
    List<Integer> hnsw = flushedSegments(new Lucene99HnswVectorsFormat(), vectors, ramMB);
    if (VERBOSE) {
      System.out.println(
          "segments flushed at " + ramMB + " MB, " + dim + "-d: Annoy " + annoy + ", HNSW " + hnsw);
    }
    assertTrue(annoy.toString(), annoy.size() >= 2);
    long bufferBytes = (long) (ramMB * 1024 * 1024);
    for (int maxDoc : annoy) {
      // each vector's floats and at least an ordinal per tree had to fit in the buffer
      assertTrue(
          annoy.toString(),
          (long) maxDoc * (dim * Float.BYTES + format.numTrees() * Integer.BYTES) <= bufferBytes);
      assertTrue("Annoy " + annoy + " vs HNSW " + hnsw, maxDoc >= mean(hnsw) / 2);
    }
  }

  /**
   * Sizes of the segments flushed because the buffer was full (the last, flushed at commit, is left
   * out).
   */
  private static List<Integer> flushedSegments(
      KnnVectorsFormat format, float[][] vectors, double ramMB) throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter writer =
          new IndexWriter(
              dir,
              new IndexWriterConfig()
                  .setCodec(new AnnoyCodec(format))
                  .setRAMBufferSizeMB(ramMB)
                  .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
                  .setMergePolicy(NoMergePolicy.INSTANCE))) {
        for (float[] v : vectors) {
          writer.addDocument(doc(v, VectorSimilarityFunction.EUCLIDEAN));
        }
        writer.commit();
      }
      List<Integer> sizes = new ArrayList<>();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        for (LeafReaderContext leaf : reader.leaves()) {
          sizes.add(leaf.reader().maxDoc());
        }
      }
      return sizes.subList(0, sizes.size() - 1);
    }
  }

  private static double mean(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).average().orElse(0);
  }
}
