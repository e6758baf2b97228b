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

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.opensearch.test.NodeRoles.dataNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.tests.util.LuceneTestCase.SuppressFileSystems;
import org.opensearch.Version;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.client.Client;
import org.opensearch.cluster.health.ClusterHealthStatus;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.env.Environment;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.node.MockNode;
import org.opensearch.node.Node;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.test.MockHttpTransport;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.transport.TransportSettings;

/**
 * The plugin zip as {@code bin/opensearch-plugin install} lays it out ({@code
 * plugins/lucene-annoy/} under the node's home), loaded by OpenSearch's plugin service in its own
 * class loader: this test runs without the plugin's classes or the codec on its class path (see the
 * pom). A node indexes vectors, stops, and a new node on the same data reads the segments back, the
 * Annoy format found by the name each segment records through Lucene's SPI as OpenSearch reloads it
 * for plugins.
 */
// a plugin directory holds what the zip holds, without the test file system's extra files
@SuppressFileSystems("ExtrasFS")
public class AnnoyPluginZipIT extends OpenSearchTestCase {

  private static final int DOCS = 300;

  private static void unzip(Path zip, Path into) throws IOException {
    Files.createDirectories(into);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        Path target = into.resolve(entry.getName()).normalize();
        assertTrue(entry.getName(), target.startsWith(into));
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy((InputStream) in, target);
        }
      }
    }
  }

  private static Settings nodeSettings(Path home) {
    return Settings.builder()
        .put("cluster.name", "annoy-plugin-zip")
        .put(Environment.PATH_HOME_SETTING.getKey(), home)
        .put(Node.NODE_NAME_SETTING.getKey(), "node-zip")
        .put("node.processors", 1)
        .put("transport.type", getTestTransportType())
        .put(TransportSettings.PORT.getKey(), getPortRange())
        .put(dataNode())
        .put("discovery.type", "single-node")
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("indices.breaker.total.use_real_memory", false)
        .build();
  }

  private static Node startNode(Path home) throws Exception {
    Node node =
        new MockNode(
            nodeSettings(home),
            List.of(getTestTransportPlugin(), MockHttpTransport.TestPlugin.class),
            true);
    node.start();
    return node;
  }

  private static float[] vector(int i) {
    return new float[] {i % 17, i % 5, (i * 7) % 13, i / 30f};
  }

  private static String knnQuery(float[] v) {
    return String.format(
        Locale.ROOT,
        "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [%s, %s, %s, %s], \"k\": 5}}",
        v[0],
        v[1],
        v[2],
        v[3]);
  }

  public void testInstalledZipIndexesAndReopensAfterARestart() throws Exception {
    Path zip = Paths.get(System.getProperty("annoy.plugin.zip"));
    Path home = createTempDir();
    Path pluginDir = home.resolve("plugins").resolve("lucene-annoy");
    unzip(zip, pluginDir);

    // what the zip holds: the descriptor, the plugin's jar, the codec's and the forest's, nothing
    // of
    // OpenSearch or Lucene
    List<String> files = new ArrayList<>();
    try (var listing = Files.list(pluginDir)) {
      listing.forEach(
          p -> files.add(p.getFileName().toString().replaceAll("-[0-9].*\\.jar$", ".jar")));
    }
    assertThat(
        files,
        containsInAnyOrder(
            "plugin-descriptor.properties",
            "lucene-annoy-opensearch.jar",
            "lucene-annoy-codec.jar",
            "lucene-annoy-forest.jar"));
    PluginInfo info = PluginInfo.readFromProperties(pluginDir);
    assertEquals("lucene-annoy", info.getName());
    assertEquals("io.github.luceneannoy.opensearch.AnnoyPlugin", info.getClassname());
    assertEquals("17", info.getJavaVersion());
    assertTrue(info.getOpenSearchVersionRangesString().contains(Version.CURRENT.toString()));

    // the plugin is not on this test's class path: only the plugin service can load it
    expectThrows(
        ClassNotFoundException.class,
        () -> Class.forName("io.github.luceneannoy.opensearch.AnnoyPlugin"));

    float[] query = vector(123);
    try (Node node = startNode(home)) {
      Client client = node.client();
      client
          .admin()
          .indices()
          .prepareCreate("zip")
          .setSettings(
              Settings.builder()
                  .put("index.annoy.enabled", true)
                  .put("index.number_of_shards", 1)
                  .put("index.number_of_replicas", 0))
          .setMapping(
              "{\"properties\": {\"v\": {\"type\": \"annoy_vector\", \"dimension\": 4,"
                  + " \"num_trees\": 3}}}")
          .get();
      BulkRequestBuilder bulk = client.prepareBulk();
      for (int i = 0; i < DOCS; i++) {
        bulk.add(
            client
                .prepareIndex("zip")
                .setId(Integer.toString(i))
                .setSource(
                    XContentFactory.jsonBuilder().startObject().array("v", vector(i)).endObject()));
      }
      BulkResponse indexed = bulk.get();
      assertFalse(indexed.buildFailureMessage(), indexed.hasFailures());
      client.admin().indices().prepareFlush("zip").get();
      client.admin().indices().prepareRefresh("zip").get();
      assertNearest(client, query, "123");

      // Lucene knows the format by name, from the plugin's class loader
      KnnVectorsFormat format = KnnVectorsFormat.forName("AnnoyVectorsFormat");
      assertNotSame(getClass().getClassLoader(), format.getClass().getClassLoader());
    }

    // a new node on the same data: the segments are opened by the names they record
    try (Node node = startNode(home)) {
      Client client = node.client();
      ClusterHealthStatus health =
          client.admin().cluster().prepareHealth("zip").setWaitForGreenStatus().get().getStatus();
      assertEquals(ClusterHealthStatus.GREEN, health);
      assertEquals(
          DOCS, client.prepareSearch("zip").setSize(0).get().getHits().getTotalHits().value);
      assertNearest(client, query, "123");
    }
  }

  private static void assertNearest(Client client, float[] query, String id) {
    SearchResponse response =
        client.prepareSearch("zip").setQuery(QueryBuilders.wrapperQuery(knnQuery(query))).get();
    assertEquals(5, response.getHits().getHits().length);
    assertEquals(id, response.getHits().getAt(0).getId());
    assertEquals(1f, response.getHits().getAt(0).getScore(), 0f);
  }
}
