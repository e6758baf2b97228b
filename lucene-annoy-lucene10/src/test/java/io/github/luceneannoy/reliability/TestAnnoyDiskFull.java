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
package io.github.luceneannoy.reliability;

import static io.github.luceneannoy.codec.TemporaryFilesDirectory.calledFrom;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.codec.TemporaryFilesDirectory;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Disk full and I/O errors while the Annoy format writes a segment, at flush and at merge, injected
 * by {@link MockDirectoryWrapper}. Whatever fails, no partial segment becomes visible: the index
 * opens at its last commit (clean, every committed doc found, k-NN answering only from committed
 * docs), the writer's temporary files are gone (deleted by the writer itself), and once the fault
 * is gone the next commit works, holds the new documents, and searches them as well as exact search
 * does.
 */
public class TestAnnoyDiskFull extends LuceneTestCase {
  private static final int BATCH = 300;
  private static final String WRITER = "io.github.luceneannoy.codec.AnnoyVectorsWriter";
  private static final String FOREST_FILES = "io.github.luceneannoy.codec.ForestFileOutput";

  /**
   * The prefix of the method that javac makes of the lambda {@code
   * AnnoyVectorsWriter.mergeOneField} returns: Lucene 10 runs it, the field's deferred merge work,
   * once every field's flat vectors are merged, and it builds the forest.
   */
  private static final String DEFERRED_MERGE = "lambda$mergeOneField$";

  /**
   * Throws, while armed, from any write made while {@code inside} holds (inside a method of {@code
   * AnnoyVectorsWriter}): as a full disk does, it refuses writes but not the deletion of the
   * writer's temporary files.
   */
  private static final class FailInAnnoyWriter extends MockDirectoryWrapper.Failure {
    final String where;
    final BooleanSupplier inside;
    int thrown;

    /** Fails inside {@code AnnoyVectorsWriter.<method>}. */
    FailInAnnoyWriter(String method) {
      this(method, () -> calledFrom(WRITER, method));
    }

    FailInAnnoyWriter(String where, BooleanSupplier inside) {
      this.where = where;
      this.inside = inside;
    }

    @Override
    public void eval(MockDirectoryWrapper dir) throws IOException {
      if (doFail && inside.getAsBoolean() && calledFrom(FOREST_FILES, "close") == false) {
        thrown++;
        throw new IOException("injected: no space left on device in AnnoyVectorsWriter." + where);
      }
    }
  }

  /** Whether the current thread runs inside a method of the writer whose name starts so. */
  private static boolean inWriterMethodStartingWith(String prefix) {
    for (StackTraceElement frame : new Throwable().getStackTrace()) {
      if (frame.getClassName().equals(WRITER) && frame.getMethodName().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private MockDirectoryWrapper mock;
  private TemporaryFilesDirectory dir;
  private final List<String> committed = new ArrayList<>();
  private int nextId;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    mock = new MockDirectoryWrapper(random(), new ByteBuffersDirectory());
    // at close, besides CheckIndex: no file that the last commit does not reference, such as the
    // files of a segment whose writing failed
    mock.setAssertNoUnrefencedFilesOnClose(true);
    dir = new TemporaryFilesDirectory(mock);
  }

  @Override
  public void tearDown() throws Exception {
    mock.close();
    super.tearDown();
  }

  /** Small trees so that flushes and merges are quick; no merges unless asked. */
  private static IndexWriterConfig config(boolean merges) {
    return new IndexWriterConfig()
        .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(2, 16, 4, 0.9f, random().nextLong())))
        .setMaxBufferedDocs(10 * BATCH)
        .setRAMBufferSizeMB(64)
        .setMergeScheduler(new SerialMergeScheduler())
        .setMergePolicy(merges ? new TieredMergePolicy() : NoMergePolicy.INSTANCE)
        .setCommitOnClose(false);
  }

