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

import io.github.luceneannoy.forest.BudgetCalibration;
import io.github.luceneannoy.forest.FastRotation;
import io.github.luceneannoy.forest.ForestBuilder;
import io.github.luceneannoy.forest.ForestLayout;
import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.LeafTraversal;
import io.github.luceneannoy.forest.MappedVectors;
import io.github.luceneannoy.forest.VectorSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnFieldVectorsWriter;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatFieldVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.store.DataAccessHint;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FileDataHint;
import org.apache.lucene.store.FileTypeHint;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IORunnable;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;

/**
 * Writes the flat vectors through the composed flat writer and, once a field's vectors are final
 * (at flush or merge), builds its forest and writes it to {@code .afi} and {@code .afm}.
 *
 * <p>At merge Lucene 10 asks for the flat vectors of every field first and runs the work each field
 * defers afterwards: the flat writer is then finished and the forests are built from a flat reader
 * over the segment's own vector file, read where it lies (as Lucene's HNSW writer builds its
 * graphs).
 */
final class AnnoyVectorsWriter extends KnnVectorsWriter {
  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(AnnoyVectorsWriter.class);

  private final FlatVectorsWriter flatWriter;
  private final FlatVectorsFormat flatFormat;
  private final SegmentWriteState state;
  private final ForestParameters parameters;
  private final Directory directory;
  private final IOContext context;
  private final ForestBuildLog log;
  private final List<FieldWriter<?>> fields = new ArrayList<>();
  private IndexOutput meta;
  private IndexOutput data;
  private boolean finished;

  /** Whether a merge's deferred work has finished and closed the flat writer. */
  private boolean flatWriterClosed;

  /** The merged segment's flat vectors, once a merge has finished writing them; else null. */
  private FlatVectorsReader mergedVectors;

