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

import org.apache.solr.common.params.SolrParams;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.search.QParser;
import org.apache.solr.search.QParserPlugin;

/**
 * Registers {@code {!annoyknn}}: Solr's {@code {!knn}} plus a per-request Annoy search budget. In
 * solrconfig.xml:
 *
 * <pre>
 * &lt;queryParser name="annoyknn" class="io.github.luceneannoy.solr.AnnoyKnnQParserPlugin"/&gt;
 * </pre>
 *
 * @see AnnoyKnnQParser
 */
public class AnnoyKnnQParserPlugin extends QParserPlugin {

  /** The name the example configset registers the parser under. */
  public static final String NAME = "annoyknn";

  @Override
  public QParser createParser(
      String qstr, SolrParams localParams, SolrParams params, SolrQueryRequest req) {
    return new AnnoyKnnQParser(qstr, localParams, params, req);
  }
}
