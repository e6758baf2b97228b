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
package io.github.luceneannoy.solr;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.solr.SolrTestCaseJ4;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.cloud.SolrCloudTestCase;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.cloud.Slice;
import org.apache.solr.common.params.ModifiableSolrParams;
import org.apache.solr.core.SolrCore;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The plugin jar in a real SolrCloud cluster, installed as a user installs it: copied into the
 * {@code sharedLib} directory named in solr.xml, with neither the plugin nor the codec on this
 * test's classpath (the failsafe execution leaves both out, and {@link #startCluster} checks it).
 *
 * <p>Two nodes with an embedded ZooKeeper; a collection of 2 shards × 2 NRT replicas from the
 * example configset as shipped. Clustered 384-dimension vectors with text metadata are indexed and
 * committed, searched with {@code {!knn}} with and without {@code fq}, partly deleted, searched,
 * optimized and searched again. Every search is checked against brute force computed here: recall,
 * no deleted or filtered-out document, {@code rows} hits; every replica of a shard must answer
 * exactly as the others, and the optimized segments must be the Annoy format's. Last, {@code
 * {!annoyknn}} must carry its budget to each replica: each node loads the jar with a class loader
 * of its own while Lucene reads every segment with the first node's copy of the format, so on the
 * other node the budget crosses from one copy of the plugin to another.
 *
 * <p>Plain {@code {!knn}} searches use each segment's default budget, calibrated when the segment
 * is written for the configset's {@code targetRecall} (0.95), so they are checked against {@link
 * #MIN_RECALL}, not for exactness.
 */
@SolrTestCaseJ4.SuppressSSL(
    bugUrl = "not a bug: TLS would only cost CPU; the plugin is not in the transport")
public class AnnoySolrCloudIT extends SolrCloudTestCase {
  private static final String COLLECTION = "vectors";
  private static final String FORMAT_NAME = "AnnoyVectorsFormat";

  /** The example configset's vectorDimension. */
  private static final int DIMENSION = 384;

  private static final int DOCS = 4000;
  private static final int QUERIES = 100;
  private static final int TOP_K = 10;

  /**
   * The configset's targetRecall is 0.95, a mean over each segment's own vectors as queries, and
   * each shard's top 10 is merged into the collection's; the bar leaves three standard errors of
   * the mean over {@link #QUERIES} queries.
   */
  private static final double MIN_RECALL = 0.9;

  private static final String[] CATEGORIES = {"red", "green", "blue", "yellow"};

  /**
   * No filter, one on the text metadata keeping about a quarter of the documents, one keeping the
   * rest.
   */
  private static final String[] FILTERS = {null, "title:red", "-category:red"};

  private static Path pluginJarInLib;

  private final List<float[]> vectors = new ArrayList<>();
  private final List<String> categories = new ArrayList<>();
  private final List<float[]> queries = new ArrayList<>();
  private final Set<Integer> deleted = new HashSet<>();

  @BeforeClass
  public static void startCluster() throws Exception {
    for (String cls :
        new String[] {
          "io.github.luceneannoy.codec.AnnoyVectorsFormat",
          "io.github.luceneannoy.solr.AnnoyCodecFactory"
        }) {
      expectThrows(
          ClassNotFoundException.class,
          "run through `mvn verify`: " + cls + " must come only from Solr's sharedLib",
          () -> Class.forName(cls, false, AnnoySolrCloudIT.class.getClassLoader()));
    }
    expectThrows(IllegalArgumentException.class, () -> KnnVectorsFormat.forName(FORMAT_NAME));

    String jar = System.getProperty("annoy.plugin.jar");
    assertNotNull("system property annoy.plugin.jar (set by the failsafe execution)", jar);
    // A plain file-system path: Solr reads the directory by its name, not through the test's
    // wrapped file system.
    Path libDir = Path.of(createTempDir("sharedLib").toString());
    pluginJarInLib = Files.copy(Path.of(jar), libDir.resolve(Path.of(jar).getFileName()));
    String solrXml =
        MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML.replace(
            "<solr>\n", "<solr>\n  <str name=\"sharedLib\">" + libDir + "</str>\n");

    // Commits only when the test asks, so both replicas of a shard flush the same segments.
    System.setProperty("solr.autoCommit.maxTime", "-1");
    configureCluster(2)
        .addConfig("annoy", TestSchemas.exampleConfigset())
        .withSolrXml(solrXml)
        .configure();
    CollectionAdminRequest.createCollection(COLLECTION, "annoy", 2, 2)
        .process(cluster.getSolrClient());
    cluster.waitForActiveCollection(COLLECTION, 2, 4);
    for (Slice slice : getCollectionState(COLLECTION).getSlices()) {
      Set<String> nodes = new HashSet<>();
      slice.getReplicas().forEach(r -> nodes.add(r.getNodeName()));
      // Replicas of one shard on different nodes: agreement between them is not a shared index.
      assertEquals(slice.getName() + " " + slice.getReplicas(), 2, nodes.size());
      if (VERBOSE) {
        System.out.println(
            "annoy-solr: "
                + slice.getName()
                + " replicas "
                + slice.getReplicas().stream()
                    .map(
                        r ->
                            r.getCoreName()
                                + "@"
                                + r.getNodeName()
                                + (r.isLeader() ? " (leader)" : ""))
                    .collect(Collectors.toList()));
      }
    }
  }

