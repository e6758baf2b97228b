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

import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.opensearch.ExceptionsHelper;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.search.SearchModule;

/** The {@code annoy_knn} query: parsing, its checks, transport, and the Lucene query it becomes. */
public class TestAnnoyKnnQueryBuilder extends AnnoyMapperTestCase {

  private static final SearchModule SEARCH_MODULE =
      new SearchModule(Settings.EMPTY, List.of(new AnnoyPlugin()));

  @Override
  protected NamedXContentRegistry xContentRegistry() {
    return new NamedXContentRegistry(SEARCH_MODULE.getNamedXContents());
  }

  @Override
  protected NamedWriteableRegistry writableRegistry() {
    return new NamedWriteableRegistry(SEARCH_MODULE.getNamedWriteables());
  }

  private QueryBuilder parse(String json) throws IOException {
    try (XContentParser parser =
        JsonXContent.jsonXContent.createParser(
            xContentRegistry(), DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
      return AbstractQueryBuilder.parseInnerQueryBuilder(parser);
    }
  }

  public void testParsesEveryOption() throws IOException {
    QueryBuilder parsed =
        parse(
            "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 2.5, -3], \"k\": 7,"
                + " \"filter\": {\"term\": {\"tag\": \"a\"}}, \"candidates_per_hit\": 40,"
                + " \"boost\": 2, \"_name\": \"near\"}}");
    AnnoyKnnQueryBuilder query = (AnnoyKnnQueryBuilder) parsed;
    assertEquals("v", query.fieldName());
    assertArrayEquals(new float[] {1, 2.5f, -3}, query.vector(), 0f);
    assertEquals(7, query.k());
    assertEquals(QueryBuilders.termQuery("tag", "a"), query.filter());
    assertEquals(Integer.valueOf(40), query.candidatesPerHit());
    assertEquals(2f, query.boost(), 0f);
    assertEquals("near", query.queryName());

    // what it prints parses back to the same query, and it crosses the wire unchanged
    assertEquals(query, parse(query.toString()));
    assertEquals(query, copyNamedWriteable(query, writableRegistry(), QueryBuilder.class));
    AnnoyKnnQueryBuilder plain = new AnnoyKnnQueryBuilder("v", new float[] {1, 2}, 3, null, null);
    assertEquals(plain, copyNamedWriteable(plain, writableRegistry(), QueryBuilder.class));
    assertEquals(plain, parse(plain.toString()));
  }

  public void testBadQueriesAreRejected() {
    assertRejected("{\"annoy_knn\": {\"vector\": [1, 2], \"k\": 3}}", "requires a [field]");
    assertRejected("{\"annoy_knn\": {\"field\": \"v\", \"k\": 3}}", "requires a [vector]");
    assertRejected("{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 2]}}", "requires [k]");
    assertRejected(
        "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 2], \"k\": 0}}",
        "[k] must be in [1, 10000], got [0]");
    assertRejected(
        "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 2], \"k\": 2.5}}",
        "[k] must be an integer");
    assertRejected(
        "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 2], \"k\": 3,"
            + " \"candidates_per_hit\": 0}}",
        "[candidates_per_hit] must be in [1, 1048576], got [0]");
    assertRejected(
        "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, \"x\"], \"k\": 3}}",
        "[vector] takes only numbers");
    assertRejected(
        "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 1e39], \"k\": 3}}",
        "is not a finite number");
    assertRejected(
        "{\"annoy_knn\": {\"field\": \"v\", \"vector\": [1, 2], \"k\": 3, \"ef\": 100}}",
        "[annoy_knn] query does not support [ef]");
  }

  private void assertRejected(String json, String message) {
    ParsingException e = expectThrows(ParsingException.class, () -> parse(json));
    assertThat(e.getMessage(), containsString(message));
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
  }

  private QueryShardContext context() throws IOException {
    MapperService mapperService =
        createMapperService(
            mapping(
                b -> {
                  b.startObject("v")
                      .field("type", "annoy_vector")
                      .field("dimension", 2)
                      .field("similarity", "cosine")
                      .endObject();
                  b.startObject("tag").field("type", "keyword").endObject();
                }));
    return createQueryShardContext(mapperService);
  }

  public void testBecomesALuceneKnnQuery() throws IOException {
    QueryShardContext context = context();
    Query plain = new AnnoyKnnQueryBuilder("v", new float[] {1, 2}, 5, null, null).toQuery(context);
    assertEquals(new KnnFloatVectorQuery("v", new float[] {1, 2}, 5, null), plain);

    Query filtered =
        new AnnoyKnnQueryBuilder(
                "v", new float[] {1, 2}, 5, QueryBuilders.termQuery("tag", "a"), null)
            .toQuery(context);
    assertEquals(
        new KnnFloatVectorQuery(
            "v", new float[] {1, 2}, 5, QueryBuilders.termQuery("tag", "a").toQuery(context)),
        filtered);

    Query budgeted =
        new AnnoyKnnQueryBuilder("v", new float[] {1, 2}, 5, null, 64).toQuery(context);
    assertTrue(budgeted.toString(), budgeted instanceof AnnoyKnnFloatVectorQuery);
    assertEquals(new AnnoyKnnFloatVectorQuery("v", new float[] {1, 2}, 5, null, 64), budgeted);
  }

  public void testQueriesTheMappingCannotAnswerAreRejected() throws IOException {
    QueryShardContext context = context();
    assertShardRejected(
        context,
        new AnnoyKnnQueryBuilder("nope", new float[] {1, 2}, 5, null, null),
        "[annoy_knn] field [nope] is not in the mapping");
    assertShardRejected(
        context,
        new AnnoyKnnQueryBuilder("tag", new float[] {1, 2}, 5, null, null),
        "[annoy_knn] field [tag] is of type [keyword], not [annoy_vector]");
    assertShardRejected(
        context,
        new AnnoyKnnQueryBuilder("v", new float[] {1, 2, 3}, 5, null, null),
        "[annoy_knn] field [v] has dimension [2], the query vector has [3]");
    assertShardRejected(
        context,
        new AnnoyKnnQueryBuilder("v", new float[] {0, 0}, 5, null, null),
        "the zero vector has no cosine similarity");
  }

  private static void assertShardRejected(
      QueryShardContext context, AnnoyKnnQueryBuilder query, String message) {
    QueryShardException e = expectThrows(QueryShardException.class, () -> query.toQuery(context));
    assertThat(e.getMessage(), containsString(message));
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
  }
}
