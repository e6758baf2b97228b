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
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.codecs.hnsw.FlatFieldVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;
import org.apache.lucene.util.hnsw.CloseableRandomVectorScorerSupplier;

/**
 * Lucene's scalar-quantized flat writer, adapted to what the forest needs at merge: the merged
 * vectors at full precision.
 *
 * <p>Lucene's writer merges the raw vectors with its delegate's {@code mergeOneField}, which writes
 * them to the new segment only, and hands back scorers over the quantized vectors. The forest must
 * be built from the floats, so the delegate given to Lucene's writer is a {@link MergeCapture}: it
 * merges the raw vectors with {@code mergeOneFieldToIndex} instead (the same bytes go to {@code
 * .vec}, plus a memory-mapped temporary copy) and keeps the returned supplier, whose vectors {@link
 * RawVectorsExposingScorer} exposes. {@link #mergeOneFieldToIndex} returns that supplier, so {@link
 * AnnoyVectorsWriter} builds merged forests exactly as it does over raw flat vectors.
 *
 * <p>It also records each field's rescore factor as a field attribute (see {@link
 * QuantizedRescoring}), since a reader opened through SPI does not know the writer's parameters.
 */
final class QuantizedFlatVectorsWriter extends FlatVectorsWriter {
  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(QuantizedFlatVectorsWriter.class);

  private final Lucene99ScalarQuantizedVectorsWriter quantized;
  private final MergeCapture capture;
  private final int bits;
  private final int rescoreFactor;

  /**
   * @param raw the raw flat writer, whose scorer must be a {@link RawVectorsExposingScorer}
   * @param quantizedScorer the scorer of quantized vectors
   */
  QuantizedFlatVectorsWriter(
      SegmentWriteState state,
      FlatVectorsWriter raw,
      FlatVectorsScorer quantizedScorer,
      Float confidenceInterval,
      int bits,
      boolean compress,
      int rescoreFactor)
      throws IOException {
    super(quantizedScorer);
    this.bits = bits;
    this.rescoreFactor = rescoreFactor;
    this.capture = new MergeCapture(raw);
    boolean success = false;
    try {
      this.quantized =
          new Lucene99ScalarQuantizedVectorsWriter(
              state, confidenceInterval, (byte) bits, compress, capture, quantizedScorer);
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(capture);
      }
    }
  }

  @Override
  public FlatFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    // Lucene refuses this too, but without naming the field
    if (bits == 4
        && fieldInfo.getVectorEncoding() == VectorEncoding.FLOAT32
        && fieldInfo.getVectorDimension() % 2 != 0) {
      throw new IllegalArgumentException(
          "field \""
              + fieldInfo.name
              + "\": 4-bit quantization packs two dimensions per byte and needs an even"
              + " dimension, got "
              + fieldInfo.getVectorDimension());
    }
    QuantizedRescoring.record(fieldInfo, rescoreFactor);
    return quantized.addField(fieldInfo);
  }

  @Override
  public CloseableRandomVectorScorerSupplier mergeOneFieldToIndex(
      FieldInfo fieldInfo, MergeState mergeState) throws IOException {
    QuantizedRescoring.record(fieldInfo, rescoreFactor);
    // writes the quantized vectors straight to .veq; its delegate, the capture, merges the raw ones
    quantized.mergeOneField(fieldInfo, mergeState);
    return capture.take(fieldInfo);
  }

  @Override
  public void mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
    QuantizedRescoring.record(fieldInfo, rescoreFactor);
    quantized.mergeOneField(fieldInfo, mergeState);
    IOUtils.close(capture.take(fieldInfo));
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    quantized.flush(maxDoc, sortMap);
  }

  @Override
  public void finish() throws IOException {
    quantized.finish();
  }

  @Override
  public long ramBytesUsed() {
    // Lucene's writer counts its fields, which count the raw fields they wrap
    return SHALLOW_SIZE + quantized.ramBytesUsed();
  }

  @Override
  public void close() throws IOException {
    // Lucene's writer closes its delegate, the capture, which closes what it still holds
    quantized.close();
  }

  /**
   * The raw flat writer as Lucene's quantized writer sees it: a merge keeps the supplier over the
   * merged raw vectors until {@link #take} claims it.
   */
  private static final class MergeCapture extends FlatVectorsWriter {
    private final FlatVectorsWriter raw;
    private final Map<String, CloseableRandomVectorScorerSupplier> merged = new HashMap<>();

    MergeCapture(FlatVectorsWriter raw) {
      super(raw.getFlatVectorScorer());
      this.raw = raw;
    }

    /** The supplier over {@code fieldInfo}'s merged raw vectors; the caller closes it. */
    CloseableRandomVectorScorerSupplier take(FieldInfo fieldInfo) {
      CloseableRandomVectorScorerSupplier supplier = merged.remove(fieldInfo.name);
      if (supplier == null) {
        throw new IllegalStateException(
            "field \"" + fieldInfo.name + "\": the raw vectors were not merged");
      }
      return supplier;
    }

    @Override
    public void mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
      CloseableRandomVectorScorerSupplier supplier =
          raw.mergeOneFieldToIndex(fieldInfo, mergeState);
      IOUtils.close(merged.put(fieldInfo.name, supplier));
    }

    @Override
    public CloseableRandomVectorScorerSupplier mergeOneFieldToIndex(
        FieldInfo fieldInfo, MergeState mergeState) throws IOException {
      return raw.mergeOneFieldToIndex(fieldInfo, mergeState);
    }

    @Override
    public FlatFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
      return raw.addField(fieldInfo);
    }

    @Override
    public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
      raw.flush(maxDoc, sortMap);
    }

    @Override
    public void finish() throws IOException {
      raw.finish();
    }

    @Override
    public long ramBytesUsed() {
      return raw.ramBytesUsed();
    }

    @Override
    public void close() throws IOException {
      try {
        IOUtils.close(merged.values());
      } finally {
        merged.clear();
        raw.close();
      }
    }
  }
}
