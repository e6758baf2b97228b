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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;

/**
 * The {@code annoy_knn} query: the {@code k} nearest documents of each shard to a vector in an
 * {@code annoy_vector} field, among those that match an optional filter, searched with the
 * segment's calibrated budget or, with {@code candidates_per_hit}, with a budget for this query.
 *
 * <pre>
 * {"annoy_knn": {"field": "embedding", "vector": [0.1, ...], "k": 10,
 *                "filter": {"term": {"tag": "news"}}, "candidates_per_hit": 200}}
 * </pre>
 *
 * It becomes Lucene's {@link KnnFloatVectorQuery} (or {@link AnnoyKnnFloatVectorQuery} with a
 * budget), so it scores as Lucene's k-NN queries do and combines in a {@code bool} query like any
 * other. Mistakes (an unknown field, a field of another type, a wrong dimension, {@code k} or the
 * budget out of range) fail the search with a 400 that says which.
 */
public final class AnnoyKnnQueryBuilder extends AbstractQueryBuilder<AnnoyKnnQueryBuilder> {

  public static final String NAME = "annoy_knn";

  /** Largest {@code k}: OpenSearch's default {@code index.max_result_window}. */
  public static final int MAXIMUM_K = 10_000;

  static final ParseField FIELD = new ParseField("field");
  static final ParseField VECTOR = new ParseField("vector");
  static final ParseField K = new ParseField("k");
  static final ParseField FILTER = new ParseField("filter");
  static final ParseField CANDIDATES_PER_HIT = new ParseField("candidates_per_hit");

  private final String fieldName;
  private final float[] vector;
  private final int k;
  private final QueryBuilder filter;
  private final Integer candidatesPerHit;

  /**
   * @param fieldName an {@code annoy_vector} field
   * @param vector the query vector, of the field's dimension
   * @param k hits per shard, in [1, {@value #MAXIMUM_K}]
   * @param filter the documents to search among, or null for all
   * @param candidatesPerHit this query's budget (leaf entries per hit, in [1, {@value
   *     AnnoyVectorsFormat#MAXIMUM_CANDIDATES_PER_HIT}]), or null for each segment's default
   */
  public AnnoyKnnQueryBuilder(
      String fieldName, float[] vector, int k, QueryBuilder filter, Integer candidatesPerHit) {
    if (Strings.isNullOrEmpty(fieldName)) {
      throw new IllegalArgumentException("[" + NAME + "] requires a [field]");
    }
    if (vector == null || vector.length == 0) {
      throw new IllegalArgumentException("[" + NAME + "] requires a non-empty [vector]");
    }
    for (int i = 0; i < vector.length; i++) {
      if (Float.isFinite(vector[i]) == false) {
        throw new IllegalArgumentException(
            "["
                + NAME
                + "] [vector] value ["
                + vector[i]
                + "] at position "
                + i
                + " is not a finite number");
      }
    }
    if (k < 1 || k > MAXIMUM_K) {
      throw new IllegalArgumentException(
          "[" + NAME + "] [k] must be in [1, " + MAXIMUM_K + "], got [" + k + "]");
    }
    if (candidatesPerHit != null
        && (candidatesPerHit < 1
            || candidatesPerHit > AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT)) {
      throw new IllegalArgumentException(
          "["
              + NAME
              + "] [candidates_per_hit] must be in [1, "
              + AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT
              + "], got ["
              + candidatesPerHit
              + "]");
    }
    this.fieldName = fieldName;
    this.vector = vector.clone();
    this.k = k;
    this.filter = filter;
    this.candidatesPerHit = candidatesPerHit;
  }

  /** Reads a query sent between nodes. */
  public AnnoyKnnQueryBuilder(StreamInput in) throws IOException {
    super(in);
    fieldName = in.readString();
    vector = in.readFloatArray();
    k = in.readVInt();
    filter = in.readOptionalNamedWriteable(QueryBuilder.class);
    candidatesPerHit = in.readOptionalVInt();
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(fieldName);
    out.writeFloatArray(vector);
    out.writeVInt(k);
    out.writeOptionalNamedWriteable(filter);
    out.writeOptionalVInt(candidatesPerHit);
  }

  public String fieldName() {
    return fieldName;
  }

  public float[] vector() {
    return vector.clone();
  }

  public int k() {
    return k;
  }

  public QueryBuilder filter() {
    return filter;
  }

  public Integer candidatesPerHit() {
    return candidatesPerHit;
  }

  @Override
  public String getWriteableName() {
    return NAME;
  }

