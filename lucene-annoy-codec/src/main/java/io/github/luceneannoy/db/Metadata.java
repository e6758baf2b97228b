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

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Vector} carries besides its data, for filters and hybrid search: <b>keywords</b>,
 * exact values matched as a whole (a label, a category, a tag; a field may hold several), and
 * <b>text</b>, analysed into words and searchable by relevance (BM25).
 *
 * <p>Each name is indexed as a Lucene field of that name, so a {@link
 * org.apache.lucene.search.Query} can use it directly: {@code new TermQuery(new Term("label",
 * "Sneaker"))} for a keyword, any text query for a text field. A name must be used for one kind
 * only (keyword or text) across the whole database, must not be empty and must not start with
 * {@code _} (reserved for the database's own fields).
 *
 * <p>Immutable; build one with {@link #builder()}.
 */
public final class Metadata {

  /** No keywords and no text. */
  public static final Metadata EMPTY = new Metadata(Map.of(), Map.of());

  private final Map<String, List<String>> keywords;
  private final Map<String, List<String>> texts;

  private Metadata(Map<String, List<String>> keywords, Map<String, List<String>> texts) {
    this.keywords = keywords;
    this.texts = texts;
  }

  /** A builder of metadata. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keyword values by field name, in the order added. */
  public Map<String, List<String>> keywords() {
    return keywords;
  }

  /** Text values by field name, in the order added. */
  public Map<String, List<String>> texts() {
    return texts;
  }

  /** The first keyword of {@code field}, or null when it has none. */
  public String keyword(String field) {
    List<String> values = keywords.get(field);
    return values == null ? null : values.get(0);
  }

  /** The first text of {@code field}, or null when it has none. */
  public String text(String field) {
    List<String> values = texts.get(field);
    return values == null ? null : values.get(0);
  }

  public boolean isEmpty() {
    return keywords.isEmpty() && texts.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata
        && keywords.equals(((Metadata) o).keywords)
        && texts.equals(((Metadata) o).texts);
  }

  @Override
  public int hashCode() {
    return 31 * keywords.hashCode() + texts.hashCode();
  }

  @Override
  public String toString() {
    return "Metadata{keywords=" + keywords + ", texts=" + texts + "}";
  }

  /** Checks a metadata field name; the reserved prefix keeps user fields off the id and vector. */
  static String checkFieldName(String field) {
    Objects.requireNonNull(field, "field");
    if (field.isEmpty()) {
      throw new IllegalArgumentException("metadata field name must not be empty");
    }
    if (field.startsWith("_")) {
      throw new IllegalArgumentException(
          "metadata field name must not start with '_' (reserved), got \"" + field + "\"");
    }
    return field;
  }

  /** Collects keywords and texts; a field may be given several values. */
  public static final class Builder {
    private final Map<String, List<String>> keywords = new LinkedHashMap<>();
    private final Map<String, List<String>> texts = new LinkedHashMap<>();

    private Builder() {}

    /** Adds keyword {@code values} to {@code field}. */
    public Builder keyword(String field, String... values) {
      return add(keywords, texts, field, values, "keyword");
    }

    /** Adds text {@code values} to {@code field}. */
    public Builder text(String field, String... values) {
      return add(texts, keywords, field, values, "text");
    }

    private Builder add(
        Map<String, List<String>> into,
        Map<String, List<String>> other,
        String field,
        String[] values,
        String kind) {
      checkFieldName(field);
      if (other.containsKey(field)) {
        throw new IllegalArgumentException(
            "field \"" + field + "\" cannot be both keyword and text");
      }
      for (String value : values) {
        Objects.requireNonNull(value, () -> kind + " value of field \"" + field + "\"");
        into.computeIfAbsent(field, f -> new ArrayList<>()).add(value);
      }
      return this;
    }

    public Metadata build() {
      if (keywords.isEmpty() && texts.isEmpty()) {
        return EMPTY;
      }
      return new Metadata(freeze(keywords), freeze(texts));
    }

    private static Map<String, List<String>> freeze(Map<String, List<String>> map) {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      map.forEach((field, values) -> copy.put(field, List.copyOf(values)));
      return Collections.unmodifiableMap(copy);
    }
  }
}
