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
package io.github.luceneannoy.opensearch;

import static org.hamcrest.Matchers.containsString;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertHitCount;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertNoFailures;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldPostingsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressCodecs;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchType;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.common.network.NetworkModule;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.IndexService;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.test.OpenSearchIntegTestCase.ClusterScope;
import org.opensearch.test.OpenSearchIntegTestCase.Scope;
import org.opensearch.transport.Netty4Plugin;

/**
 * The plugin in an OpenSearch cluster of two data nodes, an index of two shards with one replica
 * each: vectors indexed through the client, searched with {@code annoy_knn} alone, with a filter
 * and inside a {@code bool} query, recall checked against exact neighbours computed here, then
 * after a full restart (segments reopened through Lucene's SPI) and with a node stopped (the
 * replicas answer). Mistakes in mappings, documents and queries are refused over HTTP with a 400.
 */
@ClusterScope(
    scope = Scope.SUITE,
    numDataNodes = 2,
    numClientNodes = 0,
    supportsDedicatedMasters = false)
// the cluster picks one of OpenSearch's codecs (default, lz4, best_compression, zlib) per index
@SuppressCodecs("*")
public class AnnoyOpenSearchIT extends OpenSearchIntegTestCase {

  private static final String INDEX = "vectors";
  private static final int DOCS = 3_000;
  private static final int DIM = 32;
  private static final int CLUSTERS = 30;
  private static final int QUERIES = 40;
  private static final int K = 10;
  private static final double MIN_RECALL = 0.95;

  @Override
  protected Collection<Class<? extends Plugin>> nodePlugins() {
    return List.of(AnnoyPlugin.class, Netty4Plugin.class);
  }

  @Override
  protected boolean addMockHttpTransport() {
    return false;
  }

