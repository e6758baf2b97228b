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
 * (trees, leaf size bound, budget, seed) and what walking the {@code .afi} trees finds (depths and
 * leaf sizes). Meant for tools and diagnostics; reading them walks every tree, so it costs about as
 * much as reading the forest file once.
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
 * @param vectors the number of vectors in the segment's forest (deleted documents included until
 *     a merge drops them)
 * @param numTrees the number of trees
 * @param maxLeafSize the leaf size bound the forest was built with
 * @param candidatesPerHit the search budget recorded when the segment was written
 * @param seed the seed the trees were built from
 * @param splitNodes split nodes over all trees
 * @param leaves leaves over all trees
 * @param minLeafSize the fewest vectors in a leaf (0 when there are no leaves)
 * @param largestLeafSize the most vectors in a leaf (0 when there are no leaves)
 * @param meanLeafSize the mean number of vectors per leaf
 * @param minDepth the fewest splits from a root to a leaf
 * @param maxDepth the most splits from a root to a leaf
 * @param meanDepth the mean number of splits from a root to a leaf, over leaves
 * @param splitBytes bytes of the field's split section in {@code .afi}
 * @param leafBytes bytes of the field's leaf section in {@code .afi}
 * @param sketchBytes bytes of the field's sketch section in {@code .afi}, 0 when it has no
 *     sketches
 */
public record ForestStatistics(
    String field,
    VectorEncoding encoding,
    VectorSimilarityFunction similarity,
    int dimension,
    int vectors,
    int numTrees,
    int maxLeafSize,
    int candidatesPerHit,
    long seed,
    int splitNodes,
    long leaves,
    int minLeafSize,
    int largestLeafSize,
    double meanLeafSize,
    int minDepth,
    int maxDepth,
    double meanDepth,
    long splitBytes,
    long leafBytes,
    long sketchBytes) {

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

  /** Bytes of the field's forest in {@code .afi}: split records plus leaves. */
  public long forestBytes() {
    return splitBytes + leafBytes + sketchBytes;
  }

  /** Whether the field's candidates are ranked by sketches in this segment. */
  public boolean sketched() {
    return sketchBytes > 0;
  }
}
