package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.ForestSearcher;
import io.github.luceneannoy.forest.Projection;
import io.github.luceneannoy.forest.SketchBook;
import io.github.luceneannoy.search.BudgetedKnnCollector;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.BitSet;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;
import org.apache.lucene.util.hnsw.OrdinalTranslatedKnnCollector;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Reads the forest files of a segment and answers k-NN searches with {@link ForestSearcher};
 * vector values, exact scores and ord-to-doc mapping come from the composed flat reader. When that
 * reader scores quantized vectors, the best candidates are re-scored at full precision ({@link
 * QuantizedRescoring}, {@link RescoringKnnCollector}).
 */
final class AnnoyVectorsReader extends KnnVectorsReader {
  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(AnnoyVectorsReader.class);

  private final FlatVectorsReader flatReader;
  /** Null when the flat scores are final (raw flat vectors). */
  private final QuantizedRescoring rescoring;
  private final FieldInfos fieldInfos;
  private final Map<String, FieldForest> fields = new HashMap<>();
  private final String metaName;
  private IndexInput data;

  AnnoyVectorsReader(SegmentReadState state, FlatVectorsReader flatReader) throws IOException {
    this(state, flatReader, null);
  }

  /**
   * @param rescoring the full-precision vectors behind a quantized {@code flatReader}, with which
   *     the best candidates are re-scored; null when {@code flatReader}'s scores are final
   */
  AnnoyVectorsReader(
      SegmentReadState state, FlatVectorsReader flatReader, QuantizedRescoring rescoring)
      throws IOException {
    this.flatReader = flatReader;
    this.rescoring = rescoring;
    this.fieldInfos = state.fieldInfos;
    this.metaName = fileName(state, AnnoyVectorsFormat.META_EXTENSION);
    boolean success = false;
    try {
      String dataName = fileName(state, AnnoyVectorsFormat.INDEX_EXTENSION);
      data = state.directory.openInput(dataName, state.context.withRandomAccess());
      int dataVersion =
          CodecUtil.checkIndexHeader(
              data, AnnoyVectorsFormat.INDEX_CODEC_NAME, AnnoyVectorsFormat.VERSION_START,
              AnnoyVectorsFormat.VERSION_CURRENT, state.segmentInfo.getId(), state.segmentSuffix);
      CodecUtil.retrieveChecksum(data);
      readMeta(state, dataVersion, data.length() - CodecUtil.footerLength());
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(this);
      }
    }
  }

  private static String fileName(SegmentReadState state, String extension) {
    return IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix, extension);
  }

  private void readMeta(SegmentReadState state, int dataVersion, long dataLength) throws IOException {
    try (ChecksumIndexInput meta = state.directory.openChecksumInput(metaName, state.context)) {
      Throwable priorE = null;
      try {
        int metaVersion =
            CodecUtil.checkIndexHeader(
                meta, AnnoyVectorsFormat.META_CODEC_NAME, AnnoyVectorsFormat.VERSION_START,
                AnnoyVectorsFormat.VERSION_CURRENT, state.segmentInfo.getId(), state.segmentSuffix);
        if (metaVersion != dataVersion) {
          throw new CorruptIndexException(
              "format versions mismatch: meta=" + metaVersion + ", data=" + dataVersion, meta);
        }
        for (int number = meta.readInt(); number != -1; number = meta.readInt()) {
          // FieldInfos rejects negative numbers with an IllegalArgumentException
          FieldInfo info = number < 0 ? null : fieldInfos.fieldInfo(number);
          if (info == null || info.hasVectorValues() == false) {
            throw new CorruptIndexException("invalid vector field number " + number, meta);
          }
          FieldEntry entry = FieldEntry.read(meta, info, dataLength);
          checkFlatCount(info, entry, meta);
          if (fields.put(info.name, new FieldForest(entry, data)) != null) {
            throw new CorruptIndexException("duplicate field \"" + info.name + "\"", meta);
          }
        }
      } catch (Throwable t) {
        priorE = t;
      } finally {
        CodecUtil.checkFooter(meta, priorE);
      }
    }
  }

  private void checkFlatCount(FieldInfo info, FieldEntry entry, ChecksumIndexInput meta)
      throws IOException {
    int flatCount;
    try {
      flatCount =
          info.getVectorEncoding() == VectorEncoding.FLOAT32
              ? flatReader.getFloatVectorValues(info.name).size()
              : flatReader.getByteVectorValues(info.name).size();
    } catch (IllegalArgumentException e) {
      // the flat reader does not know the field: the record names a field of another format
      throw new CorruptIndexException(
          "field \"" + info.name + "\": has no vectors in this format's flat files", meta, e);
    }
    if (flatCount != entry.size()) {
      throw new CorruptIndexException(
          "field \"" + info.name + "\": forest over " + entry.size() + " vectors but the flat format holds " + flatCount,
          meta);
    }
  }

  @Override
  public void checkIntegrity() throws IOException {
    flatReader.checkIntegrity();
    CodecUtil.checksumEntireFile(data);
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    if (rescoring != null) {
      return rescoring.fullPrecisionValues(field);
    }
    return flatReader.getFloatVectorValues(field);
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return flatReader.getByteVectorValues(field);
  }

  @Override
  public void search(String field, float[] target, KnnCollector knnCollector, Bits acceptDocs)
      throws IOException {
    FieldForest forest = forestOf(field);
    if (forest.entry.size() == 0 || forest.entry.encoding() != VectorEncoding.FLOAT32) {
      return;
    }
    checkQuery(field, forest.entry, target.length, isZero(target));
    RescoringKnnCollector.Rescore rescore =
        rescoring == null ? null : rescoring.rescore(field, target);
    search(
        forest,
        target,
        flatReader.getRandomVectorScorer(field, target),
        knnCollector,
        acceptDocs,
        rescore);
  }

  @Override
  public void search(String field, byte[] target, KnnCollector knnCollector, Bits acceptDocs)
      throws IOException {
    FieldForest forest = forestOf(field);
    if (forest.entry.size() == 0 || forest.entry.encoding() != VectorEncoding.BYTE) {
      return;
    }
    checkQuery(field, forest.entry, target.length, isZero(target));
    RandomVectorScorer scorer = flatReader.getRandomVectorScorer(field, target);
    float[] query = new float[target.length];
    for (int i = 0; i < target.length; i++) {
      query[i] = target[i];
    }
    // byte vectors are never quantized: their scores are final
    search(forest, query, scorer, knnCollector, acceptDocs, null);
  }

  /**
   * Refuses, naming the field, a query the flat scorer would answer wrongly or with a bare message:
   * one of another dimension, or an all-zero query on a COSINE field (its cosine is NaN).
   */
  private static void checkQuery(String field, FieldEntry entry, int dimension, boolean zero) {
    if (dimension != entry.dimension()) {
      throw new IllegalArgumentException(
          "field \"" + field + "\": query vector has " + dimension + " dimensions, the field has "
              + entry.dimension());
    }
    if (zero && entry.similarity() == VectorSimilarityFunction.COSINE) {
      throw new IllegalArgumentException(
          "field \"" + field + "\": the query vector is all zeros, and COSINE similarity is undefined for it");
    }
  }

  private static boolean isZero(float[] v) {
    for (float x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isZero(byte[] v) {
    for (byte x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The forest of a field this reader was asked about: the per-field format only routes fields
   * written with this format, and the writer records every one, even without vectors.
   */
  private FieldForest forestOf(String field) throws CorruptIndexException {
    FieldForest forest = fields.get(field);
    if (forest == null) {
      throw new CorruptIndexException("field \"" + field + "\" has no forest record", metaName);
    }
    return forest;
  }

  private void search(
      FieldForest forest,
      float[] query,
      RandomVectorScorer scorer,
      KnnCollector knnCollector,
      Bits acceptDocs,
      RescoringKnnCollector.Rescore rescore)
      throws IOException {
    KnnCollector collector = new OrdinalTranslatedKnnCollector(knnCollector, scorer::ordToDoc);
    // over quantized vectors: collect the best candidates, then re-score them at full precision
    RescoringKnnCollector rescorer = rescore == null ? null : rescore.around(collector);
    if (rescorer != null) {
      collector = rescorer;
    }
    Bits acceptOrds = scorer.getAcceptOrds(acceptDocs);
    int candidatesPerHit =
        knnCollector instanceof BudgetedKnnCollector
            ? ((BudgetedKnnCollector) knnCollector).candidatesPerHit()
            : forest.entry.candidatesPerHit();
    int budget = (int) Math.min(Integer.MAX_VALUE, (long) candidatesPerHit * knnCollector.k());
    budget = Math.max(budget, knnCollector.k());
    int size = forest.entry.size();
    long accepted = accepted(acceptDocs, size);
    OffHeapForest view = forest.view();
    if (ForestSearcher.exactIsCheaper(view, accepted, size, budget, knnCollector.k(), forest.entry.dimension())) {
      new ForestSearcher().scan(view, query, scorer, collector, acceptOrds, budget, accepted);
    } else {
      new ForestSearcher().search(view, query, scorer, collector, acceptOrds, budget, accepted);
    }
    if (rescorer != null) {
      rescorer.rescore();
    }
  }

  /**
   * How many of the field's vectors {@code acceptDocs} accepts, at most: the filter's cardinality
   * when Lucene passes a bit set (a filtered query), else all of them (live documents only, or
   * nothing).
   */
  private static long accepted(Bits acceptDocs, int size) {
    return acceptDocs instanceof BitSet ? Math.min(size, ((BitSet) acceptDocs).cardinality()) : size;
  }

  /** Statistics of {@code field}'s forest, or empty when this segment has none for it. */
  Optional<ForestStatistics> statistics(String field) throws IOException {
    FieldForest forest = fields.get(field);
    if (forest == null) {
      return Optional.empty();
    }
    return Optional.of(ForestWalker.walk(field, forest.entry, forest.view()));
  }

  @Override
  public long ramBytesUsed() {
    return flatReader.ramBytesUsed() + forestRamBytesUsed();
  }

  /**
   * Heap of this reader without the flat reader's: per field, its metadata, a root per tree and
   * the projection; nothing that grows with the number of vectors.
   */
  long forestRamBytesUsed() {
    long total = SHALLOW_SIZE;
    for (FieldForest forest : fields.values()) {
      total += RamUsageEstimator.shallowSizeOf(forest) + RamUsageEstimator.sizeOf(forest.entry.roots());
      if (forest.projection != null) {
        total += (long) forest.projection.rows() * forest.projection.columns() * Float.BYTES;
        total += 2L * forest.projection.rows() * Float.BYTES;
      }
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(flatReader, data);
  }

  /** A field's metadata and its slices of the data file, cloned for each query. */
  private static final class FieldForest {
    final FieldEntry entry;
    final Projection projection;
    final IndexInput splits;
    final IndexInput leaves;
    final SketchBook sketchBook;
    final IndexInput sketchRecords;

    FieldForest(FieldEntry entry, IndexInput data) throws IOException {
      this.entry = entry;
      this.projection = readProjection(entry, data);
      this.splits = data.slice("annoy-splits", entry.splitsOffset(), entry.splitsLength());
      this.leaves = data.slice("annoy-leaves", entry.leavesOffset(), entry.leavesLength());
      if (entry.sketchesLength() > 0) {
        IndexInput section = data.slice("annoy-sketches", entry.sketchesOffset(), entry.sketchesLength());
        this.sketchBook = OffHeapSketches.readBook(section, entry.projectionRows());
        long bookBytes = section.getFilePointer();
        this.sketchRecords = section.slice("annoy-sketch-records", bookBytes, entry.sketchesLength() - bookBytes);
      } else {
        this.sketchBook = null;
        this.sketchRecords = null;
      }
    }

    /**
     * The projection is read onto the heap once: every query multiplies by all of it, and its size
     * depends on the dimension only (rows × dimension floats), not on the number of vectors.
     */
    private static Projection readProjection(FieldEntry entry, IndexInput data) throws IOException {
      if (entry.projectionRows() == 0) {
        return null;
      }
      IndexInput in = data.slice("annoy-projection", entry.projectionOffset(), entry.projectionLength());
      float[][] rows = new float[entry.projectionRows()][entry.dimension()];
      for (float[] row : rows) {
        in.readFloats(row, 0, row.length);
        for (float x : row) {
          if (Float.isFinite(x) == false) {
            throw new CorruptIndexException("non-finite projection coordinate " + x, data);
          }
        }
      }
      return new Projection(rows, entry.normalDimension());
    }

    OffHeapForest view() {
      OffHeapSketches sketches =
          sketchBook == null
              ? null
              : new OffHeapSketches(entry.splitRule(), sketchBook, sketchRecords.clone(), entry.size());
      return new OffHeapForest(entry, projection, sketches, splits.clone(), leaves.clone());
    }
  }
}