  @AfterClass
  public static void clearProperties() {
    System.clearProperty("solr.autoCommit.maxTime");
  }

  @Test
  public void testKnnThroughSolrCloud() throws Exception {
    long start = System.nanoTime();
    Random random = new Random(random().nextLong());
    ClusteredVectors generator = new ClusteredVectors(random, 50, 16, DIMENSION, 1f, 0.1f);
    indexDocuments(random, generator);
    // Checked after the commit: without the plugin's SPI reload, that commit is where Solr fails,
    // reopening the segments it has just written ("Error opening new searcher").
    assertFormatLoadedFromSharedLib();
    for (int q = 0; q < QUERIES; q++) {
      queries.add(generator.next()); // drawn like the data, never an indexed vector
    }

    Map<String, List<List<Integer>>> firstRun = searchAndCheck("after commit");

    // Delete every fifth document and each query's best hit, so deleted documents include ones
    // the queries did return.
    for (int i = 0; i < DOCS; i += 5) {
      deleted.add(i);
    }
    firstRun.get(null).forEach(hits -> deleted.add(hits.get(0)));
    cluster
        .getSolrClient()
        .deleteById(
            COLLECTION, deleted.stream().map(AnnoySolrCloudIT::id).collect(Collectors.toList()));
    cluster.getSolrClient().commit(COLLECTION);
    searchAndCheck("after deleting " + deleted.size());

    cluster.getSolrClient().optimize(COLLECTION, true, true, 1);
    searchAndCheck("after optimize");
    assertSegmentsAreAnnoy();
    assertBudgetReachesEveryReplica();

    if (VERBOSE) {
      System.out.printf(
          Locale.ROOT,
          "annoy-solr: %d docs, %d queries, test body %.1f s%n",
          DOCS,
          QUERIES,
          (System.nanoTime() - start) / 1e9);
    }
  }

  /** The format Lucene finds by name is the class Solr loaded from the jar in sharedLib. */
  private static void assertFormatLoadedFromSharedLib() throws Exception {
    ClassLoader loader = KnnVectorsFormat.forName(FORMAT_NAME).getClass().getClassLoader();
    assertNotSame(AnnoySolrCloudIT.class.getClassLoader(), loader);
    assertTrue(String.valueOf(loader), loader instanceof URLClassLoader);
    List<URL> urls = Arrays.asList(((URLClassLoader) loader).getURLs());
    assertTrue(urls.toString(), urls.contains(pluginJarInLib.toUri().toURL()));
  }