  private List<String> addBatch(IndexWriter writer) throws IOException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String id = "d" + nextId++;
      writer.addDocument(Corpus.doc(id));
      ids.add(id);
    }
    return ids;
  }

  private void commitBatches(IndexWriter writer, int batches) throws IOException {
    for (int b = 0; b < batches; b++) {
      committed.addAll(addBatch(writer));
      writer.commit();
    }
  }

  /**
   * After a failure: the last commit is intact and the temporary files are gone; then, with the
   * fault gone, the same writer (or a new one if the failure was tragic) commits a new batch, which
   * must be there with everything committed before, and searchable. Docs of the failed batch may or
   * may not have survived in a live writer.
   */
  private void assertRecovers(IndexWriter writer, List<String> failedBatch) throws IOException {
    IndexState.assertHolds(dir, committed, List.of(), random());
    if (writer.isOpen() == false || writer.getTragicException() != null) {
      writer.rollback();
      writer = new IndexWriter(dir, config(true));
    }
    dir.assertAllDeletedByWriter();
    List<String> fresh = addBatch(writer);
    writer.commit();
    committed.addAll(fresh);
    IndexState.assertHolds(dir, committed, failedBatch, random());
    writer.forceMerge(1);
    writer.commit();
    IndexState.assertHolds(dir, committed, failedBatch, random());
    writer.close();
    dir.assertAllDeletedByWriter();
    assertSearchesAsWellAsExact();
  }

  /**
   * Plain k-NN queries (the segment's calibrated budget) find about what exact search finds: the
   * forest written after the failures is sound, not just the vectors.
   */
  private void assertSearchesAsWellAsExact() throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      int queries = 20;
      double recall = 0;
      for (int q = 0; q < queries; q++) {
        float[] query = Corpus.vector(committed.get(random().nextInt(committed.size())));
        for (int i = 0; i < query.length; i++) {
          query[i] += (float) random().nextGaussian() * 0.5f;
        }
        TopDocs exact =
            searcher.search(
                new AnnoyKnnFloatVectorQuery(
                    Corpus.VECTOR, query, 10, null, AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT),
                10);
        TopDocs plain = searcher.search(new KnnFloatVectorQuery(Corpus.VECTOR, query, 10), 10);
        Set<Integer> truth = new HashSet<>();
        for (ScoreDoc hit : exact.scoreDocs) {
          truth.add(hit.doc);
        }
        assertEquals(10, truth.size());
        long found = Arrays.stream(plain.scoreDocs).filter(hit -> truth.contains(hit.doc)).count();
        recall += found / 10.0;
      }
      recall /= queries;
      // the format was asked for 0.9; a margin for 20 queries
      assertTrue("mean recall@10 " + recall, recall >= 0.8);
    }
  }

  public void testIOErrorWhileFlushingTheForest() throws IOException {
    IndexWriter writer = new IndexWriter(dir, config(false));
    commitBatches(writer, 2);
    FailInAnnoyWriter failure = new FailInAnnoyWriter("flush");
    mock.failOn(failure);
    failure.setDoFail();
    List<String> failed = addBatch(writer);
    expectThrows(IOException.class, writer::commit);
    assertTrue("the fault was never hit", failure.thrown > 0);
    failure.clearDoFail();
    assertRecovers(writer, failed);
  }

  public void testIOErrorWhileFinishingTheSegment() throws IOException {
    // finish() writes the footers: the last write of the format's files
    IndexWriter writer = new IndexWriter(dir, config(false));
    commitBatches(writer, 1);
    FailInAnnoyWriter failure = new FailInAnnoyWriter("finish");
    mock.failOn(failure);
    failure.setDoFail();
    List<String> failed = addBatch(writer);
    expectThrows(IOException.class, writer::commit);
    assertTrue(failure.thrown > 0);
    failure.clearDoFail();
    assertRecovers(writer, failed);
  }

  /**
   * A field's merge on Lucene 10 has two steps, both of the writer: {@code mergeOneField} merges
   * the flat vectors and returns the work that builds the forest, which Lucene runs once every
   * field's flat vectors are merged. The fault covers both, as {@code mergeOneField} covered both
   * on Lucene 9.12 (where it built the forest itself); the first write to fail is the flat
   * vectors'.
   */
  public void testIOErrorWhileMergingBuildsTheForest() throws IOException {
    assertMergeFailureRecovers(
        new FailInAnnoyWriter(
            "mergeOneField",
            () ->
                calledFrom(WRITER, "mergeOneField") || inWriterMethodStartingWith(DEFERRED_MERGE)));
  }

  /**
   * The fault hits only the forest's build in the merge's deferred work: the flat writer is then
   * finished and closed, and a reader is open on the merged vectors, which the failed writer must
   * close (MockDirectoryWrapper fails on a file left open) without closing the flat writer twice.
   */
  public void testIOErrorWhileTheDeferredMergeWorkBuildsTheForest() throws IOException {
    assertMergeFailureRecovers(
        new FailInAnnoyWriter(
            "writeField in the deferred merge work",
            () -> inWriterMethodStartingWith(DEFERRED_MERGE) && calledFrom(WRITER, "writeField")));
  }

  private void assertMergeFailureRecovers(FailInAnnoyWriter failure) throws IOException {
    IndexWriter writer = new IndexWriter(dir, config(false));
    commitBatches(writer, 3);
    writer.close();
    IndexWriter merging = new IndexWriter(dir, config(true));
    mock.failOn(failure);
    failure.setDoFail();
    expectThrows(IOException.class, () -> merging.forceMerge(1));
    assertTrue(failure.thrown > 0);
    // Lucene (9.12 and 10 alike) treats any exception in a merge as tragic (IndexWriter.merge calls
    // tragicEvent): the writer closes, and the last commit, with its three segments, is what
    // remains
    assertFalse(merging.isOpen());
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      assertEquals(3, reader.leaves().size());
    }
    failure.clearDoFail();
    assertRecovers(merging, List.of());
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      assertEquals(1, reader.leaves().size());
    }
  }

  /**
   * The disk fills at a random point of a flush, a commit or a merge: with a limit a little above
   * the current size, the write that crosses it fails wherever it is, in any of the segment's files
   * or the writer's temporary files.
   */
  public void testDiskFullAtRandomPoints() throws IOException {
    int rounds = atLeast(4);
    IndexWriter writer = new IndexWriter(dir, config(true));
    commitBatches(writer, 1);
    long firstCommit = mock.sizeInBytes();
    int failures = 0;
    for (int round = 0; round < rounds; round++) {
      long size = mock.sizeInBytes();
      // a batch (and a merge's temporary copy) needs about twice the first commit's size: with up
      // to
      // four times that free, some rounds fit and others fill the disk at a random write
      // (round 0 leaves no room at all, so that the disk surely fills at least once)
      mock.setMaxSizeInBytes(
          size + (round == 0 ? 1 : random().nextInt((int) Math.max(1, 4 * firstCommit))));
      List<String> batch = new ArrayList<>();
      try {
        batch = addBatch(writer);
        writer.commit();
        if (random().nextBoolean()) {
          writer.forceMerge(1);
          writer.commit();
        }
        committed.addAll(batch);
      } catch (IOException | IllegalStateException e) {
        // IllegalStateException: the writer was closed by an earlier tragic disk-full
        failures++;
      }
      mock.setMaxSizeInBytes(0);
      IndexState.assertHolds(dir, committed, batch, random());
      if (writer.isOpen() == false || writer.getTragicException() != null) {
        writer.rollback();
        writer = new IndexWriter(dir, config(true));
      }
      dir.assertAllDeletedByWriter();
      // any docs of a failed batch that a live writer kept are committed now: count them in
      writer.commit();
      countInSurvivors(batch);
    }
    assertTrue("the disk never filled", failures > 0);
    if (VERBOSE) {
      System.out.printf(
          Locale.ROOT,
          "disk full in %d of %d rounds, recovered each time, %d docs committed%n",
          failures,
          rounds,
          committed.size());
    }
    assertRecovers(writer, List.of());
  }

  /** Random I/O exceptions on writes to any file, the test framework's generic fault injection. */
  public void testRandomIOExceptions() throws IOException {
    int rounds = atLeast(4);
    IndexWriter writer = new IndexWriter(dir, config(true));
    commitBatches(writer, 1);
    int failures = 0;
    for (int round = 0; round < rounds; round++) {
      // per write: some rounds get through, most do not; round 0 surely fails
      mock.setRandomIOExceptionRate(round == 0 ? 0.5 : 0.03);
      List<String> batch = new ArrayList<>();
      try {
        batch = addBatch(writer);
        writer.commit();
        writer.forceMerge(1);
        committed.addAll(batch);
      } catch (IOException | IllegalStateException e) {
        failures++;
      }
      mock.setRandomIOExceptionRate(0);
      // drop whatever the failed round left uncommitted
      writer.rollback();
      writer = new IndexWriter(dir, config(true));
      IndexState.assertHolds(dir, committed, batch, random());
      dir.assertAllDeletedByWriter();
      countInSurvivors(batch);
    }
    assertTrue("no exception was ever injected", failures > 0);
    if (VERBOSE) {
      System.out.printf(
          Locale.ROOT,
          "random I/O errors broke %d of %d rounds, recovered each time, %d docs committed%n",
          failures,
          rounds,
          committed.size());
    }
    assertRecovers(writer, List.of());
  }

  /** Docs of a failed batch that reached a commit anyway now count as committed. */
  private void countInSurvivors(List<String> batch) throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      Set<String> now = new HashSet<>(IndexState.liveIds(reader));
      for (String id : batch) {
        if (now.contains(id) && committed.contains(id) == false) {
          committed.add(id);
        }
      }
    }
  }
}
