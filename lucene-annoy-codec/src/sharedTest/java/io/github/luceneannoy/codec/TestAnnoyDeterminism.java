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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.MergeScheduler;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.NamedThreadFactory;
import org.apache.lucene.util.StringHelper;

/**
 * The same vectors with the same settings give the same files, whichever way the segment came to
 * be: flushed twice, merged, or copied by {@code addIndexes}, and however many threads the merge
 * builds trees and calibrates budgets on. Lucene's merge-stability test relies on this, and so does
 * anyone who compares or deduplicates segments.
 *
 * <p>"The same" means byte for byte, except what must differ between two segments: the segment id
 * in the index header and, as it covers the header, the footer's checksum.
 */
public class TestAnnoyDeterminism extends LuceneTestCase {
  private static final int DIM = 24;
  private static final int SEGMENTS = 3;
  private static final int DOCS_PER_SEGMENT = 300;
  private static final int TREES = 4;
  private static final int LEAF = 8;
  private static final int BRANCHING = 4;
  private static final long SEED = AnnoyVectorsFormat.DEFAULT_SEED;
  private static final String SUFFIX = AnnoyVectorsFormat.NAME + "_0";
  private static final List<String> ALL_EXTENSIONS = List.of("afi", "afm", "vec", "vemf");

  public void testSameVectorsGiveSameFiles() throws IOException {
    float[][] vectors = vectors(random());
    try (Directory a = flushedSegments(vectors, SEED);
        Directory b = flushedSegments(vectors, SEED)) {
      assertEquals(SEGMENTS, extensionFiles(a, "afi").size());
      for (String extension : ALL_EXTENSIONS) {
        List<String> files = extensionFiles(a, extension);
        assertEquals(files, extensionFiles(b, extension));
        for (String file : files) {
          byte[] bytesA = read(a, file);
          byte[] bytesB = read(b, file);
          // distinct segments: otherwise the comparison below would prove nothing about ids
          assertFalse(file, Arrays.equals(bytesA, bytesB));
          assertSameButSegmentId(file, bytesA, bytesB);
        }
      }
    }
  }

  public void testOtherSeedGivesOtherForest() throws IOException {
    float[][] vectors = vectors(random());
    long otherSeed = SEED + 1 + random().nextInt(1000);
    try (Directory a = flushedSegments(vectors, SEED);
        Directory b = flushedSegments(vectors, otherSeed)) {
      for (String file : extensionFiles(a, "afi")) {
        assertFalse(file, Arrays.equals(body(read(a, file)), body(read(b, file))));
      }
      // the seed shapes the trees only, not the stored vectors
      for (String file : extensionFiles(a, "vec")) {
        assertSameButSegmentId(file, read(a, file), read(b, file));
      }
    }
  }

  /** What Lucene's testMergeStability relies on: a merge of a merged segment changes nothing. */
  public void testForceMergeMatchesAddIndexes() throws IOException {
    float[][] vectors = vectors(random());
    try (Directory merged = mergedSegment(vectors);
        DirectoryReader reader = DirectoryReader.open(merged)) {
      assertEquals(1, reader.leaves().size());
      LeafReader leaf = reader.leaves().get(0).reader();
      // a segment reader is a CodecReader already, which wrap() returns as is ...
      try (Directory copy = addIndexes(SlowCodecReaderWrapper.wrap(leaf))) {
        assertSameFiles(merged, copy, ALL_EXTENSIONS);
      }
      // ... so also go through the LeafReader API, as for a reader that is not a segment
      try (Directory copy = addIndexes(SlowCodecReaderWrapper.wrap(new OpaqueLeafReader(leaf)))) {
        assertSameFiles(merged, copy, ALL_EXTENSIONS);
      }
    }
  }

  /** The forest depends on the vectors and their order only, not on flush or merge. */
  public void testFlushedSegmentMatchesMergedSegment() throws IOException {
    float[][] vectors = vectors(random());
    try (Directory merged = mergedSegment(vectors);
        Directory flushed = build(vectors, SEED, vectors.length, NoMergePolicy.INSTANCE)) {
      assertSameFiles(merged, flushed, ALL_EXTENSIONS);
    }
  }

