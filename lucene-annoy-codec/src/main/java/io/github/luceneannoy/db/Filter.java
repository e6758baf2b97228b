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
package io.github.luceneannoy.db;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

/**
 * A condition on a vector's {@link Metadata}, applied before the nearest neighbours are chosen
 * (pre-filtering): a filtered search returns the {@code k} nearest vectors among those that match,
 * not the matching ones among the {@code k} nearest.
 *
 * <pre class="prettyprint">
 * Filter footwear = Filter.anyKeyword("label", "Sneaker", "Sandal");
 * Filter white = Filter.text("caption", "white");
 * db.search(query, 10, Filter.and(footwear, Filter.not(white)));
 * </pre>
 *
 * Any Lucene {@link Query} can be a filter too, through {@link #query(Query)} or {@link
 * VectorDb#search(float[], int, Query)}. Immutable and thread-safe.
 */
public final class Filter {
  private final Function<Analyzer, Query> toQuery;
  private final String description;

  private Filter(Function<Analyzer, Query> toQuery, String description) {
    this.toQuery = toQuery;
    this.description = description;
  }

  /** Vectors whose keyword field {@code field} holds {@code value} (exactly, case included). */
  public static Filter keyword(String field, String value) {
    Metadata.checkFieldName(field);
    Objects.requireNonNull(value, "value");
    return new Filter(a -> new TermQuery(new Term(field, value)), field + "=" + value);
  }

  /** Vectors whose keyword field {@code field} holds at least one of {@code values}. */
  public static Filter anyKeyword(String field, String... values) {
    Metadata.checkFieldName(field);
    List<BytesRef> terms = Arrays.stream(values).map(BytesRef::new).collect(Collectors.toList());
    return new Filter(
        a -> new TermInSetQuery(field, terms), field + " in " + Arrays.toString(values));
  }

  /**
   * Vectors whose text field {@code field} contains every word of {@code words}, after the same
   * analysis as the indexed text (so case and punctuation do not matter). Words that analyse to
   * nothing match nothing.
   */
  public static Filter text(String field, String words) {
    Metadata.checkFieldName(field);
    Objects.requireNonNull(words, "words");
    return new Filter(
        analyzer -> {
          Query query = new QueryBuilder(analyzer).createBooleanQuery(field, words, Occur.MUST);
          return query == null ? new MatchNoDocsQuery("no words in \"" + words + "\"") : query;
        },
        field + " has \"" + words + "\"");
  }

  /** Vectors that every one of {@code filters} accepts. */
  public static Filter and(Filter... filters) {
    return combine(filters, Occur.FILTER, " AND ");
  }

  /** Vectors that at least one of {@code filters} accepts. */
  public static Filter or(Filter... filters) {
    return combine(filters, Occur.SHOULD, " OR ");
  }

  /** Vectors that {@code filter} rejects. */
  public static Filter not(Filter filter) {
    Objects.requireNonNull(filter, "filter");
    return new Filter(
        analyzer ->
            new BooleanQuery.Builder()
                .add(new MatchAllDocsQuery(), Occur.FILTER)
                .add(filter.toQuery(analyzer), Occur.MUST_NOT)
                .build(),
        "NOT (" + filter + ")");
  }

  /** Vectors that a Lucene {@code query} matches (its scores are ignored). */
  public static Filter query(Query query) {
    Objects.requireNonNull(query, "query");
    return new Filter(a -> query, query.toString());
  }

  private static Filter combine(Filter[] filters, Occur occur, String separator) {
    if (filters.length == 0) {
      throw new IllegalArgumentException("need at least one filter");
    }
    List<Filter> parts = List.of(filters);
    return new Filter(
        analyzer -> {
          BooleanQuery.Builder builder = new BooleanQuery.Builder();
          parts.forEach(f -> builder.add(f.toQuery(analyzer), occur));
          return builder.build();
        },
        parts.stream().map(f -> "(" + f + ")").collect(Collectors.joining(separator)));
  }

  /** The Lucene query this filter stands for, analysing text with {@code analyzer}. */
  public Query toQuery(Analyzer analyzer) {
    return toQuery.apply(analyzer);
  }

  @Override
  public String toString() {
    return description;
  }
}