  AnnoyVectorsWriter(
      SegmentWriteState state,
      FlatVectorsFormat flatFormat,
      FlatVectorsWriter flatWriter,
      ForestParameters parameters)
      throws IOException {
    this.flatWriter = flatWriter;
    this.flatFormat = flatFormat;
    this.state = state;
    this.parameters = parameters;
    this.directory = state.directory;
    this.context = state.context;
    this.log = new ForestBuildLog(state.infoStream);
    boolean success = false;
    try {
      String metaName =
          IndexFileNames.segmentFileName(
              state.segmentInfo.name, state.segmentSuffix, AnnoyVectorsFormat.META_EXTENSION);
      String dataName =
          IndexFileNames.segmentFileName(
              state.segmentInfo.name, state.segmentSuffix, AnnoyVectorsFormat.INDEX_EXTENSION);
      meta = state.directory.createOutput(metaName, state.context);
      data = state.directory.createOutput(dataName, state.context);
      CodecUtil.writeIndexHeader(
          meta,
          AnnoyVectorsFormat.META_CODEC_NAME,
          AnnoyVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(),
          state.segmentSuffix);
      CodecUtil.writeIndexHeader(
          data,
          AnnoyVectorsFormat.INDEX_CODEC_NAME,
          AnnoyVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(),
          state.segmentSuffix);
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(this);
      }
    }
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
      writeField(
          field.fieldInfo,
          VectorSources.ofBuffered(flatField.getVectors(), dimension, newToOld),
          null,
          "flush");
    }
  }

  @Override
  public IORunnable mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
    flatWriter.mergeOneFlatVectorField(fieldInfo, mergeState);
    // the spilled trees, the writing and calibration run on the merge scheduler's intra-merge
    // threads
    Executor intraMerge = mergeState.intraMergeTaskExecutor;
    TaskExecutor executor = intraMerge == null ? null : new TaskExecutor(intraMerge);
    return () -> {
      FlatVectorsReader merged = mergedVectors();
      KnnVectorValues values =
          switch (fieldInfo.getVectorEncoding()) {
            case BYTE -> merged.getByteVectorValues(fieldInfo.name);
            case FLOAT32 -> merged.getFloatVectorValues(fieldInfo.name);
          };
      VectorSource vectors =
          values == null || values.size() == 0
              ? VectorSources.ofBuffered(List.of(), fieldInfo.getVectorDimension(), null)
              : VectorSources.of(values);
      writeField(fieldInfo, vectors, executor, "merge");
    };
  }

  /** Finishes the flat writer, once, and reads what it wrote. */
  private FlatVectorsReader mergedVectors() throws IOException {
    if (flatWriterClosed == false) {
      flatWriter.finish();
      flatWriter.close();
      flatWriterClosed = true;
    }
    if (mergedVectors == null) {
      mergedVectors =
          flatFormat.fieldsReader(
              new SegmentReadState(
                  state.directory,
                  state.segmentInfo,
                  state.fieldInfos,
                  state.context.withHints(
                      FileTypeHint.DATA, FileDataHint.KNN_VECTORS, DataAccessHint.RANDOM),
                  state.segmentSuffix));
    }
    return mergedVectors;
  }

  /**
   * Builds the forest of one field, calibrates its default budget and writes it. What grows with
   * the number of vectors stays off the heap but for one int per vector and tree: the vectors are
   * read where they are (the flush buffer or the merge's memory-mapped file), and the forest goes
   * to temporary files that calibration reads back before they are copied into {@code .afi}.
   *
   * @param phase "flush" or "merge", for the info stream
   */
  private void writeField(
      FieldInfo fieldInfo, VectorSource vectors, TaskExecutor executor, String phase)
      throws IOException {
    Geometry geometry = FieldEntry.geometryFor(fieldInfo.getVectorSimilarityFunction());
    MappedVectors mapped = MappedVectors.of(vectors, geometry);
    long centreOffset = data.alignFilePointer(Float.BYTES);
    for (float x : mapped.centre()) {
      data.writeInt(Float.floatToIntBits(x));
    }
    long nodesOffset = data.getFilePointer();
    FieldEntry entry;
    if (vectors.size() == 0) {
      entry =
          entry(
              fieldInfo,
              geometry,
              mapped,
              LeafTraversal.Order.BOUND,
              1,
              1,
              centreOffset,
              new ForestLayout(new int[0], 0, 0, 0, 0),
              nodesOffset,
              0);
      log.empty(phase, fieldInfo);
    } else {
      try (ForestFileOutput out = new ForestFileOutput(directory, data.getName(), context)) {
        ForestBuilder builder =
            new ForestBuilder(
                geometry,
                parameters.numTrees,
                parameters.maxLeafSize,
                parameters.branching,
                parameters.seed);
        long buildStart = System.nanoTime();
        ForestLayout layout = builder.build(mapped, executor, out);
        log.built(
            phase, fieldInfo, vectors.size(), parameters, layout, System.nanoTime() - buildStart);
        long leavesLength = leavesLength(layout, mapped.dimension(), vectors.size());
        FieldEntry provisional =
            entry(
                fieldInfo,
                geometry,
                mapped,
                LeafTraversal.Order.BOUND,
                1,
                1,
                centreOffset,
                layout,
                0,
                leavesLength);
        FastRotation rotation =
            new FastRotation(mapped.dimension(), ForestBuilder.rotationSeed(parameters.seed));
        IndexInput nodes = out.nodes();
        IndexInput leaves = out.leaves();
        long calibrationStart = System.nanoTime();
        BudgetCalibration.Budgets budgets =
            BudgetCalibration.calibrate(
                () ->
                    new OffHeapForest(
                        provisional, mapped.centre(), rotation, nodes.clone(), leaves.clone()),
                vectors,
                parameters.targetRecall,
                parameters.seed,
                executor);
        log.calibrated(
            phase,
            fieldInfo,
            parameters.targetRecall,
            budgets.order().name().toLowerCase(Locale.ROOT),
            budgets.for10(),
            budgets.for100(),
            System.nanoTime() - calibrationStart);
        out.appendTo(data, layout.nodeBytes(), leavesLength);
        entry =
            entry(
                fieldInfo,
                geometry,
                mapped,
                budgets.order(),
                budgets.for10(),
                budgets.for100(),
                centreOffset,
                layout,
                nodesOffset,
                leavesLength);
      }
    }
    entry.write(meta);
  }

  private static long leavesLength(ForestLayout layout, int mappedDimension, int size) {
    int words = FastRotation.paddedDimension(mappedDimension) / Long.SIZE;
    return (long) layout.leaves() * mappedDimension * Float.BYTES
        + layout.entries()
            * (Integer.BYTES + io.github.luceneannoy.forest.CodeBlock.bytesPerCode(words));
  }

  private FieldEntry entry(
      FieldInfo fieldInfo,
      Geometry geometry,
      MappedVectors mapped,
      LeafTraversal.Order order,
      int budget10,
      int budget100,
      long centreOffset,
      ForestLayout layout,
      long nodesOffset,
      long leavesLength) {
    return new FieldEntry(
        fieldInfo.number,
        fieldInfo.getVectorEncoding(),
        fieldInfo.getVectorSimilarityFunction(),
        fieldInfo.getVectorDimension(),
        mapped.size(),
        geometry,
        order,
        parameters.branching,
        parameters.maxLeafSize,
        parameters.seed,
        mapped.maxNorm(),
        parameters.targetRecall,
        budget10,
        budget100,
        centreOffset,
        layout.nodes(),
        nodesOffset,
        layout.nodeBytes(),
        layout.leaves(),
        nodesOffset + layout.nodeBytes(),
        leavesLength,
        layout.roots(),
        AnnoyVectorsFormat.VERSION_CURRENT);
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    if (flatWriterClosed == false) {
      flatWriter.finish();
    }
    meta.writeInt(-1);
    CodecUtil.writeFooter(meta);
    CodecUtil.writeFooter(data);
  }

  @Override
  public long ramBytesUsed() {
    long total = SHALLOW_SIZE + (flatWriterClosed ? 0 : flatWriter.ramBytesUsed());
    for (FieldWriter<?> field : fields) {
      total += field.forestBytes();
    }
    return total;
  }

  /**
   * Heap to set aside for building the forest of {@code count} buffered vectors of {@code
   * fieldInfo} at flush: every tree holds each ordinal once plus a centroid per node, and a node's
   * split copies a sample of 32 vectors per cluster (at most {@code 32·branching}, never more than
   * there are vectors); a flush builds its trees one after the other, so one sample at a time.
   * Counting it while the vectors are buffered (as HNSW counts its graph) lets IndexWriter's
   * flush-by-RAM bound the flush's peak, not just the buffer.
   */
  long forestBuildBytes(FieldInfo fieldInfo, int count) {
    return forestBuildBytes(count, fieldInfo.getVectorDimension(), parameters);
  }

  static long forestBuildBytes(int count, int dimension, ForestParameters parameters) {
    if (count == 0) {
      return 0;
    }
    // k-means leaves hold from a third to half the bound on average, and a tree of them has about
    // one inner node per branching - 1 leaves
    long leaves = 3L * count / parameters.maxLeafSize + 1;
    long nodes = leaves + leaves / (parameters.branching - 1) + 1;
    // per node its centroid, and 128 bytes for the node, its list of children and array headers
    long perTree =
        (long) count * Integer.BYTES + nodes * ((long) (dimension + 1) * Float.BYTES + 128);
    // TreeBuilder's SAMPLE_PER_CLUSTER (32) vectors per cluster, the root's split having the most
    // clusters; a constant here would count a whole sample against a single buffered vector, and
    // flush-by-RAM would then flush every document
    long clusters =
        Math.min(
            parameters.branching,
            Math.max(2, ((long) count + parameters.maxLeafSize - 1) / parameters.maxLeafSize));
    long sample =
        count <= parameters.maxLeafSize
            ? 0
            : Math.min(count, 32 * clusters) * (dimension + 1) * Float.BYTES;
    return parameters.numTrees * perTree + sample + (long) count * Integer.BYTES * 4;
  }

  @Override
  public void close() throws IOException {
    // after a merge's deferred work the flat writer is closed already, and a reader open
    IOUtils.close(meta, data, flatWriterClosed ? null : flatWriter, mergedVectors);
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
      if (fieldInfo.getVectorSimilarityFunction() == VectorSimilarityFunction.COSINE
          && ZeroVectors.isZero(vectorValue)) {
        throw new IllegalArgumentException(
            "field \""
                + fieldInfo.name
                + "\": document "
                + docID
                + " of the segment being written"
                + " has an all-zero vector, and COSINE similarity is undefined for it"
                + " (Lucene's cosine divides by the norm); leave the vector out or use EUCLIDEAN");
      }
      flatField.addValue(docID, vectorValue);
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