  @Override
  protected void doXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(NAME);
    builder.field(FIELD.getPreferredName(), fieldName);
    builder.array(VECTOR.getPreferredName(), vector);
    builder.field(K.getPreferredName(), k);
    if (filter != null) {
      builder.field(FILTER.getPreferredName(), filter);
    }
    if (candidatesPerHit != null) {
      builder.field(CANDIDATES_PER_HIT.getPreferredName(), candidatesPerHit);
    }
    printBoostAndQueryName(builder);
    builder.endObject();
  }

  /** Parses the body of an {@code annoy_knn} query. */
  public static AnnoyKnnQueryBuilder fromXContent(XContentParser parser) throws IOException {
    String fieldName = null;
    float[] vector = null;
    Integer k = null;
    QueryBuilder filter = null;
    Integer candidatesPerHit = null;
    String queryName = null;
    float boost = DEFAULT_BOOST;
    String current = null;
    Token token;
    while ((token = parser.nextToken()) != Token.END_OBJECT) {
      if (token == Token.FIELD_NAME) {
        current = parser.currentName();
      } else if (VECTOR.match(current, parser.getDeprecationHandler())
          && token == Token.START_ARRAY) {
        vector = parseVector(parser);
      } else if (FILTER.match(current, parser.getDeprecationHandler())
          && token == Token.START_OBJECT) {
        filter = parseInnerQueryBuilder(parser);
      } else if (token.isValue()) {
        if (FIELD.match(current, parser.getDeprecationHandler())) {
          fieldName = parser.text();
        } else if (K.match(current, parser.getDeprecationHandler())) {
          k = intValue(parser, K);
        } else if (CANDIDATES_PER_HIT.match(current, parser.getDeprecationHandler())) {
          candidatesPerHit = intValue(parser, CANDIDATES_PER_HIT);
        } else if (NAME_FIELD.match(current, parser.getDeprecationHandler())) {
          queryName = parser.text();
        } else if (BOOST_FIELD.match(current, parser.getDeprecationHandler())) {
          boost = parser.floatValue();
        } else {
          throw unsupported(parser, current);
        }
      } else {
        throw unsupported(parser, current);
      }
    }
    if (fieldName == null) {
      throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] requires a [field]");
    }
    if (vector == null) {
      throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] requires a [vector]");
    }
    if (k == null) {
      throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] requires [k]");
    }
    AnnoyKnnQueryBuilder query;
    try {
      query = new AnnoyKnnQueryBuilder(fieldName, vector, k, filter, candidatesPerHit);
    } catch (IllegalArgumentException e) {
      throw new ParsingException(parser.getTokenLocation(), e.getMessage());
    }
    query.queryName(queryName);
    query.boost(boost);
    return query;
  }

  private static ParsingException unsupported(XContentParser parser, String field) {
    return new ParsingException(
        parser.getTokenLocation(), "[" + NAME + "] query does not support [" + field + "]");
  }

  private static int intValue(XContentParser parser, ParseField field) throws IOException {
    if (parser.currentToken() != Token.VALUE_NUMBER) {
      throw new ParsingException(
          parser.getTokenLocation(),
          "[" + NAME + "] [" + field.getPreferredName() + "] must be an integer");
    }
    double value = parser.doubleValue();
    if (value != Math.rint(value) || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new ParsingException(
          parser.getTokenLocation(),
          "[" + NAME + "] [" + field.getPreferredName() + "] must be an integer, got " + value);
    }
    return (int) value;
  }

  private static float[] parseVector(XContentParser parser) throws IOException {
    List<Float> values = new ArrayList<>();
    Token token;
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token != Token.VALUE_NUMBER) {
        throw new ParsingException(
            parser.getTokenLocation(),
            "[" + NAME + "] [vector] takes only numbers, got [" + token + "]");
      }
      values.add(parser.floatValue());
    }
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i);
    }
    return vector;
  }

  @Override
  protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
    if (filter != null) {
      QueryBuilder rewritten = filter.rewrite(context);
      if (rewritten != filter) {
        AnnoyKnnQueryBuilder query =
            new AnnoyKnnQueryBuilder(fieldName, vector, k, rewritten, candidatesPerHit);
        query.queryName(queryName());
        query.boost(boost());
        return query;
      }
    }
    return this;
  }

  @Override
  protected Query doToQuery(QueryShardContext context) throws IOException {
    MappedFieldType type = context.fieldMapper(fieldName);
    if (type == null) {
      throw new QueryShardException(
          context, "[" + NAME + "] field [" + fieldName + "] is not in the mapping");
    }
    if ((type instanceof AnnoyVectorFieldMapper.AnnoyVectorFieldType) == false) {
      throw new QueryShardException(
          context,
          "["
              + NAME
              + "] field ["
              + fieldName
              + "] is of type ["
              + type.typeName()
              + "], not ["
              + AnnoyVectorFieldMapper.CONTENT_TYPE
              + "]");
    }
    AnnoyVectorFieldMapper.AnnoyVectorFieldType vectorType =
        (AnnoyVectorFieldMapper.AnnoyVectorFieldType) type;
    if (vector.length != vectorType.dimension()) {
      throw new QueryShardException(
          context,
          "["
              + NAME
              + "] field ["
              + fieldName
              + "] has dimension ["
              + vectorType.dimension()
              + "], the query vector has ["
              + vector.length
              + "]");
    }
    String invalid = vectorType.similarity().invalidReason(vector);
    if (invalid != null && vectorType.similarity() == VectorSimilarity.COSINE) {
      throw new QueryShardException(
          context, "[" + NAME + "] field [" + fieldName + "]: query vector: " + invalid);
    }
    Query filterQuery = filter == null ? null : filter.toQuery(context);
    return candidatesPerHit == null
        ? new KnnFloatVectorQuery(fieldName, vector, k, filterQuery)
        : new AnnoyKnnFloatVectorQuery(fieldName, vector, k, filterQuery, candidatesPerHit);
  }

  @Override
  protected boolean doEquals(AnnoyKnnQueryBuilder other) {
    return fieldName.equals(other.fieldName)
        && Arrays.equals(vector, other.vector)
        && k == other.k
        && Objects.equals(filter, other.filter)
        && Objects.equals(candidatesPerHit, other.candidatesPerHit);
  }

  @Override
  protected int doHashCode() {
    return Objects.hash(fieldName, Arrays.hashCode(vector), k, filter, candidatesPerHit);
  }
}
