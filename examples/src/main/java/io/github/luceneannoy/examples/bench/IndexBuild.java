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
package io.github.luceneannoy.examples.bench;

import io.github.luceneannoy.codec.AnnoyCodec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Indexes a data set with one format, with the same {@link IndexWriter} settings for every format:
 * one indexing thread, a flush every {@code segmentSize} documents, no merges while indexing, then
 * {@code forceMerge(1)} unless asked to leave the segments as flushed. Measures both phases, the
 * files and the peak heap.
 */
final class IndexBuild {
  static final String FIELD = "vector";
  static final String ID = "id";

  /** A class label, when the data set has them: filters correlated with the vectors. */
  static final String LABEL = "label";

  /** A pseudo-random bucket in [0, 1000) per document: filters uncorrelated with the vectors. */
  static final String BUCKET = "bucket";

  /**
   * What building one index cost.
   *
   * @param treeSeconds of index and merge, the time the Annoy format's trees took (0 for others)
   * @param calibrationSeconds of index and merge, the time its calibration took (0 for others)
   * @param calibrations forests calibrated, one per flushed or merged segment of the Annoy format
   */
  record Result(
      double indexSeconds,
      double mergeSeconds,
      int segmentsBeforeMerge,
      Map<String, Long> bytesByExtension,
      long peakHeapBytes,
      double treeSeconds,
      double calibrationSeconds,
      int calibrations) {

    long totalBytes() {
      return bytesByExtension.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private IndexBuild() {}

  static Result build(
      Dataset data,
      FormatUnderTest format,
      Path path,
      int segmentSize,
      boolean forceMerge,
      IntConsumer progress)
      throws IOException {
    resetPeakHeap();
    ForestBuildTimes times = new ForestBuildTimes();
    try (Directory dir = FSDirectory.open(path)) {
      IndexWriterConfig config =
          new IndexWriterConfig().setCodec(new AnnoyCodec(format.format())).setInfoStream(times);
      config.setMaxBufferedDocs(segmentSize);
      config.setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
      config.setMergePolicy(NoMergePolicy.INSTANCE);
      config.setUseCompoundFile(false);
      long start = System.nanoTime();
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        float[][] base = data.base();
        for (int i = 0; i < base.length; i++) {
          Document doc = new Document();
          doc.add(new NumericDocValuesField(ID, i));
          doc.add(new IntField(BUCKET, bucket(i), Field.Store.NO));
          if (data.labels() != null) {
            doc.add(new StringField(LABEL, Integer.toString(data.labels()[i]), Field.Store.NO));
          }
          doc.add(new KnnFloatVectorField(FIELD, base[i], data.similarity()));
          writer.addDocument(doc);
          if ((i + 1) % 1000 == 0) {
            progress.accept(i + 1);
          }
        }
        writer.commit();
      }
      double indexSeconds = seconds(start);
      int segments = SegmentInfos.readLatestCommit(dir).size();
      double mergeSeconds = forceMerge ? forceMerge(dir, format, times) : 0;
      return new Result(
          indexSeconds,
          mergeSeconds,
          segments,
          IndexFileSizes.byExtension(dir),
          peakHeap(),
          times.treeSeconds(),
          times.calibrationSeconds(),
          times.calibrations());
    }
  }

  /** Merges the index in {@code dir} to one segment; returns the seconds it took. */
  private static double forceMerge(Directory dir, FormatUnderTest format, ForestBuildTimes times)
      throws IOException {
    IndexWriterConfig mergeConfig = mergeConfig(format).setInfoStream(times);
    long start = System.nanoTime();
    try (IndexWriter writer = new IndexWriter(dir, mergeConfig)) {
      writer.forceMerge(1);
      writer.commit();
    }
    return seconds(start);
  }

  /**
   * The writer settings of a {@code forceMerge(1)} of an index of {@code format}: the tiered
   * policy, no compound files (so that the report can size each file type).
   */
  static IndexWriterConfig mergeConfig(FormatUnderTest format) {
    TieredMergePolicy mergePolicy = new TieredMergePolicy();
    mergePolicy.setNoCFSRatio(0);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new AnnoyCodec(format.format()))
            .setMergePolicy(mergePolicy);
    config.setUseCompoundFile(false);
    return config;
  }

  /** The bucket of document {@code id}: a fixed hash, so every format and run sees the same. */
  static int bucket(int id) {
    int h = id * 0x9E3779B9;
    return Math.floorMod(h ^ (h >>> 15), 1000);
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks since the last reset: an upper bound of the peak heap in use. */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
