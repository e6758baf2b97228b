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
import io.github.luceneannoy.search.AnnoyKnnByteVectorQuery;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrException.ErrorCode;
import org.apache.solr.common.params.SolrParams;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.schema.DenseVectorField;
import org.apache.solr.schema.SchemaField;
import org.apache.solr.search.SyntaxError;
import org.apache.solr.search.neural.AbstractVectorQParserBase;
import org.apache.solr.util.vector.DenseVectorParser;

/**
 * {@code {!annoyknn f=vector topK=10 candidatesPerHit=200}[0.1, 0.2, ...]}: a k-NN query on a dense
 * vector field, taking the same local parameters as Solr's {@code {!knn}} (including {@code fq}
 * pre-filtering, {@code preFilter}, {@code includeTags} and {@code excludeTags}, which the shared
 * base class handles) plus {@code candidatesPerHit}, the Annoy search budget for this request.
 *
 * <p>Without {@code candidatesPerHit} it builds exactly the query {@code {!knn}} builds, and each
 * segment is searched with the default budget it calibrated, when it was written, for its field
 * type's {@code targetRecall}. With it, each segment gathers up to {@code candidatesPerHit × topK}
 * distinct candidates instead. {@code candidatesPerHit} is rejected on a field that is not stored
 * with the Annoy format, where it could have no effect. As with {@code {!knn}}, {@code topK} hits
 * come from each shard.
 *
 * <p>The budgeted queries are built from this plugin's own classes even when Lucene reads the
 * segments with another copy of them (several nodes in one JVM): {@link
 * io.github.luceneannoy.search.BudgetedKnnCollector} carries the budget across class loaders.
 */
public class AnnoyKnnQParser extends AbstractVectorQParserBase {

  /** Local parameter: hits per shard. */
  public static final String TOP_K = "topK";

  /** Local parameter: distinct candidates scored per requested hit. */
  public static final String CANDIDATES_PER_HIT = "candidatesPerHit";

  /** The same default as {@code {!knn}}. */
  static final int DEFAULT_TOP_K = 10;

  public AnnoyKnnQParser(
      String qstr, SolrParams localParams, SolrParams params, SolrQueryRequest req) {
    super(qstr, localParams, params, req);
  }

  @Override
  public Query parse() throws SyntaxError {
    SchemaField field = req.getSchema().getField(getFieldName());
    DenseVectorField type = getCheckedFieldType(field);
    String vector = getVectorToSearch();
    int topK = localParams.getInt(TOP_K, DEFAULT_TOP_K);
    Integer candidatesPerHit = candidatesPerHit();
    Query filter = getFilterQuery();
    if (candidatesPerHit == null) {
      return type.getKnnVectorQuery(field.getName(), vector, topK, filter);
    }
    checkBudget(field, candidatesPerHit);
    DenseVectorParser parsed = type.getVectorBuilder(vector, DenseVectorParser.BuilderPhase.QUERY);
    switch (type.getVectorEncoding()) {
      case BYTE:
        return new AnnoyKnnByteVectorQuery(
            field.getName(), parsed.getByteVector(), topK, filter, candidatesPerHit);
      case FLOAT32:
        return new AnnoyKnnFloatVectorQuery(
            field.getName(), parsed.getFloatVector(), topK, filter, candidatesPerHit);
      default:
        throw new SolrException(
            ErrorCode.SERVER_ERROR, "unsupported vector encoding " + type.getVectorEncoding());
    }
  }

  private Integer candidatesPerHit() {
    String value = localParams.get(CANDIDATES_PER_HIT);
    if (value == null) {
      return null;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new SolrException(
          ErrorCode.BAD_REQUEST, CANDIDATES_PER_HIT + " must be an integer, got \"" + value + "\"");
    }
  }

  private static void checkBudget(SchemaField field, int candidatesPerHit) {
    if (!AnnoyVectorFields.isAnnoy(field.getType())) {
      throw new SolrException(
          ErrorCode.BAD_REQUEST,
          CANDIDATES_PER_HIT
              + " applies only to fields stored with knnAlgorithm=\"annoy\"; field \""
              + field.getName()
              + "\" is not");
    }
    if (candidatesPerHit < 1 || candidatesPerHit > AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT) {
      throw new SolrException(
          ErrorCode.BAD_REQUEST,
          CANDIDATES_PER_HIT
              + " must be in [1, "
              + AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT
              + "], got "
              + candidatesPerHit);
    }
  }
}
