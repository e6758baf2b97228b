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
package io.github.luceneannoy.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Rescorer;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;

/**
 * Re-ranks the hits of a first search (typically BM25 text search) by the similarity of their
 * vectors to a query vector, computed exactly with the vector field's own similarity function, so
 * the new scores are those a k-NN query on the field would give. Hits without a vector in the field
 * are dropped.
 *
 * <pre class="prettyprint">
 * TopDocs text = searcher.search(textQuery, 100);              // recall from text
 * TopDocs reranked = new VectorSimilarityRescorer("embedding", query).rescore(searcher, text, 10);
 * </pre>
 */
public final class VectorSimilarityRescorer extends Rescorer {
  private static final Comparator<ScoreDoc> BEST_FIRST =
      Comparator.<ScoreDoc>comparingDouble(sd -> sd.score)
          .reversed()
          .thenComparingInt(sd -> sd.doc);

  private final String field;
  private final float[] query;

  /**
   * @param field a float vector field
   * @param query the vector to compare hits with; its dimension must be the field's
   */
  public VectorSimilarityRescorer(String field, float[] query) {
    this.field = Objects.requireNonNull(field, "field");
    this.query = Objects.requireNonNull(query, "query").clone();
  }

  @Override
  public TopDocs rescore(IndexSearcher searcher, TopDocs firstPass, int topN) throws IOException {
    ScoreDoc[] byDoc = firstPass.scoreDocs.clone();
    // vector values are forward-only iterators, so visit hits in doc order
    Arrays.sort(byDoc, Comparator.comparingInt(sd -> sd.doc));
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    List<ScoreDoc> rescored = new ArrayList<>(byDoc.length);
    LeafReaderContext leaf = null;
    FloatVectorValues values = null;
    FieldInfo info = null;
    for (ScoreDoc hit : byDoc) {
      if (leaf == null || hit.doc >= leaf.docBase + leaf.reader().maxDoc()) {
        leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
        values = leaf.reader().getFloatVectorValues(field);
        info = leaf.reader().getFieldInfos().fieldInfo(field);
      }
      int doc = hit.doc - leaf.docBase;
      if (values != null && advanceTo(values, doc)) {
        float score = info.getVectorSimilarityFunction().compare(query, values.vectorValue());
        rescored.add(new ScoreDoc(hit.doc, score));
      }
    }
    rescored.sort(BEST_FIRST);
    return new TopDocs(
        new TotalHits(rescored.size(), TotalHits.Relation.EQUAL_TO),
        rescored.subList(0, Math.min(topN, rescored.size())).toArray(new ScoreDoc[0]));
  }

  /** Positions {@code values} on {@code doc} if it has a vector; targets only ever increase. */
  private static boolean advanceTo(FloatVectorValues values, int doc) throws IOException {
    int current = values.docID();
    return current == doc || (current < doc && values.advance(doc) == doc);
  }

  @Override
  public Explanation explain(IndexSearcher searcher, Explanation firstPassExplanation, int docID)
      throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docID, leaves));
    FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
    int doc = docID - leaf.docBase;
    if (values == null || values.advance(doc) != doc) {
      return Explanation.noMatch("no vector in field " + field, firstPassExplanation);
    }
    FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
    float score = info.getVectorSimilarityFunction().compare(query, values.vectorValue());
    return Explanation.match(
        score,
        info.getVectorSimilarityFunction()
            + " similarity of field "
            + field
            + " to the query vector",
        firstPassExplanation);
  }
}
