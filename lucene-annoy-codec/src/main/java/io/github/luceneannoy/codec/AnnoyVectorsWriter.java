package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.ForestBuilder;
import io.github.luceneannoy.forest.ForestShape;
import io.github.luceneannoy.forest.Projection;
import io.github.luceneannoy.forest.SketchBook;
import io.github.luceneannoy.forest.Sketcher;
import io.github.luceneannoy.forest.SplitRule;
import io.github.luceneannoy.forest.VectorSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnFieldVectorsWriter;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatFieldVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;
import org.apache.lucene.util.hnsw.CloseableRandomVectorScorerSupplier;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;

/**
 * Writes the flat vectors through the composed flat writer and, once a field's vectors are final
 * (at flush or merge), builds its forest and writes it to {@code .afi} and {@code .afm}.
 */
final class AnnoyVectorsWriter extends KnnVectorsWriter {
  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(AnnoyVectorsWriter.class);

  private final FlatVectorsWriter flatWriter;
  private final int numTrees;
  private final int maxLeafSize;
  private final int candidatesPerHit;
  private final int projectionDimension;
  private final int sketchDimension;
  private final long seed;
  private final Directory directory;
  private final IOContext context;
  private final List<FieldWriter<?>> fields = new ArrayList<>();
  private IndexOutput meta;
  private IndexOutput data;
  private boolean finished;

