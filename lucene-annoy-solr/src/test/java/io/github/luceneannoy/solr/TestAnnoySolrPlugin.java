package io.github.luceneannoy.solr;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.apache.solr.SolrTestCaseJ4;
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
 * {@code {!knn}} and {@code {!annoyknn}} return, and the errors of bad schemas and requests.
 * {@code AnnoySolrCloudIT} runs the same plugin from a jar in a real cluster.
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
    assertEquals(4, tuned.numTrees());
    assertEquals(8, tuned.maxLeafSize());
    assertEquals(10, tuned.candidatesPerHit());
    AnnoyVectorsFormat stock =
        (AnnoyVectorsFormat) perField.getKnnVectorsFormatForField("annoy_stock_v");
    assertEquals(AnnoyVectorsFormat.DEFAULT_NUM_TREES, stock.numTrees());
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
    // 50 vectors = topK 5 × the field type's candidatesPerHit 10: the budget covers the segment,
    // so the reader scores every vector and {!knn} must return the exact top 5.
    addVectors(vectors, 50);
    for (int q = 0; q < 10; q++) {
      float[] query = randomVector();
      String target = toSolr(query);
      assertExactTop(vectors, query, i -> true, ids(query("{!knn f=annoy_v topK=5}" + target)));
      assertExactTop(
          vectors,
          query,
          i -> i % 3 == 0,
          ids(query("{!knn f=annoy_v topK=5}" + target, "fq", "cat:a")));
    }

    // A second segment of 250: the field's own budget now goes through the trees; a request's
    // budget of 60 per hit covers both segments again.
    addVectors(vectors, 250);
    for (int q = 0; q < 10; q++) {
      float[] query = randomVector();
      String target = toSolr(query);
      assertExactTop(
          vectors,
          query,
          i -> true,
          ids(query("{!annoyknn f=annoy_v topK=5 candidatesPerHit=60}" + target)));
      assertExactTop(
          vectors,
          query,
          i -> i % 3 == 0,
          ids(query("{!annoyknn f=annoy_v topK=5 candidatesPerHit=60}" + target, "fq", "cat:a")));
      List<String> approximate = ids(query("{!knn f=annoy_v topK=5}" + target, "fq", "cat:a"));
      assertEquals(5, approximate.size());
      for (String id : approximate) {
        assertEquals(id, 0, Integer.parseInt(id.substring(1)) % 3); // never outside the filter
      }
      // Without a budget, {!annoyknn} is {!knn}.
      assertEquals(
          ids(query("{!knn f=annoy_v topK=5}" + target)),
          ids(query("{!annoyknn f=annoy_v topK=5}" + target)));
    }
  }

  private static void addVectors(List<float[]> vectors, int count) {
    for (int i = 0; i < count; i++) {
      float[] v = randomVector();
      int id = vectors.size();
      vectors.add(v);
      SolrInputDocument doc = sdoc("id", "d" + id, "cat", id % 3 == 0 ? "a" : "b");
      doc.addField("annoy_v", toList(v));
      assertU(adoc(doc));
    }
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

    rsp = query("{!annoyknn f=annoy_byte_v topK=3 candidatesPerHit=7}[1, 2, 3, 4]", "debug", "query");
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
        "candidatesPerHit must be an integer, got \"lots\"", "{!annoyknn f=annoy_v candidatesPerHit=lots}" + target);
  }

  @Test
  public void testSchemaErrorsNameTheTypeAndTheBound() throws Exception {
    String annoy = "class=\"io.github.luceneannoy.solr.AnnoyDenseVectorField\" vectorDimension=\"4\" ";
    assertSchemaError("fieldType \"bad\": numTrees must be in [1, 1024], got 0", annoy + "numTrees=\"0\"");
    assertSchemaError(
        "fieldType \"bad\": maxLeafSize must be in [1, 65536], got 100000",
        annoy + "maxLeafSize=\"100000\"");
    assertSchemaError(
        "fieldType \"bad\": candidatesPerHit must be an integer, got \"many\"",
        annoy + "candidatesPerHit=\"many\"");
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
   * Asserts that {@code actual} is an exact top 5 of the accepted vectors. Lucene computes the
   * distance in float and this test in double, so a hit may stand in for another at the same
   * distance up to rounding.
   */
  private static void assertExactTop(
      List<float[]> vectors, float[] query, IntPredicate accept, List<String> actual) {
    double[] distances =
        IntStream.range(0, vectors.size())
            .filter(accept)
            .mapToDouble(i -> squaredDistance(vectors.get(i), query))
            .sorted()
            .toArray();
    double fifth = distances[4];
    assertEquals(actual.toString(), 5, actual.size());
    assertEquals(actual.toString(), 5, new HashSet<>(actual).size());
    for (String id : actual) {
      int i = Integer.parseInt(id.substring(1));
      assertTrue(id + " outside the filter", accept.test(i));
      double d = squaredDistance(vectors.get(i), query);
      assertTrue(id + " at " + d + " beyond the 5th nearest at " + fifth, d <= fifth * (1 + 1e-5) + 1e-9);
    }
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
