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

import java.util.function.Function;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.solr.schema.DenseVectorField;
import org.apache.solr.schema.SchemaField;

/**
 * Solr's schema codec with one change: vector fields whose type asks for {@code annoy} are written
 * with the Annoy format; every other choice (postings, doc values, stored-field compression, the
 * vector format of every other field) is the wrapped codec's.
 *
 * <p>It takes the wrapped codec's name, so segments record the standard Lucene codec and reopen
 * without this class: the per-field vector format is recorded in each field's attributes and found
 * by its SPI name.
 */
final class AnnoySchemaCodec extends FilterCodec {
  private final KnnVectorsFormat knnVectorsFormat;

  /**
   * @param solrCodec the codec of Solr's schema codec factory
   * @param schemaField the latest schema's field of a name, or null
   */
  AnnoySchemaCodec(Codec solrCodec, Function<String, SchemaField> schemaField) {
    super(solrCodec.getName(), solrCodec);
    if (!(solrCodec.knnVectorsFormat() instanceof PerFieldKnnVectorsFormat)) {
      throw new IllegalArgumentException(
          "expected a per-field vector format in "
              + solrCodec
              + ", got "
              + solrCodec.knnVectorsFormat());
    }
    PerFieldKnnVectorsFormat solrFormats = (PerFieldKnnVectorsFormat) solrCodec.knnVectorsFormat();
    this.knnVectorsFormat =
        new PerFieldKnnVectorsFormat() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            SchemaField sf = schemaField.apply(field);
            if (sf != null && AnnoyVectorFields.isAnnoy(sf.getType())) {
              return AnnoyVectorFields.formatOf((DenseVectorField) sf.getType());
            }
            return solrFormats.getKnnVectorsFormatForField(field);
          }
        };
  }

  @Override
  public KnnVectorsFormat knnVectorsFormat() {
    return knnVectorsFormat;
  }
}