  /**
   * A merge given threads builds its trees and runs its calibration queries on them; the files are
   * those of a merge on one thread, and of a flush (which has no executor).
   */
  public void testThreadCountDoesNotChangeTheFiles() throws IOException, InterruptedException {
    float[][] vectors = vectors(random());
    try (Directory serial = mergedSegment(vectors);
        Directory flushed = build(vectors, SEED, vectors.length, NoMergePolicy.INSTANCE)) {
      for (int threads : new int[] {2, 3 + random().nextInt(6)}) {
        ExecutorService pool =
            Executors.newFixedThreadPool(threads, new NamedThreadFactory("intra-merge"));
        AtomicInteger tasks = new AtomicInteger();
        Executor counting =
            task -> {
              tasks.incrementAndGet();
              pool.execute(task);
            };
        try {
          try (Directory parallel = mergedSegment(vectors, new ThreadedMergeScheduler(counting))) {
            assertTrue("the merge handed work to the threads", tasks.get() > 0);
            assertSameFiles(serial, parallel, ALL_EXTENSIONS);
            assertSameFiles(flushed, parallel, ALL_EXTENSIONS);
            // addIndexes(CodecReader...) builds on the scheduler's executor too
            try (DirectoryReader reader = DirectoryReader.open(parallel);
                Directory copy =
                    addIndexes(
                        SlowCodecReaderWrapper.wrap(
                            new OpaqueLeafReader(getOnlyLeafReader(reader))),
                        new ThreadedMergeScheduler(counting))) {
              assertSameFiles(serial, copy, ALL_EXTENSIONS);
            }
          }
        } finally {
          pool.shutdown();
          assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
        }
      }
    }
  }

  /**
   * Merges one at a time, like {@link SerialMergeScheduler}, but offers them threads to build on.
   */
  private static final class ThreadedMergeScheduler extends SerialMergeScheduler {
    private final Executor executor;

    ThreadedMergeScheduler(Executor executor) {
      this.executor = executor;
    }

    @Override
    public Executor getIntraMergeExecutor(MergePolicy.OneMerge merge) {
      return executor;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // comparisons

  private static void assertSameFiles(Directory a, Directory b, List<String> extensions)
      throws IOException {
    for (String extension : extensions) {
      String fileA = onlyFile(a, extension);
      String fileB = onlyFile(b, extension);
      assertSameButSegmentId(fileA + " / " + fileB, read(a, fileA), read(b, fileB));
    }
  }

  /** Equal bytes, but for the header's segment id and the footer's checksum. */
  private static void assertSameButSegmentId(String what, byte[] a, byte[] b) throws IOException {
    assertEquals(what + ": length", a.length, b.length);
    byte[] headerA = header(a);
    int idStart = headerA.length - 1 - SUFFIX.length() - StringHelper.ID_LENGTH;
    assertArrayEquals(
        what + ": header", withoutId(headerA, idStart), withoutId(header(b), idStart));
    assertArrayEquals(what + ": body", body(a), body(b));
    int checksumStart = a.length - Long.BYTES;
    assertArrayEquals(
        what + ": footer before the checksum",
        Arrays.copyOfRange(a, a.length - CodecUtil.footerLength(), checksumStart),
        Arrays.copyOfRange(b, b.length - CodecUtil.footerLength(), checksumStart));
  }

  private static byte[] withoutId(byte[] header, int idStart) {
    byte[] copy = header.clone();
    Arrays.fill(copy, idStart, idStart + StringHelper.ID_LENGTH, (byte) 0);
    return copy;
  }

  private static byte[] header(byte[] file) throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (var out = dir.createOutput("f", IOContext.DEFAULT)) {
        out.writeBytes(file, file.length);
      }
      try (IndexInput in = dir.openInput("f", IOContext.DEFAULT)) {
        return CodecUtil.readIndexHeader(in);
      }
    }
  }

  /** The bytes between the index header and the footer. */
  private static byte[] body(byte[] file) throws IOException {
    return Arrays.copyOfRange(file, header(file).length, file.length - CodecUtil.footerLength());
  }

  private static byte[] read(Directory dir, String file) throws IOException {
    try (IndexInput in = dir.openInput(file, IOContext.DEFAULT)) {
      byte[] bytes = new byte[Math.toIntExact(in.length())];
      in.readBytes(bytes, 0, bytes.length);
      return bytes;
    }
  }

  /** The files of the Annoy format instance with {@code extension}, by name. */
  private static List<String> extensionFiles(Directory dir, String extension) throws IOException {
    List<String> files = new ArrayList<>();
    for (String file : dir.listAll()) {
      if (file.endsWith("_" + SUFFIX + "." + extension)) {
        files.add(file);
      }
    }
    Collections.sort(files);
    return files;
  }

  private static String onlyFile(Directory dir, String extension) throws IOException {
    List<String> files = extensionFiles(dir, extension);
    assertEquals(extension + " files: " + files, 1, files.size());
    return files.get(0);
  }

