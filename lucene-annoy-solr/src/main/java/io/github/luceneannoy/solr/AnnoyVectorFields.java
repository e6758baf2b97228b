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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrException.ErrorCode;
import org.apache.solr.schema.DenseVectorField;
import org.apache.solr.schema.FieldType;

/** Which Solr vector field types the Annoy format stores, and with which parameters. */
final class AnnoyVectorFields {

  /** The {@code knnAlgorithm} value that selects the Annoy format. */
  static final String ANNOY_ALGORITHM = "annoy";

  /** Shared by every stock {@code DenseVectorField} with {@code knnAlgorithm="annoy"}. */
  private static final AnnoyVectorsFormat DEFAULT_FORMAT = new AnnoyVectorsFormat();

  private AnnoyVectorFields() {}

  /** True for a dense vector field type whose {@code knnAlgorithm} is {@code annoy}. */
  static boolean isAnnoy(FieldType type) {
    return type instanceof DenseVectorField
        && ANNOY_ALGORITHM.equals(((DenseVectorField) type).getKnnAlgorithm());
  }

  /**
   * The format of an Annoy field type: its own parameters for an {@link AnnoyDenseVectorField}, the
   * defaults for a stock {@code DenseVectorField}, which cannot carry them.
   */
  static AnnoyVectorsFormat formatOf(DenseVectorField type) {
    return type instanceof AnnoyDenseVectorField
        ? ((AnnoyDenseVectorField) type).annoyFormat()
        : DEFAULT_FORMAT;
  }

  /** Fails at schema load, not at the first document, when the dimension is beyond the format's. */
  static void checkDimension(String typeName, int dimension) {
    if (dimension > AnnoyVectorsFormat.MAXIMUM_DIMENSIONS) {
      throw new SolrException(
          ErrorCode.SERVER_ERROR,
          "fieldType \""
              + typeName
              + "\": vectorDimension must be <= "
              + AnnoyVectorsFormat.MAXIMUM_DIMENSIONS
              + " for knnAlgorithm=\"annoy\", got "
              + dimension);
    }
  }
}
