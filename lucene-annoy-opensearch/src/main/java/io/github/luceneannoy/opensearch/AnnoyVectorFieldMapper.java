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
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.index.mapper.ArraySourceValueFetcher;
import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.search.lookup.SearchLookup;

/**
 * The {@code annoy_vector} field: one float vector per document, indexed as a Lucene {@link
 * KnnFloatVectorField} and written with an {@link AnnoyVectorsFormat} built from the mapping's
 * parameters (the plugin's codec service asks the field type for it).
 *
 * <pre>
 * "embedding": {"type": "annoy_vector", "dimension": 384, "similarity": "cosine",
 *               "num_trees": 2, "max_leaf_size": 256, "branching": 16, "target_recall": 0.95}
 * </pre>
 *
 * Every parameter is checked when the mapping is parsed, and every value when a document is: a
 * mistake is a {@link MapperParsingException} (HTTP 400) naming the field, and nothing is indexed.
 */
public final class AnnoyVectorFieldMapper extends ParametrizedFieldMapper {

  public static final String CONTENT_TYPE = "annoy_vector";

  public static final String DIMENSION = "dimension";
  public static final String SIMILARITY = "similarity";
  public static final String NUM_TREES = "num_trees";
  public static final String MAX_LEAF_SIZE = "max_leaf_size";
  public static final String BRANCHING = "branching";
  public static final String TARGET_RECALL = "target_recall";
  public static final String SEED = "seed";

  /** Smallest dimension: a forest split needs at least two coordinates. */
  public static final int MINIMUM_DIMENSION = 2;

  /** The default similarity, as OpenSearch's k-NN plugin has it. */
  public static final String DEFAULT_SIMILARITY = VectorSimilarity.L2_NORM.mappingName();

  public static final TypeParser PARSER =
      new TypeParser(
          (name, context) -> {
            if (AnnoyIndexSettings.enabled(context.getSettings()) == false) {
              throw new MapperParsingException(
                  "field ["
                      + name
                      + "] of type ["
                      + CONTENT_TYPE
                      + "] needs the index setting ["
                      + AnnoyIndexSettings.ANNOY_ENABLED.getKey()
                      + ": true] (set when the index is created)");
            }
            return new Builder(name);
          });

  private static AnnoyVectorFieldMapper toType(FieldMapper in) {
    return (AnnoyVectorFieldMapper) in;
  }

  /** Parses and checks the mapping parameters. */
  public static final class Builder extends ParametrizedFieldMapper.Builder {

    private final Parameter<Integer> dimension =
        intParameter(DIMENSION, m -> toType(m).fieldType().dimension(), -1)
            .alwaysSerialize()
            .setValidator(
                d -> {
                  if (d == -1) {
                    throw error("[" + DIMENSION + "] is required");
                  }
                  checkRange(
                      DIMENSION, d, MINIMUM_DIMENSION, AnnoyVectorsFormat.MAXIMUM_DIMENSIONS);
                });
    private final Parameter<String> similarity =
        Parameter.stringParam(
                SIMILARITY,
                false,
                m -> toType(m).fieldType().similarity().mappingName(),
                DEFAULT_SIMILARITY)
            .alwaysSerialize()
            .setValidator(
                s -> {
                  try {
                    VectorSimilarity.fromMappingName(s);
                  } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                  }
                });
    private final Parameter<Integer> numTrees =
        intParameter(
                NUM_TREES, m -> toType(m).format().numTrees(), AnnoyVectorsFormat.DEFAULT_NUM_TREES)
            .setValidator(v -> checkRange(NUM_TREES, v, 1, AnnoyVectorsFormat.MAXIMUM_NUM_TREES));
    private final Parameter<Integer> maxLeafSize =
        intParameter(
                MAX_LEAF_SIZE,
                m -> toType(m).format().maxLeafSize(),
                AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE)
            .setValidator(
                v -> checkRange(MAX_LEAF_SIZE, v, 1, AnnoyVectorsFormat.MAXIMUM_MAX_LEAF_SIZE));
    private final Parameter<Integer> branching =
        intParameter(
                BRANCHING,
                m -> toType(m).format().branching(),
                AnnoyVectorsFormat.DEFAULT_BRANCHING)
            .setValidator(v -> checkRange(BRANCHING, v, 2, AnnoyVectorsFormat.MAXIMUM_BRANCHING));
    private final Parameter<Float> targetRecall =
        new Parameter<>(
                TARGET_RECALL,
                false,
                () -> AnnoyVectorsFormat.DEFAULT_TARGET_RECALL,
                (n, c, o) -> (float) number(n, TARGET_RECALL, o, false),
                m -> toType(m).format().targetRecall())
            .setValidator(
                v -> {
                  if ((v > 0 && v <= 1) == false) {
                    throw error("[" + TARGET_RECALL + "] must be in (0, 1], got [" + v + "]");
                  }
                });
    private final Parameter<Long> seed =
        new Parameter<>(
            SEED,
            false,
            () -> AnnoyVectorsFormat.DEFAULT_SEED,
            (n, c, o) -> (long) number(n, SEED, o, true),
            m -> toType(m).format().seed());
    private final Parameter<Map<String, String>> meta = Parameter.metaParam();