  // ---------------------------------------------------------------------------------------------
  // indexes

  /** Vector fields for several similarities; "sparse" skips every third document. */
  private static void addFields(Document doc, float[] vector, int docNumber) {
    float[] unit = vector.clone();
    TestData.normalize(unit);
    byte[] bytes = TestData.toBytes(new float[][] {vector}, 30)[0];
    doc.add(new KnnFloatVectorField("euclidean", vector, VectorSimilarityFunction.EUCLIDEAN));
    doc.add(new KnnFloatVectorField("cosine", vector, VectorSimilarityFunction.COSINE));
    doc.add(new KnnFloatVectorField("dot", unit, VectorSimilarityFunction.DOT_PRODUCT));
    doc.add(new KnnFloatVectorField("mip", vector, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
    doc.add(new KnnByteVectorField("bytes", bytes, VectorSimilarityFunction.EUCLIDEAN));
    if (docNumber % 3 != 0) {
      doc.add(
          new KnnByteVectorField("sparse", bytes, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
    }
  }

  private static float[][] vectors(Random random) {
    return TestData.clustered(random, SEGMENTS * DOCS_PER_SEGMENT, DIM, 6, 0.6f);
  }

  private static Directory flushedSegments(float[][] vectors, long seed) throws IOException {
    return build(vectors, seed, DOCS_PER_SEGMENT, NoMergePolicy.INSTANCE);
  }

  /**
   * SEGMENTS flushed segments force-merged into one. A log merge policy keeps the segments in
   * order, so the merged documents are in the order they were added (a tiered policy sorts them by
   * size, which shuffles equal-sized segments and so the vectors the forest is built from).
   */
  private static Directory mergedSegment(float[][] vectors) throws IOException {
    return mergedSegment(vectors, new SerialMergeScheduler());
  }

  private static Directory mergedSegment(float[][] vectors, MergeScheduler scheduler)
      throws IOException {
    Directory dir = build(vectors, SEED, DOCS_PER_SEGMENT, orderedMerges());
    try (IndexWriter writer =
        new IndexWriter(dir, config(SEED, orderedMerges()).setMergeScheduler(scheduler))) {
      writer.forceMerge(1);
      writer.commit();
    }
    return dir;
  }

  /** A single thread adding documents in order and committing every {@code docsPerSegment}. */
  private static Directory build(
      float[][] vectors, long seed, int docsPerSegment, MergePolicy mergePolicy)
      throws IOException {
    Directory dir = new ByteBuffersDirectory();
    try (IndexWriter writer = new IndexWriter(dir, config(seed, mergePolicy))) {
      for (int i = 0; i < vectors.length; i++) {
        Document doc = new Document();
        addFields(doc, vectors[i], i);
        writer.addDocument(doc);
        if ((i + 1) % docsPerSegment == 0) {
          writer.commit();
        }
      }
      writer.commit();
    }
    return dir;
  }

  private static Directory addIndexes(CodecReader reader) throws IOException {
    return addIndexes(reader, new SerialMergeScheduler());
  }

  private static Directory addIndexes(CodecReader reader, MergeScheduler scheduler)
      throws IOException {
    Directory dir = new ByteBuffersDirectory();
    try (IndexWriter writer =
        new IndexWriter(dir, config(SEED, orderedMerges()).setMergeScheduler(scheduler))) {
      writer.addIndexes(reader);
      writer.commit();
    }
    return dir;
  }

  private static IndexWriterConfig config(long seed, MergePolicy mergePolicy) {
    return new IndexWriterConfig()
        .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(TREES, LEAF, BRANCHING, 0.9f, seed)))
        .setUseCompoundFile(false)
        .setMergePolicy(mergePolicy)
        // flushes only where the test commits; merges only when it asks, in this thread
        .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
        .setRAMBufferSizeMB(256)
        .setMergeScheduler(new SerialMergeScheduler());
  }

  /** Merges that keep documents in order, into separate files rather than a compound file. */
  private static MergePolicy orderedMerges() {
    MergePolicy policy = new LogDocMergePolicy();
    policy.setNoCFSRatio(0.0);
    return policy;
  }

  /** Hides that a reader is a segment reader, so that wrapping it takes the slow path. */
  private static final class OpaqueLeafReader extends FilterLeafReader {
    OpaqueLeafReader(LeafReader in) {
      super(in);
    }

    @Override
    public CacheHelper getCoreCacheHelper() {
      return null;
    }

    @Override
    public CacheHelper getReaderCacheHelper() {
      return null;
    }
  }
}
