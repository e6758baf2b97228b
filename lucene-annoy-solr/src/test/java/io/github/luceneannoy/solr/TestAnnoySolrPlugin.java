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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.apache.solr.SolrTestCaseJ4;
import org.apache.solr.client.solrj.util.ClientUtils;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.ModifiableSolrParams;
import org.apache.solr.core.SolrCore;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.response.SolrQueryResponse;
import org.apache.solr.schema.IndexSchemaFactory;
import org.apache.solr.search.SolrIndexSearcher;
import org.apache.solr.util.RefCounted;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The plugin in one embedded core, on the test classpath: which format each field type gets, what
 * {@code {!knn}} and {@code {!annoyknn}} return, and the errors of bad schemas and requests. {@code
 * AnnoySolrCloudIT} runs the same plugin from a jar in a real cluster.
 */
public class TestAnnoySolrPlugin extends SolrTestCaseJ4 {
  private static Path conf;

  @BeforeClass
  public static void setUpAnnoyCore() throws Exception {
    Path home = createTempDir("annoy-solr-home");
    conf = TestSchemas.createHome(home);
    // On disk, as in production: the example config's native lock type does not fit the test
    // framework's default in-memory directory.
    useFactory("solr.NRTCachingDirectoryFactory");
    initCore("solrconfig.xml", "schema.xml", home.toString());
  }

  @Before
  public void emptyIndex() {
    assertU(delQ("*:*"));
    assertU(commit());
  }

  @Test
  public void testEachFieldTypeGetsItsFormat() throws Exception {
    KnnVectorsFormat formats = h.getCore().getCodec().knnVectorsFormat();
    PerFieldKnnVectorsFormat perField = (PerFieldKnnVectorsFormat) formats;
    AnnoyVectorsFormat tuned = (AnnoyVectorsFormat) perField.getKnnVectorsFormatForField("annoy_v");
    assertEquals(3, tuned.numTrees());
    assertEquals(16, tuned.maxLeafSize());
    assertEquals(4, tuned.branching());
    assertEquals(0.9f, tuned.targetRecall(), 0f);
    assertEquals(42L, tuned.seed());
    // an Annoy type without attributes, and the stock class, get the format's defaults
    for (String field : new String[] {"annoy_byte_v", "annoy_stock_v"}) {
      AnnoyVectorsFormat defaults =
          (AnnoyVectorsFormat) perField.getKnnVectorsFormatForField(field);
      assertEquals(field, AnnoyVectorsFormat.DEFAULT_NUM_TREES, defaults.numTrees());
      assertEquals(field, AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE, defaults.maxLeafSize());
      assertEquals(field, AnnoyVectorsFormat.DEFAULT_BRANCHING, defaults.branching());
      assertEquals(field, AnnoyVectorsFormat.DEFAULT_TARGET_RECALL, defaults.targetRecall(), 0f);
      assertEquals(field, AnnoyVectorsFormat.DEFAULT_SEED, defaults.seed());
    }
    assertEquals(
        "Lucene99HnswVectorsFormat", perField.getKnnVectorsFormatForField("hnsw_v").getName());

    for (int i = 0; i < 20; i++) {
      SolrInputDocument doc = sdoc("id", "d" + i, "cat", "a");
      doc.addField("annoy_v", vector(i));
      doc.addField("annoy_stock_v", vector(i + 1));
      doc.addField("annoy_byte_v", List.of(i, -i, 1, 2));
      doc.addField("hnsw_v", vector(i));
      assertU(adoc(doc));
    }
    assertU(commit());

    RefCounted<SolrIndexSearcher> ref = h.getCore().getSearcher();
    try {
      List<LeafReaderContext> leaves = ref.get().getIndexReader().leaves();
      assertFalse(leaves.isEmpty());
      for (LeafReaderContext leaf : leaves) {
        SegmentReader segment = (SegmentReader) leaf.reader();
        // Segments record the standard codec, so they reopen without the plugin's codec class.
        assertEquals("Lucene912", segment.getSegmentInfo().info.getCodec().getName());
        assertEquals("AnnoyVectorsFormat", formatOf(segment, "annoy_v"));
        assertEquals("AnnoyVectorsFormat", formatOf(segment, "annoy_stock_v"));
        assertEquals("AnnoyVectorsFormat", formatOf(segment, "annoy_byte_v"));
        assertEquals("Lucene99HnswVectorsFormat", formatOf(segment, "hnsw_v"));
      }
    } finally {
      ref.decref();
    }
  }

