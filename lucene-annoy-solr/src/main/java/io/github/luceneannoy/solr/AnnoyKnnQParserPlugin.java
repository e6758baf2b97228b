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
