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
package io.github.luceneannoy.examples;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.examples.ClusteredVectors.LabelledVectors;
import io.github.luceneannoy.examples.KnnQueryGrader.GradedQuery;
import io.github.luceneannoy.examples.QuickstartResult.SampleQuery;
import io.github.luceneannoy.examples.bench.IndexFileSizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * The smallest complete use of {@link AnnoyCodec}: index generated clustered vectors with it, open
 * the index with a plain {@link DirectoryReader} (the codec is found by its SPI name), run {@link
 * org.apache.lucene.search.KnnFloatVectorQuery} with and without a filter, and measure recall@10
 * against exact search.
 *
 * <p>Each document has a stored keyword {@code id} (its number), a stored keyword {@code cluster}
 * ({@code "c0"}, {@code "c1"}, …: the cluster its vector was drawn around) and a Euclidean vector
 * field {@code vector}. A filtered query asks for the nearest neighbours within the cluster after
 * the query's own: the true neighbours of a query lie in its own cluster, so a filter that let
 * documents through would show at once.
 */
public final class Quickstart {

  /** Hits per query. */
  public static final int K = 10;

  static final String ID_FIELD = "id";
  static final String CLUSTER_FIELD = "cluster";
  static final String VECTOR_FIELD = "vector";

  static final int NUM_CLUSTERS = 10;
  // with centres in [-1, 1], clusters stay apart yet neighbours within a cluster are not obvious
  static final float CLUSTER_SPREAD = 0.2f;
  static final int NUM_QUERIES = 100;
  static final int NUM_SAMPLE_QUERIES = 3;
  // several segments, because every segment has its own forest and a query merges their hits
  static final int NUM_SEGMENTS = 3;

  /**
   * What to run.
   *
   * @param docs the number of documents to index
   * @param dimension the number of dimensions of every vector
   * @param seed the seed of the generated vectors and queries
   * @param indexDirectory where to write the index (replacing any index there, and keeping it), or
   *     null for a temporary directory deleted at the end
   */
  public record Options(int docs, int dimension, long seed, Path indexDirectory) {

    public static final int DEFAULT_DOCS = 5_000;
    public static final int DEFAULT_DIMENSION = 64;
    public static final long DEFAULT_SEED = 42;
    // every vector is kept in memory for exact search, so a quickstart stays modest
    static final int MAX_DOCS = 1_000_000;

    /** The options of the command line, such as {@code --docs 2000 --dim 32}. */
    static Options parse(String... args) {
      return QuickstartCommand.parse(args);
    }
  }

  private Quickstart() {}

  /** Indexes, queries and measures as {@code options} say; prints nothing. */
  public static QuickstartResult run(Options options) throws IOException {
    long start = System.nanoTime();
    ClusteredVectors source =
        new ClusteredVectors(options.dimension(), NUM_CLUSTERS, CLUSTER_SPREAD, options.seed());
    LabelledVectors docs = source.next(options.docs());
    LabelledVectors queries = source.next(NUM_QUERIES);

    boolean temporary = options.indexDirectory() == null;
    Path path =
        temporary ? Files.createTempDirectory("annoy-quickstart-") : options.indexDirectory();
    try (Directory directory = FSDirectory.open(path)) {
      long indexingNanos = index(directory, docs);
      try (DirectoryReader reader = DirectoryReader.open(directory)) {
        Map<String, Long> bytesByExtension =
            IndexFileSizes.byExtension(directory, reader.getIndexCommit());
        KnnQueryGrader grader = new KnnQueryGrader(new IndexSearcher(reader), docs, K);
        List<GradedQuery> unfiltered = new ArrayList<>();
        List<GradedQuery> filtered = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
          unfiltered.add(grader.run(queries.vectors()[q], KnnQueryGrader.NO_FILTER));
          filtered.add(grader.run(queries.vectors()[q], filterClusterOf(queries.clusters()[q])));
        }
        return new QuickstartResult(
            options,
            path,
            temporary,
            reader.leaves().size(),
            indexingNanos,
            bytesByExtension,
            samples(queries, unfiltered, filtered),
            KnnQueryGrader.summarize(unfiltered),
            KnnQueryGrader.summarize(filtered),
            filtered.stream().mapToInt(GradedQuery::filterViolations).sum(),
            System.nanoTime() - start);
      }
    } finally {
      if (temporary) {
        IOUtils.rm(path);
      }
    }
  }

  /** Writes one document per vector and commits; returns the time it took. */
  private static long index(Directory directory, LabelledVectors docs) throws IOException {
    // without compound files every format's files stay visible, which is the point of showing them
    TieredMergePolicy mergePolicy = new TieredMergePolicy();
    mergePolicy.setNoCFSRatio(0.0);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new AnnoyCodec())
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            .setUseCompoundFile(false)
            .setMergePolicy(mergePolicy)
            // flushing every NUM_SEGMENTS-th of the docs makes that many segments
            .setMaxBufferedDocs(Math.max(2, (docs.size() + NUM_SEGMENTS - 1) / NUM_SEGMENTS));
    long start = System.nanoTime();
    try (IndexWriter writer = new IndexWriter(directory, config)) {
      for (int i = 0; i < docs.size(); i++) {
        Document doc = new Document();
        doc.add(new StringField(ID_FIELD, Integer.toString(i), Field.Store.YES));
        doc.add(new StringField(CLUSTER_FIELD, clusterLabel(docs.clusters()[i]), Field.Store.YES));
        doc.add(
            new KnnFloatVectorField(
                VECTOR_FIELD, docs.vectors()[i], VectorSimilarityFunction.EUCLIDEAN));
        writer.addDocument(doc);
      }
      writer.commit();
    }
    return System.nanoTime() - start;
  }

  /** The first queries unfiltered, then the first query again with its filter. */
  private static List<SampleQuery> samples(
      LabelledVectors queries, List<GradedQuery> unfiltered, List<GradedQuery> filtered) {
    List<SampleQuery> samples = new ArrayList<>();
    for (int q = 0; q < Math.min(NUM_SAMPLE_QUERIES, queries.size()); q++) {
      samples.add(sample(q, queries.clusters()[q], null, unfiltered.get(q)));
    }
    int firstCluster = queries.clusters()[0];
    samples.add(
        sample(0, firstCluster, clusterLabel(filterClusterOf(firstCluster)), filtered.get(0)));
    return samples;
  }

  private static SampleQuery sample(int q, int cluster, String filterCluster, GradedQuery graded) {
    return new SampleQuery(
        q, clusterLabel(cluster), filterCluster, graded.hits(), graded.exactMatches());
  }

  /** The cluster a query drawn around {@code queryCluster} is restricted to: the next one. */
  static int filterClusterOf(int queryCluster) {
    return (queryCluster + 1) % NUM_CLUSTERS;
  }

  /** The value of the {@code cluster} field for a cluster number. */
  static String clusterLabel(int cluster) {
    return "c" + cluster;
  }
}
