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

import java.io.IOException;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/** How a {@link Vector} maps to a Lucene document and back. */
final class Documents {
  private Documents() {}

  /** A live document of a searcher: its leaf and its id within the leaf. */
  record DocRef(LeafReaderContext leaf, int doc) {}

  static Document toDocument(Vector vector, VectorSimilarityFunction similarity) {
    Document doc = new Document();
    doc.add(new StringField(VectorDb.ID_FIELD, vector.id(), Field.Store.YES));
    doc.add(new KnnFloatVectorField(VectorDb.VECTOR_FIELD, vector.dataView(), similarity));
    Metadata metadata = vector.metadata();
    metadata
        .keywords()
        .forEach(
            (field, values) ->
                values.forEach(v -> doc.add(new StringField(field, v, Field.Store.YES))));
    metadata
        .texts()
        .forEach(
            (field, values) ->
                values.forEach(v -> doc.add(new TextField(field, v, Field.Store.YES))));
    return doc;
  }

  /** The live document with {@code id}, or null. Ids are unique, so the first live one is it. */
  static DocRef find(IndexSearcher searcher, String id) throws IOException {
    BytesRef term = new BytesRef(id);
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      Terms terms = leaf.reader().terms(VectorDb.ID_FIELD);
      if (terms == null) {
        continue;
      }
      TermsEnum termsEnum = terms.iterator();
      if (termsEnum.seekExact(term) == false) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      PostingsEnum postings = termsEnum.postings(null, PostingsEnum.NONE);
      for (int doc = postings.nextDoc();
          doc != DocIdSetIterator.NO_MORE_DOCS;
          doc = postings.nextDoc()) {
        if (live == null || live.get(doc)) {
          return new DocRef(leaf, doc);
        }
      }
    }
    return null;
  }

  /** The stored id of a document. */
  static String readId(LeafReader reader, int doc) throws IOException {
    return reader
        .storedFields()
        .document(doc, java.util.Set.of(VectorDb.ID_FIELD))
        .get(VectorDb.ID_FIELD);
  }

  /** The components of a document's vector, or null when it has none. */
  static float[] readVector(LeafReader reader, int doc) throws IOException {
    FloatVectorValues values = reader.getFloatVectorValues(VectorDb.VECTOR_FIELD);
    if (values == null || values.advance(doc) != doc) {
      return null;
    }
    return values.vectorValue().clone();
  }

  /**
   * The metadata of a stored document; a field indexed with frequencies is text, one indexed as
   * documents only is a keyword.
   */
  static Metadata readMetadata(LeafReader reader, Document stored) {
    FieldInfos infos = reader.getFieldInfos();
    Metadata.Builder builder = Metadata.builder();
    List<IndexableField> fields = stored.getFields();
    for (IndexableField field : fields) {
      String name = field.name();
      if (name.startsWith("_") || field.stringValue() == null) {
        continue;
      }
      FieldInfo info = infos.fieldInfo(name);
      if (info != null && info.getIndexOptions() == IndexOptions.DOCS) {
        builder.keyword(name, field.stringValue());
      } else {
        builder.text(name, field.stringValue());
      }
    }
    return builder.build();
  }
}