  @Test
  public void testKnnQueriesMatchBruteForceWithFilters() throws Exception {
    List<float[]> vectors = new ArrayList<>();
    // A segment of 50: a segment of at most 101 vectors calibrates a default budget of all of
    // them, so {!knn} scores every vector and must return the exact top 5, filtered or not.
    addVectors(vectors, 50);
    for (int q = 0; q < 10; q++) {
      float[] query = randomVector();
      String target = toSolr(query);
      assertExactTop(vectors, query, 5, i -> true, ids(query("{!knn f=annoy_v topK=5}" + target)));
      assertExactTop(
          vectors,
          query,
          5,
          i -> i % 3 == 0,
          ids(query("{!knn f=annoy_v topK=5}" + target, "fq", "cat:a")));
    }

    // A second segment, large enough for the trees: the default budget is now a calibrated part
    // of it, a request's budget of 500 per hit (5,000 leaf entries) covers every entry of both
    // segments' three trees again, and so scores every vector.
    addVectors(vectors, 1500);
    int queries = 100;
    double plain = 0, plainFiltered = 0, starved = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = randomVector();
      String target = toSolr(query);
      assertExactTop(
          vectors,
          query,
          10,
          i -> true,
          ids(query("{!annoyknn f=annoy_v topK=10 candidatesPerHit=500}" + target)));
      assertExactTop(
          vectors,
          query,
          10,
          i -> i % 3 == 0,
          ids(query("{!annoyknn f=annoy_v topK=10 candidatesPerHit=500}" + target, "fq", "cat:a")));

      List<String> approximate = ids(query("{!knn f=annoy_v topK=10}" + target));
      assertEquals(10, approximate.size());
      assertEquals(approximate.toString(), 10, new HashSet<>(approximate).size());
      plain += recall(approximate, exactTop(vectors, query, 10, i -> true));
      List<String> filtered = ids(query("{!knn f=annoy_v topK=10}" + target, "fq", "cat:a"));
      assertEquals(10, filtered.size());
      for (String id : filtered) {
        assertEquals(id, 0, Integer.parseInt(id.substring(1)) % 3); // never outside the filter
      }
      plainFiltered += recall(filtered, exactTop(vectors, query, 10, i -> i % 3 == 0));
      // Without a budget, {!annoyknn} is {!knn}.
      assertEquals(approximate, ids(query("{!annoyknn f=annoy_v topK=10}" + target)));
      // The smallest budget gathers only a few more candidates than hits.
      starved +=
          recall(
              ids(query("{!annoyknn f=annoy_v topK=10 candidatesPerHit=1}" + target)),
              exactTop(vectors, query, 10, i -> true));
    }
    plain /= queries;
    plainFiltered /= queries;
    starved /= queries;
    if (VERBOSE) {
      System.out.printf(
          Locale.ROOT,
          "recall@10: {!knn} %.3f, with fq %.3f, candidatesPerHit=1 %.3f%n",
          plain,
          plainFiltered,
          starved);
    }
    // The field type's targetRecall is 0.9, calibrated as a mean over the segment's own vectors;
    // these queries are drawn like them. The bars leave about three standard errors of 100 queries.
    assertTrue("{!knn} recall@10 " + plain, plain >= 0.8);
    assertTrue("{!knn} with fq recall@10 " + plainFiltered, plainFiltered >= 0.8);
    assertTrue("candidatesPerHit=1 recall@10 " + starved + ", default " + plain, starved < plain);
  }

  /** Adds {@code count} random vectors in one update request and commits them as one segment. */
  private static void addVectors(List<float[]> vectors, int count) throws IOException {
    StringWriter add = new StringWriter().append("<add>");
    for (int i = 0; i < count; i++) {
      float[] v = randomVector();
      int id = vectors.size();
      vectors.add(v);
      SolrInputDocument doc = sdoc("id", "d" + id, "cat", id % 3 == 0 ? "a" : "b");
      doc.addField("annoy_v", toList(v));
      ClientUtils.writeXML(doc, add);
    }
    assertU(add.append("</add>").toString());
    assertU(commit());
  }

  @Test
  public void testAnnoyKnnBuildsQueryWithItsBudget() throws Exception {
    String target = toSolr(new float[] {1, 2, 3, 4});
    SolrQueryResponse rsp =
        query("{!annoyknn f=annoy_v topK=3 candidatesPerHit=42}" + target, "debug", "query");
    String parsed = String.valueOf(rsp.getValues().findRecursive("debug", "parsedquery"));
    assertTrue(parsed, parsed.contains("AnnoyKnnFloatVectorQuery"));
    assertTrue(parsed, parsed.contains("candidatesPerHit=42"));

    rsp =
        query("{!annoyknn f=annoy_byte_v topK=3 candidatesPerHit=7}[1, 2, 3, 4]", "debug", "query");
    parsed = String.valueOf(rsp.getValues().findRecursive("debug", "parsedquery"));
    assertTrue(parsed, parsed.contains("AnnoyKnnByteVectorQuery"));

    // Without a budget, {!annoyknn} is {!knn}.
    rsp = query("{!annoyknn f=annoy_v topK=3}" + target, "debug", "query");
    parsed = String.valueOf(rsp.getValues().findRecursive("debug", "parsedquery"));
    assertFalse(parsed, parsed.contains("candidatesPerHit"));
  }

  @Test
  public void testAnnoyKnnRejectsBadBudgets() {
    String target = toSolr(new float[] {1, 2, 3, 4});
    assertQueryError(
        "candidatesPerHit must be in [1, 1048576], got 0",
        "{!annoyknn f=annoy_v candidatesPerHit=0}" + target);
    assertQueryError(
        "candidatesPerHit applies only to fields stored with knnAlgorithm=\"annoy\"; field \"hnsw_v\"",
        "{!annoyknn f=hnsw_v candidatesPerHit=10}" + target);
    assertQueryError(
        "candidatesPerHit must be an integer, got \"lots\"",
        "{!annoyknn f=annoy_v candidatesPerHit=lots}" + target);
  }

  @Test
  public void testSchemaErrorsNameTheTypeAndTheBound() throws Exception {
    String annoy =
        "class=\"io.github.luceneannoy.solr.AnnoyDenseVectorField\" vectorDimension=\"4\" ";
    assertSchemaError(
        "fieldType \"bad\": numTrees must be in [1, 64], got 0", annoy + "numTrees=\"0\"");
    assertSchemaError(
        "fieldType \"bad\": numTrees must be an integer, got \"many\"",
        annoy + "numTrees=\"many\"");
    assertSchemaError(
        "fieldType \"bad\": maxLeafSize must be in [1, 65536], got 100000",
        annoy + "maxLeafSize=\"100000\"");
    assertSchemaError(
        "fieldType \"bad\": branching must be in [2, 256], got 1", annoy + "branching=\"1\"");
    assertSchemaError(
        "fieldType \"bad\": targetRecall must be in (0, 1], got 1.5",
        annoy + "targetRecall=\"1.5\"");
    assertSchemaError(
        "fieldType \"bad\": targetRecall must be in (0, 1], got 0.0", annoy + "targetRecall=\"0\"");
    assertSchemaError(
        "fieldType \"bad\": targetRecall must be a number, got \"high\"",
        annoy + "targetRecall=\"high\"");
    assertSchemaError(
        "fieldType \"bad\": seed must be an integer, got \"0.5\"", annoy + "seed=\"0.5\"");
    // the former budget attribute says what replaced it
    assertSchemaError(
        "fieldType \"bad\": candidatesPerHit is no longer a field type attribute: each segment"
            + " calibrates its default budget for targetRecall",
        annoy + "candidatesPerHit=\"40\"");
    // an attribute no one knows is refused by Solr, naming it
    assertSchemaError("invalid arguments:{numtrees=4}", annoy + "numtrees=\"4\"");
    assertSchemaError(
        "fieldType \"bad\": knnAlgorithm must be \"annoy\" or left out, got \"hnsw\"",
        annoy + "knnAlgorithm=\"hnsw\"");
    assertSchemaError(
        "fieldType \"bad\": hnswBeamWidth is an HNSW parameter", annoy + "hnswBeamWidth=\"100\"");
    assertSchemaError(
        "fieldType \"bad\": vectorDimension must be <= 4096 for knnAlgorithm=\"annoy\", got 5000",
        "class=\"io.github.luceneannoy.solr.AnnoyDenseVectorField\" vectorDimension=\"5000\"");
    // The stock class cannot carry Annoy parameters: Solr itself refuses unknown attributes.
    assertSchemaError(
        "invalid arguments",
        "class=\"solr.DenseVectorField\" vectorDimension=\"4\" knnAlgorithm=\"annoy\" numTrees=\"4\"");
  }

  private static void assertSchemaError(String expected, String attributes) throws Exception {
    String name = "schema-bad-" + Math.abs(attributes.hashCode()) + ".xml";
    Files.writeString(
        conf.resolve(name),
        TestSchemas.schema("<fieldType name=\"bad\" " + attributes + "/>\n"),
        StandardCharsets.UTF_8);
    SolrException e =
        expectThrows(
            SolrException.class,
            () -> IndexSchemaFactory.buildIndexSchema(name, h.getCore().getSolrConfig()));
    String messages = messages(e);
    assertTrue(messages, messages.contains(expected));
  }

  private void assertQueryError(String expected, String q) {
    SolrException e = expectThrows(SolrException.class, () -> query(q));
    assertEquals(SolrException.ErrorCode.BAD_REQUEST.code, e.code());
    assertTrue(messages(e), messages(e).contains(expected));
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }

  private static String formatOf(SegmentReader segment, String field) {
    FieldInfo info = segment.getFieldInfos().fieldInfo(field);
    assertNotNull(field, info);
    return info.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
  }

  private static SolrQueryResponse query(String q, String... params) {
    ModifiableSolrParams p = new ModifiableSolrParams();
    p.set("q", q);
    p.set("fl", "id");
    p.set("rows", 100);
    for (int i = 0; i < params.length; i += 2) {
      p.add(params[i], params[i + 1]);
    }
    SolrCore core = h.getCore();
    try (SolrQueryRequest req = req(p)) {
      SolrQueryResponse rsp = new SolrQueryResponse();
      core.execute(core.getRequestHandler("/select"), req, rsp);
      if (rsp.getException() != null) {
        throw rsp.getException() instanceof SolrException
            ? (SolrException) rsp.getException()
            : new RuntimeException(rsp.getException());
      }
      // The response's documents are read while the request's searcher is still open.
      rsp.getValues().add("ids", idsOf(req, rsp));
      return rsp;
    }
  }

  private static List<String> idsOf(SolrQueryRequest req, SolrQueryResponse rsp) {
    org.apache.solr.response.ResultContext ctx =
        (org.apache.solr.response.ResultContext) rsp.getResponse();
    List<String> ids = new ArrayList<>();
    try {
      var it = ctx.getDocList().iterator();
      while (it.hasNext()) {
        ids.add(req.getSearcher().getDocFetcher().doc(it.nextDoc()).get("id"));
      }
    } catch (java.io.IOException e) {
      throw new RuntimeException(e);
    }
    return ids;
  }

  @SuppressWarnings("unchecked")
  private static List<String> ids(SolrQueryResponse rsp) {
    return (List<String>) rsp.getValues().get("ids");
  }

  /**
   * Asserts that {@code actual} is an exact top {@code k} of the accepted vectors. Lucene computes
   * the distance in float and this test in double, so a hit may stand in for another at the same
   * distance up to rounding.
   */
  private static void assertExactTop(
      List<float[]> vectors, float[] query, int k, IntPredicate accept, List<String> actual) {
    double[] distances =
        IntStream.range(0, vectors.size())
            .filter(accept)
            .mapToDouble(i -> squaredDistance(vectors.get(i), query))
            .sorted()
            .toArray();
    double kth = distances[k - 1];
    assertEquals(actual.toString(), k, actual.size());
    assertEquals(actual.toString(), k, new HashSet<>(actual).size());
    for (String id : actual) {
      int i = Integer.parseInt(id.substring(1));
      assertTrue(id + " outside the filter", accept.test(i));
      double d = squaredDistance(vectors.get(i), query);
      assertTrue(
          id + " at " + d + " beyond the nearest " + k + " at " + kth,
          d <= kth * (1 + 1e-5) + 1e-9);
    }
  }

  /** Ids of the {@code k} accepted vectors nearest to {@code query}. */
  private static List<String> exactTop(
      List<float[]> vectors, float[] query, int k, IntPredicate accept) {
    return IntStream.range(0, vectors.size())
        .filter(accept)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> squaredDistance(vectors.get(i), query)))
        .limit(k)
        .map(i -> "d" + i)
        .collect(Collectors.toList());
  }

  private static double recall(List<String> actual, List<String> expected) {
    Set<String> found = new HashSet<>(actual);
    return expected.stream().filter(found::contains).count() / (double) expected.size();
  }

  private static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  private static float[] randomVector() {
    float[] v = new float[4];
    for (int i = 0; i < v.length; i++) {
      v[i] = random().nextFloat() * 2 - 1;
    }
    return v;
  }

  private static List<Float> vector(int i) {
    return List.of(i + 0.5f, 1f, (float) -i, 2f);
  }

  private static List<Float> toList(float[] v) {
    List<Float> list = new ArrayList<>(v.length);
    for (float x : v) {
      list.add(x);
    }
    return list;
  }

  private static String toSolr(float[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s", v[i]));
    }
    return s.append(']').toString();
  }
}
