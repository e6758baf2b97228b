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

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperService;

/**
 * A codec of OpenSearch with one change: a field mapped as {@code annoy_vector} gets the Annoy
 * format of its mapping. It keeps the wrapped codec's name, so segments record Lucene's standard
 * codec and name the Annoy format per field (Lucene's per-field vector format); they are read back
 * by those names through Lucene's SPI, whatever codec service opens them.
 */
final class AnnoyMappingCodec extends FilterCodec {
  private final KnnVectorsFormat knnVectorsFormat;

  AnnoyMappingCodec(Codec openSearchCodec, MapperService mapperService) {
    super(openSearchCodec.getName(), openSearchCodec);
    KnnVectorsFormat original = openSearchCodec.knnVectorsFormat();
    this.knnVectorsFormat =
        new PerFieldKnnVectorsFormat() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            MappedFieldType type = mapperService.fieldType(field);
            if (type instanceof AnnoyVectorFieldMapper.AnnoyVectorFieldType) {
              return ((AnnoyVectorFieldMapper.AnnoyVectorFieldType) type).format();
            }
            return original instanceof PerFieldKnnVectorsFormat
                ? ((PerFieldKnnVectorsFormat) original).getKnnVectorsFormatForField(field)
                : original;
          }
        };
  }

  @Override
  public KnnVectorsFormat knnVectorsFormat() {
    return knnVectorsFormat;
  }
}