  AnnoyVectorsWriter(
      SegmentWriteState state,
      FlatVectorsWriter flatWriter,
      int numTrees,
      int maxLeafSize,
      int candidatesPerHit,
      int projectionDimension,
      int sketchDimension,
      long seed)
      throws IOException {
    this.projectionDimension = projectionDimension;
    this.sketchDimension = sketchDimension;
    this.flatWriter = flatWriter;
    this.numTrees = numTrees;
    this.maxLeafSize = maxLeafSize;
    this.candidatesPerHit = candidatesPerHit;
    this.seed = seed;
    this.directory = state.directory;
    this.context = state.context;
    boolean success = false;
    try {
      meta = state.directory.createOutput(fileName(state, AnnoyVectorsFormat.META_EXTENSION), state.context);
      data = state.directory.createOutput(fileName(state, AnnoyVectorsFormat.INDEX_EXTENSION), state.context);
      CodecUtil.writeIndexHeader(
          meta, AnnoyVectorsFormat.META_CODEC_NAME, AnnoyVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(), state.segmentSuffix);
      CodecUtil.writeIndexHeader(
          data, AnnoyVectorsFormat.INDEX_CODEC_NAME, AnnoyVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(), state.segmentSuffix);
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(this);
      }
    }
  }

  static String fileName(SegmentWriteState state, String extension) {
    return IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix, extension);
  }

  @Override
  public KnnFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    FieldWriter<?> writer =
        new FieldWriter<>(fieldInfo, flatWriter.addField(fieldInfo), this::forestBuildBytes);
    fields.add(writer);
    return writer;
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    flatWriter.flush(maxDoc, sortMap);
    for (FieldWriter<?> field : fields) {
      FlatFieldVectorsWriter<?> flatField = field.flatField;
      int[] newToOld = null;
      if (sortMap != null) {
        newToOld = new int[flatField.getDocsWithFieldSet().cardinality()];
        mapOldOrdToNewOrd(flatField.getDocsWithFieldSet(), sortMap, null, newToOld, null);
      }
      int dimension = field.fieldInfo.getVectorDimension();
      writeField(field.fieldInfo, VectorSources.ofBuffered(flatField.getVectors(), dimension, newToOld), null);
    }
  }

  @Override
  public void mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
    CloseableRandomVectorScorerSupplier merged = flatWriter.mergeOneFieldToIndex(fieldInfo, mergeState);
    try {
      VectorSource vectors;
      if (merged.totalVectorCount() == 0) {
        vectors = VectorSources.ofBuffered(List.of(), fieldInfo.getVectorDimension(), null);
      } else {
        RandomAccessVectorValues values = RawVectorsExposingScorer.vectorsOf(merged);
        if (values == null) {
          throw new IllegalStateException(
              "field \"" + fieldInfo.name + "\": the flat writer's merge scorer does not expose its vectors");
        }
        vectors = VectorSources.of(values);
      }
      // trees are independent: build them on the merge scheduler's intra-merge threads
      Executor intraMerge = mergeState.intraMergeTaskExecutor;
      writeField(fieldInfo, vectors, intraMerge == null ? null : new TaskExecutor(intraMerge));
    } finally {
      IOUtils.close(merged);
    }
  }

  /**
   * Builds the forest of one field and writes it. What grows with the number of vectors stays off
   * the heap: the vectors are read where they are (the flush buffer or the merge's memory-mapped
   * file), projected vectors go to a temporary file, and each tree is written as soon as it is
   * built (see {@link ForestBuilder#buildTrees}).
   */
  private void writeField(FieldInfo fieldInfo, VectorSource vectors, TaskExecutor executor)
      throws IOException {
    SplitRule rule = FieldEntry.splitRuleFor(fieldInfo.getVectorSimilarityFunction());
    ForestBuilder builder = new ForestBuilder(rule, numTrees, maxLeafSize, projectionDimension, sketchDimension, seed);
    Projection projection = builder.learnProjection(vectors);
    long projectionOffset = data.alignFilePointer(Float.BYTES);
    if (projection != null) {
      writeProjection(projection);
    }
    long projectionLength = data.getFilePointer() - projectionOffset;
    int splitDimension = projection == null ? vectors.dimension() : projection.splitRows();
    boolean sketched = ForestBuilder.sketched(projection);
    long sketchesOffset = data.alignFilePointer(Float.BYTES);
    try (SpilledVectors projected =
            projection == null
                ? null
                : sketched
                    ? writeSketches(Sketcher.learn(rule, projection, vectors), vectors)
                    : SpilledVectors.write(directory, data.getName(), context, projection.apply(vectors));
        ForestFileOutput out = new ForestFileOutput(data, directory, context, rule.normalDimension(splitDimension))) {
      long sketchesLength = data.getFilePointer() - sketchesOffset;
      // the vectors the trees split: also what a later pass over the split space would read
      VectorSource splitSpace = projected == null ? vectors : projected.vectors();
      long splitsOffset = data.getFilePointer();
      ForestShape shape = builder.buildTrees(splitSpace, executor, out);
      long splitsLength = data.getFilePointer() - splitsOffset;
      long leavesOffset = data.getFilePointer();
      long leavesLength = out.appendLeavesTo(data);
      if (splitsLength != shape.numSplits() * FieldEntry.splitRecordBytes(shape.normalDimension())
          || leavesLength != shape.leavesLength() * Integer.BYTES) {
        throw new IllegalStateException(
            "field \"" + fieldInfo.name + "\": wrote " + splitsLength + " split and " + leavesLength
                + " leaf bytes for " + shape.numSplits() + " splits and " + shape.leavesLength() + " leaf ints");
      }
      new FieldEntry(
              fieldInfo.number,
              fieldInfo.getVectorEncoding(),
              fieldInfo.getVectorSimilarityFunction(),
              fieldInfo.getVectorDimension(),
              vectors.size(),
              rule,
              maxLeafSize,
              candidatesPerHit,
              seed,
              projection == null ? 0 : projection.rows(),
              projectionOffset,
              projectionLength,
              shape.normalDimension(),
              shape.numSplits(),
              splitsOffset,
              splitsLength,
              leavesOffset,
              leavesLength,
              sketchesOffset,
              sketchesLength,
              shape.roots())
          .write(meta);
    }
  }

  /**
   * Writes the sketch section (code book, then one record per vector) to the data file, and the
   * vectors' split coordinates to a temporary file, in one pass that projects each vector once.
   */
  private SpilledVectors writeSketches(Sketcher sketcher, VectorSource vectors) throws IOException {
    SketchBook book = sketcher.book();
    int rows = book.dimension();
    for (int c = 0; c < rows; c++) {
      data.writeInt(Float.floatToIntBits(book.center(c)));
    }
    for (int c = 0; c < rows; c++) {
      data.writeInt(Float.floatToIntBits(book.step(c)));
    }
    ByteBuffer record = ByteBuffer.allocate((int) FieldEntry.sketchRecordBytes(rows)).order(ByteOrder.LITTLE_ENDIAN);
    SpilledVectors.Writer split = SpilledVectors.create(directory, data.getName(), context, vectors.size(), sketcher.splitRows());
    boolean success = false;
    try {
      sketcher.run(
          vectors,
          (ord, splitCoordinates, code, residual, decodedSquaredNorm) -> {
            split.add(splitCoordinates);
            record.clear();
            record.put(code);
            record.putFloat(residual);
            record.putFloat(decodedSquaredNorm);
            data.writeBytes(record.array(), record.position());
          });
      SpilledVectors spilled = split.finish();
      success = true;
      return spilled;
    } finally {
      if (success == false) {
        split.abort();
      }
    }
  }

  private void writeProjection(Projection projection) throws IOException {
    ByteBuffer row = ByteBuffer.allocate(projection.columns() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < projection.rows(); r++) {
      row.clear();
      for (int c = 0; c < projection.columns(); c++) {
        row.putFloat(projection.get(r, c));
      }
      data.writeBytes(row.array(), row.position());
    }
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    flatWriter.finish();
    meta.writeInt(-1);
    CodecUtil.writeFooter(meta);
    CodecUtil.writeFooter(data);
  }

  @Override
  public long ramBytesUsed() {
    long total = SHALLOW_SIZE + flatWriter.ramBytesUsed();
    for (FieldWriter<?> field : fields) {
      total += field.forestBytes();
    }
    return total;
  }

  /**
   * Heap to set aside for building the forest of {@code count} buffered vectors of {@code
   * fieldInfo} at flush: the whole forest twice (each tree holds every ordinal once in its leaves,
   * plus a count per leaf, and about {@code 2·count/maxLeafSize} split records of {@code 16 + D}
   * bytes), and for a projected field the projected vectors. The build holds less (one tree at a
   * time at flush, projected vectors in a temporary file), so this is an upper bound. Counting it
   * while the vectors are buffered (as HNSW counts its graph) lets IndexWriter's flush-by-RAM bound
   * the flush's peak, not just the buffer.
   */
  long forestBuildBytes(FieldInfo fieldInfo, int count) {
    return forestBuildBytes(
        count,
        fieldInfo.getVectorDimension(),
        fieldInfo.getVectorSimilarityFunction(),
        numTrees,
        maxLeafSize,
        projectionDimension,
        sketchDimension);
  }

  static long forestBuildBytes(
      int count,
      int dimension,
      VectorSimilarityFunction similarity,
      int numTrees,
      int maxLeafSize,
      int projectionDimension,
      int sketchDimension) {
    if (count == 0) {
      return 0;
    }
    SplitRule rule = FieldEntry.splitRuleFor(similarity);
    boolean projects = ForestBuilder.projects(rule, projectionDimension, dimension);
    int splitDimension = projects ? projectionDimension : dimension;
    int normalDimension = rule.normalDimension(splitDimension);
    long leaves = 2L * count / maxLeafSize + 1;
    long perTree = (count + leaves) * Integer.BYTES + leaves * (16L + normalDimension);
    long bytes = 2 * numTrees * perTree;
    if (projects) {
      bytes += (long) count * (projectionDimension * Float.BYTES + RamUsageEstimator.NUM_BYTES_ARRAY_HEADER);
      if (count >= ForestBuilder.SKETCH_MIN_VECTORS && sketchDimension > 0) {
        // sketches are written as they are computed; their rows are a per-query and per-build constant
        int sketchRows = ForestBuilder.sketchRows(projectionDimension, sketchDimension, dimension);
        bytes += (long) sketchRows * dimension * Float.BYTES;
      }
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(meta, data, flatWriter);
  }

  /** Buffers a field's vectors in the flat writer; the forest is built when they are final. */
  private static final class FieldWriter<T> extends KnnFieldVectorsWriter<T> {
    private final FieldInfo fieldInfo;
    private final FlatFieldVectorsWriter<T> flatField;
    private final java.util.function.ToLongBiFunction<FieldInfo, Integer> forestBuildBytes;

    @SuppressWarnings("unchecked")
    FieldWriter(
        FieldInfo fieldInfo,
        FlatFieldVectorsWriter<?> flatField,
        java.util.function.ToLongBiFunction<FieldInfo, Integer> forestBuildBytes) {
      this.fieldInfo = fieldInfo;
      this.flatField = (FlatFieldVectorsWriter<T>) flatField;
      this.forestBuildBytes = forestBuildBytes;
    }

    /** The forest these buffered vectors will need at flush; see {@link #forestBuildBytes}. */
    long forestBytes() {
      return forestBuildBytes.applyAsLong(fieldInfo, flatField.getVectors().size());
    }

    @Override
    public void addValue(int docID, T vectorValue) throws IOException {
      // Checked before anything is buffered, so a refused document leaves the segment as it was
      // (IndexWriter then marks just that document deleted).
      if (fieldInfo.getVectorSimilarityFunction() == VectorSimilarityFunction.COSINE && isZero(vectorValue)) {
        throw new IllegalArgumentException(
            "field \"" + fieldInfo.name + "\": document " + docID + " of the segment being written"
                + " has an all-zero vector, and COSINE similarity is undefined for it"
                + " (Lucene's cosine divides by the norm); leave the vector out or use EUCLIDEAN");
      }
      flatField.addValue(docID, vectorValue);
    }

    private static boolean isZero(Object vector) {
      if (vector instanceof float[]) {
        for (float x : (float[]) vector) {
          if (x != 0) {
            return false;
          }
        }
      } else {
        for (byte x : (byte[]) vector) {
          if (x != 0) {
            return false;
          }
        }
      }
      return true;
    }

    @Override
    public T copyValue(T vectorValue) {
      // the flat writer copies every value it buffers
      throw new UnsupportedOperationException();
    }

    @Override
    public long ramBytesUsed() {
      return flatField.ramBytesUsed() + forestBytes();
    }
  }
}
