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
package io.github.luceneannoy.examples;

import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.Query;

/**
 * Lucene's classic query syntax ({@code label:Sneaker OR label:"Ankle boot"}, {@code
 * description:shoe}) over an index's own fields: keyword fields (indexed without frequencies) are
 * matched exactly, text fields through the analyser VectorDb indexes them with.
 */
final class QuerySyntax {
  private QuerySyntax() {}

  /**
   * @param defaultField the field of terms that name none
   * @throws ParseException when {@code text} is not valid query syntax
   */
  static Query parse(String text, IndexReader reader, String defaultField) throws ParseException {
    Map<String, Analyzer> keywordFields = new HashMap<>();
    for (FieldInfo info : FieldInfos.getMergedFieldInfos(reader)) {
      if (info.getIndexOptions() == IndexOptions.DOCS) {
        keywordFields.put(info.name, new KeywordAnalyzer());
      }
    }
    Analyzer analyzer = new PerFieldAnalyzerWrapper(new StandardAnalyzer(), keywordFields);
    try {
      return new QueryParser(defaultField, analyzer).parse(text);
    } catch (ParseException e) {
      ParseException clear =
          new ParseException("cannot parse query '" + text + "': " + firstLine(e));
      clear.initCause(e);
      throw clear;
    }
  }

  /** A text field of the index, for terms without a field, or the id field when there is none. */
  static String defaultTextField(IndexReader reader, String fallback) {
    for (FieldInfo info : FieldInfos.getMergedFieldInfos(reader)) {
      if (info.getIndexOptions().compareTo(IndexOptions.DOCS_AND_FREQS) >= 0) {
        return info.name;
      }
    }
    return fallback;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