  @Override
  protected Settings nodeSettings(int nodeOrdinal) {
    return Settings.builder()
        .put(super.nodeSettings(nodeOrdinal))
        .put(NetworkModule.HTTP_TYPE_KEY, Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
        .build();
  }

  /** Clustered vectors, the same every run. */
  private static float[][] vectors(Random random, int count, float[][] centers) {
    float[][] vectors = new float[count][DIM];
    for (int i = 0; i < count; i++) {
      float[] center = centers[random.nextInt(centers.length)];
      for (int d = 0; d < DIM; d++) {
        vectors[i][d] = center[d] + 0.35f * (float) random.nextGaussian();
      }
    }
    return vectors;
  }

  private static float squaredDistance(float[] a, float[] b) {
    float sum = 0;
    for (int i = 0; i < a.length; i++) {
      float d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  /** The ids of the k nearest documents among those {@code allowed}. */
  private static Set<String> exactTopK(float[][] docs, float[] query, int k, boolean evenOnly) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < docs.length; i++) {
      if (evenOnly == false || i % 2 == 0) {
        ids.add(i);
      }
    }
    ids.sort(
        (a, b) -> Float.compare(squaredDistance(docs[a], query), squaredDistance(docs[b], query)));
    Set<String> top = new HashSet<>();
    for (int i = 0; i < k; i++) {
      top.add(Integer.toString(ids.get(i)));
    }
    return top;
  }

  private static Set<String> ids(SearchResponse response) {
    Set<String> ids = new HashSet<>();
    for (SearchHit hit : response.getHits().getHits()) {
      ids.add(hit.getId());
    }
    return ids;
  }

  private void createVectorIndex() throws IOException {
    XContentBuilder mapping =
        XContentFactory.jsonBuilder()
            .startObject()
            .startObject("properties")
            .startObject("v")
            .field("type", "annoy_vector")
            .field("dimension", DIM)
            .field("similarity", "l2_norm")
            // each segment calibrates its default budget for this recall@k (the default, 0.95, is
            // what it reaches on average, and this test asks each run for at least 0.95)
            .field("target_recall", 0.99)
            .endObject()
            .startObject("text")
            .field("type", "text")
            .endObject()
            .startObject("tag")
            .field("type", "keyword")
            .endObject()
            .endObject()
            .endObject();
    assertAcked(
        client()
            .admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 2)
                    .put("index.number_of_replicas", 1)
                    .put(AnnoyIndexSettings.ANNOY_ENABLED.getKey(), true))
            .setMapping(mapping));
    ensureGreen(INDEX);
  }

  private void indexVectors(float[][] docs) throws IOException {
    for (int from = 0; from < docs.length; from += 500) {
      BulkRequestBuilder bulk = client().prepareBulk();
      for (int i = from; i < Math.min(docs.length, from + 500); i++) {
        bulk.add(
            client()
                .prepareIndex(INDEX)
                .setId(Integer.toString(i))
                .setSource(
                    XContentFactory.jsonBuilder()
                        .startObject()
                        .array("v", docs[i])
                        .field("text", i % 10 == 0 ? "alpha words" : "other words")
                        .field("tag", i % 2 == 0 ? "even" : "odd")
                        .endObject()));
      }
      BulkResponse response = bulk.get();
      assertFalse(response.buildFailureMessage(), response.hasFailures());
    }
  }

  /** Mean recall@10 of annoy_knn over the queries, each search answering K hits. */
  private double recall(
      float[][] docs,
      float[][] queries,
      Integer candidatesPerHit,
      boolean filtered,
      String preference) {
    double found = 0;
    for (float[] query : queries) {
      QueryBuilder filter = filtered ? QueryBuilders.termQuery("tag", "even") : null;
      SearchResponse response =
          client()
              .prepareSearch(INDEX)
              .setPreference(preference)
              .setQuery(new AnnoyKnnQueryBuilder("v", query, K, filter, candidatesPerHit))
              .setSize(K)
              .get();
      assertNoFailures(response);
      assertEquals(K, response.getHits().getHits().length);
      Set<String> expected = exactTopK(docs, query, K, filtered);
      for (SearchHit hit : response.getHits().getHits()) {
        int id = Integer.parseInt(hit.getId());
        if (filtered) {
          assertEquals("the filter holds", 0, id % 2);
        }
        // the hit's score is Lucene's l2_norm score of that document, computed here
        assertEquals(1f / (1f + squaredDistance(docs[id], query)), hit.getScore(), 1e-4f);
        if (expected.contains(hit.getId())) {
          found++;
        }
      }
    }
    return found / (queries.length * K);
  }

  public void testIndexSearchRestartAndLoseANode() throws Exception {
    Random random = new Random(17);
    float[][] centers = new float[CLUSTERS][DIM];
    for (float[] center : centers) {
      for (int d = 0; d < DIM; d++) {
        center[d] = 4 * (float) random.nextGaussian();
      }
    }
    float[][] docs = vectors(random, DOCS, centers);
    float[][] queries = vectors(random, QUERIES, centers);

    createVectorIndex();
    indexVectors(docs);
    refresh(INDEX);
    forceMerge(1);
    refresh(INDEX);
    assertHitCount(client().prepareSearch(INDEX).setSize(0).get(), DOCS);

    assertSegmentsUseTheAnnoyFormatForVectorsOnly();

    double plain = recall(docs, queries, null, false, "_primary");
    double replica = recall(docs, queries, null, false, "_replica");
    double budgeted = recall(docs, queries, 50, false, "_primary");
    double filtered = recall(docs, queries, null, true, "_replica");
    logger.info(
        "recall@10: plain {} (replicas {}), budget 50 per hit {}, filtered {}",
        plain,
        replica,
        budgeted,
        filtered);
    assertTrue("recall " + plain, plain >= MIN_RECALL);
    assertTrue("recall on the replicas " + replica, replica >= MIN_RECALL);
    assertTrue("recall with a budget " + budgeted, budgeted >= MIN_RECALL);
    assertTrue("recall with a filter " + filtered, filtered >= MIN_RECALL);
    // a budget of one candidate per hit finds fewer true neighbours: the budget reaches the forest
    double starved = recall(docs, queries, 1, false, "_primary");
    assertTrue("recall with a starved budget " + starved, starved < plain);

    assertHybridBoolQuery(docs, queries[0]);

    // every node restarts: the segments are read back through Lucene's SPI, by the names they
    // record
    internalCluster().fullRestart();
    ensureGreen(INDEX);
    double afterRestart = recall(docs, queries, null, false, "after-restart");
    assertTrue("recall after a restart " + afterRestart, afterRestart >= MIN_RECALL);

    // one data node goes: its shard copies are gone, the other node's copies answer everything
    internalCluster().stopRandomDataNode();
    ensureYellow(INDEX);
    assertHitCount(client().prepareSearch(INDEX).setSize(0).get(), DOCS);
    double oneNode = recall(docs, queries, null, false, "one-node");
    assertTrue("recall with one node " + oneNode, oneNode >= MIN_RECALL);
    double oneNodeFiltered = recall(docs, queries, null, true, "one-node");
    assertTrue("filtered recall with one node " + oneNodeFiltered, oneNodeFiltered >= MIN_RECALL);
  }

  /**
   * Vectors of the annoy_vector field are in the Annoy format; text keeps OpenSearch's postings.
   */
  private void assertSegmentsUseTheAnnoyFormatForVectorsOnly() throws IOException {
    int segments = 0;
    for (IndicesService indices : internalCluster().getDataNodeInstances(IndicesService.class)) {
      IndexService index = indices.indexServiceSafe(resolveIndex(INDEX));
      for (IndexShard shard : index) {
        try (Engine.Searcher searcher = shard.acquireSearcher("test")) {
          for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            LeafReader reader = FilterLeafReader.unwrap(leaf.reader());
            FieldInfo vector = reader.getFieldInfos().fieldInfo("v");
            assertEquals(
                AnnoyVectorsFormat.NAME,
                vector.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
            FieldInfo text = reader.getFieldInfos().fieldInfo("text");
            assertEquals(
                "Lucene912", text.getAttribute(PerFieldPostingsFormat.PER_FIELD_FORMAT_KEY));
            assertEquals(
                "Lucene912", ((SegmentReader) reader).getSegmentInfo().info.getCodec().getName());
            segments++;
          }
        }
      }
    }
    assertEquals("one segment per shard copy after the force merge", 4, segments);
  }

  /**
   * annoy_knn and a text match as two should clauses: every text match, plus the k nearest of each
   * shard, each hit scored with the sum of the clauses it matches (the vector's score is computed
   * here).
   */
  private void assertHybridBoolQuery(float[][] docs, float[] query) {
    Map<String, Float> text = scores(QueryBuilders.matchQuery("text", "alpha"));
    assertEquals(DOCS / 10, text.size());
    Map<String, Float> hybrid =
        scores(
            QueryBuilders.boolQuery()
                .should(QueryBuilders.matchQuery("text", "alpha"))
                .should(new AnnoyKnnQueryBuilder("v", query, K, null, null)));
    assertTrue(hybrid.keySet().containsAll(text.keySet()));
    int nearest = 0;
    int both = 0;
    for (Map.Entry<String, Float> hit : hybrid.entrySet()) {
      float textScore = text.getOrDefault(hit.getKey(), 0f);
      float vectorScore = 1f / (1f + squaredDistance(docs[Integer.parseInt(hit.getKey())], query));
      float rest = hit.getValue() - textScore;
      if (Math.abs(rest - vectorScore) < 1e-4f) {
        nearest++;
        both += textScore > 0 ? 1 : 0;
      } else {
        assertEquals("only the text matches " + hit.getKey(), 0f, rest, 1e-4f);
        assertTrue(textScore > 0);
      }
    }
    // each of the two shards contributes its k nearest
    assertEquals(2 * K, nearest);
    assertEquals(text.size() + nearest - both, hybrid.size());
    logger.info(
        "hybrid: {} hits, {} nearest, {} of them text matches", hybrid.size(), nearest, both);
  }

  private Map<String, Float> scores(QueryBuilder query) {
    // per-shard term statistics (the test client may pick DFS at random, which would change them)
    SearchResponse response =
        client()
            .prepareSearch(INDEX)
            .setSearchType(SearchType.QUERY_THEN_FETCH)
            .setQuery(query)
            .setSize(DOCS)
            .get();
    assertNoFailures(response);
    Map<String, Float> scores = new HashMap<>();
    for (SearchHit hit : response.getHits().getHits()) {
      scores.put(hit.getId(), hit.getScore());
    }
    return scores;
  }

  // ---- mistakes, over HTTP: a 400 with a message that says what is wrong ----

  private static void assertBadRequest(Request request, String message) throws IOException {
    ResponseException e =
        expectThrows(ResponseException.class, () -> getRestClient().performRequest(request));
    Response response = e.getResponse();
    assertEquals(400, response.getStatusLine().getStatusCode());
    String body = org.apache.http.util.EntityUtils.toString(response.getEntity());
    assertThat(body, containsString(message));
  }

  private static Request request(String method, String endpoint, String json) {
    Request request = new Request(method, endpoint);
    request.setJsonEntity(json);
    return request;
  }

  private static String indexWith(String fieldMapping) {
    return "{\"settings\": {\"index.annoy.enabled\": true, \"number_of_shards\": 1,"
        + " \"number_of_replicas\": 0}, \"mappings\": {\"properties\": {\"v\": "
        + fieldMapping
        + ", \"title\": {\"type\": \"text\"}}}}";
  }

  public void testBadMappingsAreRejected() throws IOException {
    assertBadRequest(
        request("PUT", "/bad", indexWith("{\"type\": \"annoy_vector\"}")),
        "[dimension] is required");
    assertBadRequest(
        request("PUT", "/bad", indexWith("{\"type\": \"annoy_vector\", \"dimension\": 5000}")),
        "[dimension] must be in [2, 4096], got [5000]");
    assertBadRequest(
        request(
            "PUT",
            "/bad",
            indexWith("{\"type\": \"annoy_vector\", \"dimension\": 4, \"similarity\": \"l1\"}")),
        "similarity must be one of [l2_norm, cosine, dot_product, max_inner_product], got [l1]");
    assertBadRequest(
        request(
            "PUT",
            "/bad",
            indexWith("{\"type\": \"annoy_vector\", \"dimension\": 4, \"num_trees\": 100}")),
        "[num_trees] must be in [1, 64], got [100]");
    assertBadRequest(
        request(
            "PUT",
            "/bad",
            indexWith("{\"type\": \"annoy_vector\", \"dimension\": 4, \"ef_construction\": 100}")),
        "unknown parameter [ef_construction] on mapper [v] of type [annoy_vector]");
    assertBadRequest(
        request(
            "PUT",
            "/bad",
            "{\"mappings\": {\"properties\": {\"v\": {\"type\": \"annoy_vector\", \"dimension\": 4}}}}"),
        "needs the index setting [index.annoy.enabled: true]");
    assertFalse(indexExists("bad"));
  }

  public void testBadDocumentsAndQueriesAreRejected() throws IOException {
    getRestClient()
        .performRequest(
            request(
                "PUT",
                "/small",
                indexWith(
                    "{\"type\": \"annoy_vector\", \"dimension\": 3, \"similarity\": \"cosine\"}")));
    getRestClient()
        .performRequest(
            request("PUT", "/small/_doc/1?refresh=true", "{\"v\": [1, 0, 0], \"title\": \"one\"}"));

    assertBadRequest(
        request("PUT", "/small/_doc/2", "{\"v\": [1, 0]}"), "has dimension [3], got [2] values");
    assertBadRequest(
        request("PUT", "/small/_doc/3", "{\"v\": [1, \"NaN\", 0]}"), "takes only numbers");
    assertBadRequest(
        request("PUT", "/small/_doc/4", "{\"v\": [1, 1e39, 0]}"), "is not a finite number");
    assertBadRequest(
        request("PUT", "/small/_doc/5", "{\"v\": [0, 0, 0]}"),
        "the zero vector has no cosine similarity");
    getRestClient().performRequest(new Request("POST", "/small/_refresh"));
    assertHitCount(client().prepareSearch("small").setSize(0).get(), 1);

    String search = "/small/_search";
    assertBadRequest(
        request(
            "POST",
            search,
            "{\"query\": {\"annoy_knn\": {\"field\": \"nope\", \"vector\": [1, 0, 0], \"k\": 3}}}"),
        "[annoy_knn] field [nope] is not in the mapping");
    assertBadRequest(
        request(
            "POST",
            search,
            "{\"query\": {\"annoy_knn\": {\"field\": \"title\", \"vector\": [1, 0, 0], \"k\": 3}}}"),
        "[annoy_knn] field [title] is of type [text], not [annoy_vector]");
    assertBadRequest(
        request(
            "POST",
            search,
            "{\"query\": {\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 0], \"k\": 3}}}"),
        "[annoy_knn] field [v] has dimension [3], the query vector has [2]");
    assertBadRequest(
        request(
            "POST",
            search,
            "{\"query\": {\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 0, 0], \"k\": 0}}}"),
        "[k] must be in [1, 10000], got [0]");
    assertBadRequest(
        request(
            "POST",
            search,
            "{\"query\": {\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 0, 0], \"k\": 3,"
                + " \"candidates_per_hit\": -5}}}"),
        "[candidates_per_hit] must be in [1, 1048576], got [-5]");
    assertBadRequest(
        request("POST", search, "{\"query\": {\"match\": {\"v\": \"x\"}}}"),
        "can only be searched with an [annoy_knn] query");

    // and a good one answers
    Response ok =
        getRestClient()
            .performRequest(
                request(
                    "POST",
                    search,
                    "{\"query\": {\"annoy_knn\": {\"field\": \"v\", \"vector\": [2, 0.1, 0], \"k\": 3,"
                        + " \"filter\": {\"match\": {\"title\": \"one\"}}}}}"));
    assertEquals(200, ok.getStatusLine().getStatusCode());
    assertThat(
        org.apache.http.util.EntityUtils.toString(ok.getEntity()), containsString("\"_id\":\"1\""));
  }
}