    public Builder(String name) {
      super(name);
    }

    @Override
    protected List<Parameter<?>> getParameters() {
      return Arrays.asList(
          dimension, similarity, numTrees, maxLeafSize, branching, targetRecall, seed, meta);
    }

    @Override
    public AnnoyVectorFieldMapper build(BuilderContext context) {
      AnnoyVectorsFormat format;
      try {
        format =
            new AnnoyVectorsFormat(
                numTrees.getValue(),
                maxLeafSize.getValue(),
                branching.getValue(),
                targetRecall.getValue(),
                seed.getValue());
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
      AnnoyVectorFieldType type =
          new AnnoyVectorFieldType(
              buildFullName(context),
              dimension.getValue(),
              VectorSimilarity.fromMappingName(similarity.getValue()),
              format,
              meta.getValue());
      return new AnnoyVectorFieldMapper(
          name, type, multiFieldsBuilder.build(this, context), copyTo.build(), this);
    }

    private MapperParsingException error(String message) {
      return new MapperParsingException(
          "field [" + name + "] of type [" + CONTENT_TYPE + "]: " + message);
    }

    private void checkRange(String parameter, int value, int min, int max) {
      if (value < min || value > max) {
        throw error(
            "[" + parameter + "] must be in [" + min + ", " + max + "], got [" + value + "]");
      }
    }

    private Parameter<Integer> intParameter(
        String parameter, Function<FieldMapper, Integer> initializer, int defaultValue) {
      return new Parameter<>(
          parameter,
          false,
          () -> defaultValue,
          (n, c, o) -> {
            double v = number(n, parameter, o, true);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
              throw error("[" + parameter + "] must be an integer, got [" + o + "]");
            }
            return (int) v;
          },
          initializer);
    }

