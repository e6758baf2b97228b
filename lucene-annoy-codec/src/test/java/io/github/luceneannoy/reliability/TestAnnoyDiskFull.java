package io.github.luceneannoy.reliability;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Disk full and I/O errors while the Annoy format writes a segment, at flush and at merge, injected
 * by {@link MockDirectoryWrapper}. Whatever fails, the index must stay openable at its last commit
 * (clean, every committed doc found, k-NN answering only from committed docs), and once the fault
 * is gone the next commit must work and hold the new documents.
 */
public class TestAnnoyDiskFull extends LuceneTestCase {
  private static final int BATCH = 300;
  private static final String WRITER = "io.github.luceneannoy.codec.AnnoyVectorsWriter";

  /** Throws, while armed, from any write made inside {@code AnnoyVectorsWriter.<method>}. */
  private static final class FailInAnnoyWriter extends MockDirectoryWrapper.Failure {
    final String method;
    int thrown;

    FailInAnnoyWriter(String method) {
      this.method = method;
    }

    @Override
    public void eval(MockDirectoryWrapper dir) throws IOException {
      if (doFail && inAnnoyWriter(method)) {
        thrown++;
        throw new IOException("injected: no space left on device in AnnoyVectorsWriter." + method);
      }
    }
  }

  static boolean inAnnoyWriter(String method) {
    for (StackTraceElement frame : new Throwable().getStackTrace()) {
      if (frame.getClassName().equals(WRITER) && frame.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }

  private MockDirectoryWrapper dir;
  private final List<String> committed = new ArrayList<>();
  private int nextId;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    dir = new MockDirectoryWrapper(random(), new ByteBuffersDirectory());
  }

  @Override
  public void tearDown() throws Exception {
    dir.close();
    super.tearDown();
  }

  /** Small trees so that flushes and merges are quick; no merges unless asked. */
  private static IndexWriterConfig config(boolean merges) {
    return new IndexWriterConfig()
        .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(4, 16, 10)))
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
   * After a failure: the last commit is intact; then, with the fault gone, the same writer (or a
   * new one if the failure was tragic) commits a new batch, which must be there with everything
   * committed before. Docs of the failed batch may or may not have survived in a live writer.
   */
  private void assertRecovers(IndexWriter writer, List<String> failedBatch) throws IOException {
    IndexState.assertHolds(dir, committed, List.of(), random());
    if (writer.isOpen() == false || writer.getTragicException() != null) {
      writer.rollback();
      writer = new IndexWriter(dir, config(true));
    }
    List<String> fresh = addBatch(writer);
    writer.commit();
    committed.addAll(fresh);
    IndexState.assertHolds(dir, committed, failedBatch, random());
    writer.forceMerge(1);
    writer.commit();
    IndexState.assertHolds(dir, committed, failedBatch, random());
    writer.close();
  }

  public void testIOErrorWhileFlushingTheForest() throws IOException {
    IndexWriter writer = new IndexWriter(dir, config(false));
    commitBatches(writer, 2);
    FailInAnnoyWriter failure = new FailInAnnoyWriter("flush");
    dir.failOn(failure);
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
    dir.failOn(failure);
    failure.setDoFail();
    List<String> failed = addBatch(writer);
    expectThrows(IOException.class, writer::commit);
    assertTrue(failure.thrown > 0);
    failure.clearDoFail();
    assertRecovers(writer, failed);
  }

  public void testIOErrorWhileMergingBuildsTheForest() throws IOException {
    IndexWriter writer = new IndexWriter(dir, config(false));
    commitBatches(writer, 3);
    writer.close();
    IndexWriter merging = new IndexWriter(dir, config(true));
    FailInAnnoyWriter failure = new FailInAnnoyWriter("mergeOneField");
    dir.failOn(failure);
    failure.setDoFail();
    expectThrows(IOException.class, () -> merging.forceMerge(1));
    assertTrue(failure.thrown > 0);
    // Lucene 9.12 treats any exception in a merge as tragic (IndexWriter.merge calls tragicEvent):
    // the writer closes, and the last commit, with its three segments, is what remains
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
   * the current size, the write that crosses it fails wherever it is, in any of the segment's files.
   */
  public void testDiskFullAtRandomPoints() throws IOException {
    int rounds = Soak.pick(6, 60);
    IndexWriter writer = new IndexWriter(dir, config(true));
    commitBatches(writer, 1);
    long firstCommit = dir.sizeInBytes();
    int failures = 0;
    for (int round = 0; round < rounds; round++) {
      long size = dir.sizeInBytes();
      // a batch (and a merge's temporary copy) needs about twice the first commit's size: with up to
      // four times that free, some rounds fit and others fill the disk at a random write
      // (round 0 leaves no room at all, so that the disk surely fills at least once)
      dir.setMaxSizeInBytes(size + (round == 0 ? 1 : random().nextInt((int) Math.max(1, 4 * firstCommit))));
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
      dir.setMaxSizeInBytes(0);
      IndexState.assertHolds(dir, committed, batch, random());
      if (writer.isOpen() == false || writer.getTragicException() != null) {
        writer.rollback();
        writer = new IndexWriter(dir, config(true));
      }
      // any docs of a failed batch that a live writer kept are committed now: count them in
      writer.commit();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        Set<String> now = new HashSet<>(IndexState.liveIds(reader));
        for (String id : batch) {
          if (now.contains(id) && committed.contains(id) == false) {
            committed.add(id);
          }
        }
      }
    }
    assertTrue("the disk never filled", failures > 0);
    System.out.printf(java.util.Locale.ROOT, "TestAnnoyDiskFull: disk full in %d of %d rounds, recovered each time, %d docs committed%n",
        failures, rounds, committed.size());
    assertRecovers(writer, List.of());
  }

  /** Random I/O exceptions on any new file, the test framework's generic fault injection. */
  public void testRandomIOExceptions() throws IOException {
    int rounds = Soak.pick(6, 60);
    IndexWriter writer = new IndexWriter(dir, config(true));
    commitBatches(writer, 1);
    int failures = 0;
    for (int round = 0; round < rounds; round++) {
      // per new file: some rounds get through, most do not; round 0 surely fails
      dir.setRandomIOExceptionRate(round == 0 ? 0.5 : 0.03);
      List<String> batch = new ArrayList<>();
      try {
        batch = addBatch(writer);
        writer.commit();
        writer.forceMerge(1);
        committed.addAll(batch);
      } catch (IOException | IllegalStateException e) {
        failures++;
      }
      dir.setRandomIOExceptionRate(0);
      if (writer.isOpen() == false || writer.getTragicException() != null) {
        writer.rollback();
        writer = new IndexWriter(dir, config(true));
      } else {
        writer.rollback(); // drop whatever the failed round left uncommitted
        writer = new IndexWriter(dir, config(true));
      }
      IndexState.assertHolds(dir, committed, batch, random());
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        Set<String> now = new HashSet<>(IndexState.liveIds(reader));
        for (String id : batch) {
          if (now.contains(id) && committed.contains(id) == false) {
            committed.add(id);
          }
        }
      }
    }
    assertTrue("no exception was ever injected", failures > 0);
    System.out.printf(java.util.Locale.ROOT, "TestAnnoyDiskFull: random I/O errors broke %d of %d rounds, recovered each time, %d docs committed%n",
        failures, rounds, committed.size());
    assertRecovers(writer, List.of());
  }
}
