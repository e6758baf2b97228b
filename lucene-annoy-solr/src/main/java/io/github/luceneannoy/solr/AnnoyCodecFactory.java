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

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrException.ErrorCode;
import org.apache.solr.common.util.NamedList;
import org.apache.solr.core.SchemaCodecFactory;
import org.apache.solr.core.SolrCore;
import org.apache.solr.schema.DenseVectorField;
import org.apache.solr.schema.FieldType;
import org.apache.solr.schema.IndexSchema;

/**
 * Solr's {@link SchemaCodecFactory}, plus the Annoy format for every {@code DenseVectorField} type
 * with {@code knnAlgorithm="annoy"} (or of class {@link AnnoyDenseVectorField}). Everything else,
 * including {@code compressionMode} and HNSW vector fields, behaves exactly as with the stock
 * factory. In solrconfig.xml:
 *
 * <pre>
 * &lt;codecFactory class="io.github.luceneannoy.solr.AnnoyCodecFactory"/&gt;
 * </pre>
 *
 * <p>The stock factory rejects any {@code knnAlgorithm} but {@code hnsw} when the first vector is
 * written; its per-field choice is made inside a private codec, so this factory wraps that codec
 * rather than overriding a method.
 */
public class AnnoyCodecFactory extends SchemaCodecFactory {
  private volatile SolrCore core;
  private volatile Codec codec;

  @Override
  public void init(NamedList<?> args) {
    super.init(args);
    // Solr reloads Lucene's postings, doc-values and codec SPI after adding plugin jars, but not
    // the vector formats: without this, segments written with the Annoy format through this codec
    // could not be reopened ("unknown KnnVectorsFormat"). This class's loader is the one that holds
    // the plugin jar, so it sees the format's service entry. Runs before the core opens its index.
    KnnVectorsFormat.reloadKnnVectorsFormat(getClass().getClassLoader());
  }

  @Override
  public void inform(SolrCore core) {
    super.inform(core);
    checkFieldTypes(core.getLatestSchema());
    // Solr informs the codec factory early, before the index opens, and again with the other
    // core-aware plugins; the codec must stay the one the index writer already holds.
    synchronized (this) {
      if (codec == null) {
        this.core = core;
        codec =
            new AnnoySchemaCodec(
                super.getCodec(), field -> this.core.getLatestSchema().getFieldOrNull(field));
      }
    }
  }

  @Override
  public Codec getCodec() {
    if (codec == null) {
      throw new IllegalStateException("inform(SolrCore) must be called before getCodec()");
    }
    return codec;
  }

  /**
   * Reports, when the core loads, what the stock factory would only report at the first document:
   * an unknown algorithm or an Annoy dimension beyond the format's limit.
   */
  private static void checkFieldTypes(IndexSchema schema) {
    for (FieldType type : schema.getFieldTypes().values()) {
      if (!(type instanceof DenseVectorField)) {
        continue;
      }
      DenseVectorField vectorType = (DenseVectorField) type;
      String algorithm = vectorType.getKnnAlgorithm();
      if (AnnoyVectorFields.ANNOY_ALGORITHM.equals(algorithm)) {
        AnnoyVectorFields.checkDimension(type.getTypeName(), vectorType.getDimension());
      } else if (!DenseVectorField.HNSW_ALGORITHM.equals(algorithm)) {
        throw new SolrException(
            ErrorCode.SERVER_ERROR,
            "fieldType \""
                + type.getTypeName()
                + "\": knnAlgorithm must be \"hnsw\" or \"annoy\", got \""
                + algorithm
                + "\"");
      }
    }
  }
}