    /** A number, or a numeric string, in a mapping; an integer if {@code integral}. */
    private double number(String field, String parameter, Object value, boolean integral) {
      double v;
      if (value instanceof Number) {
        v = ((Number) value).doubleValue();
      } else if (value instanceof String) {
        try {
          v = Double.parseDouble((String) value);
        } catch (NumberFormatException e) {
          v = Double.NaN;
        }
      } else {
        v = Double.NaN;
      }
      if (Double.isFinite(v) == false || (integral && v != Math.rint(v))) {
        throw error(
            "["
                + parameter
                + "] must be "
                + (integral ? "an integer" : "a number")
                + ", got ["
                + value
                + "]");
      }
      return v;
    }
  }

  /** The field type: its dimension, similarity and format; it answers only {@code annoy_knn}. */
  public static final class AnnoyVectorFieldType extends MappedFieldType {
    private final int dimension;
    private final VectorSimilarity similarity;
    private final AnnoyVectorsFormat format;

    AnnoyVectorFieldType(
        String name,
        int dimension,
        VectorSimilarity similarity,
        AnnoyVectorsFormat format,
        Map<String, String> meta) {
      super(name, true, false, false, TextSearchInfo.NONE, meta);
      this.dimension = dimension;
      this.similarity = similarity;
      this.format = format;
    }

    public int dimension() {
      return dimension;
    }

    VectorSimilarity similarity() {
      return similarity;
    }

    /** The format the plugin's codec writes this field with. */
    public AnnoyVectorsFormat format() {
      return format;
    }

    @Override
    public String typeName() {
      return CONTENT_TYPE;
    }

    @Override
    public ValueFetcher valueFetcher(
        QueryShardContext context, SearchLookup searchLookup, String format) {
      if (format != null) {
        throw new IllegalArgumentException(
            "field [" + name() + "] of type [" + typeName() + "] doesn't support formats");
      }
      return new ArraySourceValueFetcher(name(), context) {
        @Override
        protected Object parseSourceValue(Object value) {
          return value;
        }
      };
    }

    @Override
    public Query existsQuery(QueryShardContext context) {
      return new FieldExistsQuery(name());
    }

    @Override
    public Query termQuery(Object value, QueryShardContext context) {
      throw new QueryShardException(
          context,
          "field ["
              + name()
              + "] of type ["
              + typeName()
              + "] can only be searched with an ["
              + AnnoyKnnQueryBuilder.NAME
              + "] query");
    }
  }

  private AnnoyVectorFieldMapper(
      String simpleName,
      AnnoyVectorFieldType type,
      MultiFields multiFields,
      CopyTo copyTo,
      Builder builder) {
    super(simpleName, type, multiFields, copyTo);
  }

  @Override
  public AnnoyVectorFieldType fieldType() {
    return (AnnoyVectorFieldType) super.fieldType();
  }

  AnnoyVectorsFormat format() {
    return fieldType().format();
  }

  @Override
  public boolean parsesArrayValue() {
    return true;
  }

  @Override
  protected void parseCreateField(ParseContext context) throws IOException {
    AnnoyVectorFieldType type = fieldType();
    XContentParser parser = context.parser();
    Token token = parser.currentToken();
    if (token == Token.VALUE_NULL) {
      return;
    }
    if (token != Token.START_ARRAY) {
      throw valueError("takes an array of " + type.dimension() + " numbers, got [" + token + "]");
    }
    float[] vector = new float[type.dimension()];
    int count = 0;
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token != Token.VALUE_NUMBER) {
        throw valueError("takes only numbers, got [" + token + "] at position " + count);
      }
      if (count == vector.length) {
        throw valueError("has dimension [" + type.dimension() + "], got more values");
      }
      vector[count++] = parser.floatValue();
    }
    if (count != vector.length) {
      throw valueError("has dimension [" + type.dimension() + "], got [" + count + "] values");
    }
    String invalid = type.similarity().invalidReason(vector);
    if (invalid != null) {
      throw valueError(invalid);
    }
    if (context.doc().getByKey(type.name()) != null) {
      throw valueError("takes one vector per document");
    }
    context
        .doc()
        .addWithKey(
            type.name(),
            new KnnFloatVectorField(type.name(), vector, type.similarity().function()));
  }

  private IllegalArgumentException valueError(String message) {
    return new IllegalArgumentException(
        "field [" + name() + "] of type [" + CONTENT_TYPE + "] " + message);
  }

  @Override
  public ParametrizedFieldMapper.Builder getMergeBuilder() {
    return new Builder(simpleName()).init(this);
  }

  @Override
  protected String contentType() {
    return CONTENT_TYPE;
  }
}
