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
package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.Optional;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * Read-only statistics of one field's forest in one segment: what the {@code .afm} metadata records
 * (trees, bounds, calibrated budgets, seed) and what walking the {@code .afi} trees finds (depths
 * and leaf sizes). Meant for tools and diagnostics; reading them walks every node record once.
 *
 * <pre class="prettyprint">
 * for (LeafReaderContext leaf : reader.leaves()) {
 *   ForestStatistics.read(leaf.reader(), "embedding").ifPresent(System.out::println);
 * }
 * </pre>
 *
 * @param field the vector field
 * @param encoding the field's vector encoding
 * @param similarity the field's similarity
 * @param dimension the vector dimension
 * @param vectors the number of vectors in the segment's forest (deleted documents included until a
 *     merge drops them)
 * @param numTrees the number of trees
 * @param branching the most children of a node the forest was built with
 * @param maxLeafSize the leaf size bound the forest was built with
 * @param targetRecall the recall the default budgets were calibrated for
 * @param order the order in which a search reads leaves, chosen by calibration
 * @param budget10 candidates a search gathers by default for 10 hits
 * @param budget100 candidates a search gathers by default for 100 hits
 * @param seed the seed the trees were built from
 * @param innerNodes inner nodes over all trees
 * @param leaves leaves over all trees
 * @param minLeafSize the fewest vectors in a leaf (0 when there are no leaves)
 * @param largestLeafSize the most vectors in a leaf (0 when there are no leaves)
 * @param meanLeafSize the mean number of vectors per leaf
 * @param minDepth the fewest inner nodes from a root to a leaf, the root included
 * @param maxDepth the most inner nodes from a root to a leaf
 * @param meanDepth the mean number of inner nodes from a root to a leaf, over leaves
 * @param nodeBytes bytes of the field's node section in {@code .afi}
 * @param leafBytes bytes of the field's leaf section in {@code .afi} (codes and leaf centroids)
 */
public record ForestStatistics(
    String field,
    VectorEncoding encoding,
    VectorSimilarityFunction similarity,
    int dimension,
    int vectors,
    int numTrees,
    int branching,
    int maxLeafSize,
    float targetRecall,
    String order,
    int budget10,
    int budget100,
    long seed,
    int innerNodes,
    long leaves,
    int minLeafSize,
    int largestLeafSize,
    double meanLeafSize,
    int minDepth,
    int maxDepth,
    double meanDepth,
    long nodeBytes,
    long leafBytes) {

  /**
   * The statistics of {@code field} in the segment that {@code reader} reads, or empty when the
   * reader is not a segment reader (after unwrapping filter readers), the field has no vectors in
   * it, or the field is written with another vector format.
   *
   * @throws org.apache.lucene.index.CorruptIndexException when the forest file is damaged
   */
  public static Optional<ForestStatistics> read(LeafReader reader, String field)
      throws IOException {
    LeafReader unwrapped = FilterLeafReader.unwrap(reader);
    if (unwrapped instanceof CodecReader == false) {
      return Optional.empty();
    }
    KnnVectorsReader vectors = ((CodecReader) unwrapped).getVectorReader();
    if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader) {
      vectors = ((PerFieldKnnVectorsFormat.FieldsReader) vectors).getFieldReader(field);
    }
    if (vectors instanceof AnnoyVectorsReader == false) {
      return Optional.empty();
    }
    return ((AnnoyVectorsReader) vectors).statistics(field);
  }

  /** Bytes of the field's forest in {@code .afi}: node records plus leaves. */
  public long forestBytes() {
    return nodeBytes + leafBytes;
  }
}