  private void indexDocuments(Random random, ClusteredVectors generator) throws Exception {
    List<SolrInputDocument> batch = new ArrayList<>();
    for (int i = 0; i < DOCS; i++) {
      float[] vector = generator.next();
      String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
      vectors.add(vector);
      categories.add(category);
      SolrInputDocument doc = new SolrInputDocument();
      doc.addField("id", id(i));
      doc.addField("title", "document " + i + " about " + category + " things");
      doc.addField("category", category);
      doc.addField("year", 1990 + i % 35);
      doc.addField("vector", ClusteredVectors.asList(vector));
      batch.add(doc);
      // One batch at a time from one thread: both replicas of a shard index in the same order.
      if (batch.size() == 500) {
        cluster.getSolrClient().add(COLLECTION, batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      cluster.getSolrClient().add(COLLECTION, batch);
    }
    cluster.getSolrClient().commit(COLLECTION);
  }

  /**
   * Runs every query with each filter through the cluster and checks it against brute force; then
   * checks that the replicas of each shard agree. Returns the hits per filter and query.
   */
  private Map<String, List<List<Integer>>> searchAndCheck(String stage) throws Exception {
    Map<String, List<List<Integer>>> hitsByFilter = new HashMap<>();
    for (String fq : FILTERS) {
      IntPredicate accept = i -> !deleted.contains(i) && matches(fq, i);
      List<List<Integer>> allHits = new ArrayList<>();
      double recall = 0;
      for (float[] query : queries) {
        List<Integer> hits = docs(cluster.getSolrClient(), knn(query, "", fq, false));
        assertEquals("rows returned (topK is per shard, rows caps the merge)", TOP_K, hits.size());
        for (int hit : hits) {
          assertFalse(stage + ": deleted document " + hit + " returned", deleted.contains(hit));
          assertTrue(stage + ": document " + hit + " fails fq=" + fq, matches(fq, hit));
        }
        recall += recall(hits, ClusteredVectors.exactTop(vectors, query, TOP_K, accept));
        allHits.add(hits);
      }
      recall /= QUERIES;
      if (VERBOSE) {
        System.out.printf(
            Locale.ROOT, "annoy-solr: %s, fq=%s: recall@%d %.3f%n", stage, fq, TOP_K, recall);
      }
      assertTrue(stage + ", fq=" + fq + ": recall " + recall, recall >= MIN_RECALL);
      hitsByFilter.put(fq, allHits);
      assertReplicasAgree(stage, fq);
    }
    return hitsByFilter;
  }

  /** Each replica, asked alone ({@code distrib=false}), returns exactly what the others return. */
  private void assertReplicasAgree(String stage, String fq) throws Exception {
    for (Slice slice : getCollectionState(COLLECTION).getSlices()) {
      for (float[] query : queries.subList(0, 5)) {
        List<String> first = null;
        for (Replica replica : slice.getReplicas()) {
          try (SolrClient client = getHttpSolrClient(replica)) {
            List<String> answer =
                idsAndScores(client.query(knn(query, "", fq, true), SolrRequest.METHOD.POST));
            assertEquals(
                stage + ": " + replica.getCoreName() + " answered nothing", TOP_K, answer.size());
            if (first == null) {
              first = answer;
            } else {
              assertEquals(
                  stage + ", fq=" + fq + ": replicas of " + slice.getName(), first, answer);
            }
          }
        }
      }
    }
  }

  /**
   * After the optimize, each replica holds one segment whose vector field is the Annoy format's.
   */
  private void assertSegmentsAreAnnoy() throws Exception {
    for (Replica replica : getCollectionState(COLLECTION).getReplicas()) {
      Path indexDir;
      try (SolrCore core =
          cluster.getReplicaJetty(replica).getCoreContainer().getCore(replica.getCoreName())) {
        indexDir = Path.of(core.getIndexDir());
      }
      List<String> files;
      try (Stream<Path> list = Files.list(indexDir)) {
        files = list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
      }
      assertTrue(files.toString(), files.stream().anyMatch(f -> f.endsWith(".afi")));
      assertTrue(files.toString(), files.stream().anyMatch(f -> f.endsWith(".afm")));
      if (VERBOSE) {
        System.out.println("annoy-solr: " + replica.getCoreName() + " index files " + files);
      }
      try (Directory dir = FSDirectory.open(indexDir)) {
        SegmentInfos segments = SegmentInfos.readLatestCommit(dir);
        assertEquals(replica.getCoreName(), 1, segments.size());
        for (SegmentCommitInfo segment : segments) {
          Codec codec = segment.info.getCodec();
          assertFalse(segment.info.getUseCompoundFile());
          FieldInfos fields =
              codec.fieldInfosFormat().read(dir, segment.info, "", IOContext.READONCE);
          assertEquals(
              FORMAT_NAME,
              fields
                  .fieldInfo("vector")
                  .getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
        }
      }
    }
  }

  /**
   * {@code {!annoyknn}} sets the budget on every replica: one beyond a shard's size searches it
   * exactly, one candidate per hit does measurably worse. Each replica is asked alone, so a replica
   * that ignored the budget could not hide behind the other.
   */
  private void assertBudgetReachesEveryReplica() throws Exception {
    for (Slice slice : getCollectionState(COLLECTION).getSlices()) {
      Set<Integer> members = shardMembers(slice);
      for (Replica replica : slice.getReplicas()) {
        double exact = 0, starved = 0;
        try (SolrClient client = getHttpSolrClient(replica)) {
          for (float[] query : queries) {
            List<Integer> expected =
                ClusteredVectors.exactTop(vectors, query, TOP_K, members::contains);
            exact +=
                recall(docs(client, knn(query, " candidatesPerHit=1000", null, true)), expected);
            starved +=
                recall(docs(client, knn(query, " candidatesPerHit=1", null, true)), expected);
          }
        }
        exact /= QUERIES;
        starved /= QUERIES;
        String where = replica.getCoreName() + ": recall@" + TOP_K + " with candidatesPerHit=";
        // Not exactly 1: Lucene scores cosine in float, the brute force here in double.
        assertTrue(where + "1000 " + exact, exact >= 0.99);
        assertTrue(where + "1 " + starved + " not below " + exact, starved < exact);
      }
    }
    if (VERBOSE) {
      // the recall-by-budget table of the README
      for (int budget : new int[] {1, 5, 20, 80, 1000}) {
        double recall = 0;
        for (float[] query : queries) {
          List<Integer> expected =
              ClusteredVectors.exactTop(vectors, query, TOP_K, i -> !deleted.contains(i));
          recall +=
              recall(
                  docs(
                      cluster.getSolrClient(),
                      knn(query, " candidatesPerHit=" + budget, null, false)),
                  expected);
        }
        System.out.printf(
            Locale.ROOT,
            "annoy-solr: {!annoyknn candidatesPerHit=%d}: recall@%d %.3f%n",
            budget,
            TOP_K,
            recall / QUERIES);
      }
    }
  }

  /** The live documents of a shard, as its leader reports them. */
  private static Set<Integer> shardMembers(Slice slice) throws Exception {
    ModifiableSolrParams params = new ModifiableSolrParams();
    params.set("q", "*:*");
    params.set("fl", "id");
    params.set("rows", DOCS);
    params.set("distrib", false);
    try (SolrClient client = getHttpSolrClient(slice.getLeader())) {
      return new HashSet<>(docs(client, params));
    }
  }

  private ModifiableSolrParams knn(float[] query, String annoyParams, String fq, boolean local) {
    ModifiableSolrParams params = new ModifiableSolrParams();
    String parser = annoyParams.isEmpty() ? "knn" : "annoyknn";
    params.set(
        "q",
        "{!"
            + parser
            + " f=vector topK="
            + TOP_K
            + annoyParams
            + "}"
            + ClusteredVectors.toSolr(query));
    params.set("fl", "id,score");
    params.set("rows", TOP_K);
    if (fq != null) {
      params.set("fq", fq);
    }
    if (local) {
      params.set("distrib", false);
    }
    return params;
  }

  /** Ids of the hits, through the cluster client or from one replica's client. */
  private static List<Integer> docs(SolrClient client, ModifiableSolrParams params)
      throws Exception {
    QueryResponse rsp =
        params.getBool("distrib", true)
            ? client.query(COLLECTION, params, SolrRequest.METHOD.POST)
            : client.query(params, SolrRequest.METHOD.POST);
    return rsp.getResults().stream()
        .map(d -> Integer.parseInt(((String) d.getFieldValue("id")).substring(4)))
        .collect(Collectors.toList());
  }

  private static List<String> idsAndScores(QueryResponse rsp) {
    List<String> out = new ArrayList<>();
    for (SolrDocument d : rsp.getResults()) {
      out.add(d.getFieldValue("id") + ":" + d.getFieldValue("score"));
    }
    return out;
  }

  private boolean matches(String fq, int doc) {
    if (fq == null) {
      return true;
    }
    boolean red = categories.get(doc).equals("red");
    return fq.startsWith("-") ? !red : red;
  }

  private static double recall(List<Integer> hits, List<Integer> expected) {
    Set<Integer> found = new HashSet<>(hits);
    return expected.stream().filter(found::contains).count() / (double) expected.size();
  }

  private static String id(int i) {
    return String.format(Locale.ROOT, "doc-%05d", i);
  }
}
