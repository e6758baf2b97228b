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

import static io.github.luceneannoy.codec.TemporaryFilesDirectory.calledFrom;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FilterMergePolicy;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The writer's temporary files ({@link ForestFileOutput}: each tree's node records and leaves, then
 * both concatenated) are deleted by the writer itself: after every flush and merge, when a build
 * fails at any stage, and when a merge is aborted; not left for IndexWriter's file deleter to find.
 * The {@link MockDirectoryWrapper} underneath refuses to close while any file is open, and checks
 * the index when it closes.
 */
public class TestTemporaryFiles extends LuceneTestCase {
  private static final int DIM = 8;
  private static final int TREES = 3;

  /** Per field and build: each tree's two files, then the two concatenated ones. */
  private static final int FILES_PER_BUILD = 2 * TREES + 2;

  private static AnnoyCodec codec() {
    return new AnnoyCodec(new AnnoyVectorsFormat(TREES, 16, 4, 0.9f, random().nextLong()));
  }

  private static void addDocs(IndexWriter writer, int count, boolean withBytes) throws IOException {
    float[][] vectors = TestData.clustered(random(), count, DIM, 5, 0.3f);
    byte[][] bytes = TestData.toBytes(vectors, 20);
    for (int i = 0; i < count; i++) {
      Document doc = new Document();
      doc.add(new StringField("kind", withBytes ? "b" : "v", Field.Store.NO));
      doc.add(new KnnFloatVectorField("v", vectors[i], VectorSimilarityFunction.EUCLIDEAN));
      if (withBytes) {
        doc.add(new KnnByteVectorField("b", bytes[i], VectorSimilarityFunction.EUCLIDEAN));
      }
      writer.addDocument(doc);
    }
  }

  private static int segments(Directory dir) throws IOException {
    return SegmentInfos.readLatestCommit(dir).size();
  }

  public void testFlushAndMergeDeleteTheirTemporaryFiles() throws IOException {
    try (MockDirectoryWrapper mock =
        new MockDirectoryWrapper(random(), new ByteBuffersDirectory())) {
      TemporaryFilesDirectory dir = new TemporaryFilesDirectory(mock);
      ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
      // room for intra-merge threads, so that a merge writes its trees in parallel
      scheduler.setMaxMergesAndThreads(4, 3);
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(codec())
              .setMaxBufferedDocs(200)
              .setRAMBufferSizeMB(64)
              .setMergePolicy(NoMergePolicy.INSTANCE)
              .setMergeScheduler(scheduler);
      int docs = 200 * (2 + random().nextInt(3)) + 1 + random().nextInt(150);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        addDocs(writer, docs, true);
        writer.commit();
        int flushed = segments(dir);
        assertTrue(String.valueOf(flushed), flushed >= 3);
        // two fields per segment, a build each
        assertEquals(dir.created.toString(), flushed * 2 * FILES_PER_BUILD, dir.created.size());
        dir.assertAllDeletedByWriter();

        writer.getConfig().setMergePolicy(new TieredMergePolicy());
        writer.forceMerge(1);
        writer.commit();
        assertEquals(1, segments(dir));
        assertEquals(
            dir.created.toString(), (flushed + 1) * 2 * FILES_PER_BUILD, dir.created.size());
        dir.assertAllDeletedByWriter();
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(docs, reader.numDocs());
      }
    }
  }

  /**
   * A merged field whose documents were all deleted has no vectors: nothing is built, so no
   * temporary file is written for it.
   */
  public void testFieldWithoutVectorsWritesNoTemporaryFile() throws IOException {
    try (MockDirectoryWrapper mock =
        new MockDirectoryWrapper(random(), new ByteBuffersDirectory())) {
      TemporaryFilesDirectory dir = new TemporaryFilesDirectory(mock);
      IndexWriterConfig config = serialConfig(false);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        addDocs(writer, 50, false);
        writer.commit();
        addDocs(writer, 50, true);
        addDocs(writer, 50, false);
        writer.commit();
        // builds: "v" in both segments, "b" in the second
        assertEquals(dir.created.toString(), 3 * FILES_PER_BUILD, dir.created.size());
        writer.deleteDocuments(new Term("kind", "b"));
        writer.getConfig().setMergePolicy(new TieredMergePolicy());
        writer.forceMerge(1);
        writer.commit();
        // the merge builds "v" only
        assertEquals(dir.created.toString(), 4 * FILES_PER_BUILD, dir.created.size());
      }
      dir.assertAllDeletedByWriter();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(1, reader.leaves().size());
        assertEquals(100, reader.numDocs());
        assertTrue(
            reader.leaves().get(0).reader().getFieldInfos().fieldInfo("b").hasVectorValues());
      }
    }
  }

  /** The places a build can fail while its temporary files exist. */
  private enum Stage {
    /** Writing a tree's node records. */
    NODES("io.github.luceneannoy.codec.ForestFileOutput$TreeFiles", "node"),
    /** Writing a tree's leaves. */
    LEAVES("io.github.luceneannoy.codec.ForestFileOutput$TreeFiles", "leaf"),
    /** Concatenating the trees' files, and deleting them. */
    CONCATENATION(ForestFileOutput.class.getName(), "concatenate"),
    /** Closing the trees' files and opening the concatenated ones for calibration. */
    FINISHING(ForestFileOutput.class.getName(), "finishWriting"),
    /** Copying the sections into the segment's data file. */
    COPY(ForestFileOutput.class.getName(), "appendTo");

    final String className;
    final String method;

    Stage(String className, String method) {
      this.className = className;
      this.method = method;
    }
  }

  /** Throws once, while armed, from a file operation made inside the stage. */
  private static final class FailAt extends MockDirectoryWrapper.Failure {
    final Stage stage;
    int thrown;

    FailAt(Stage stage) {
      this.stage = stage;
    }

    @Override
    public void eval(MockDirectoryWrapper dir) throws IOException {
      if (doFail && thrown == 0 && calledFrom(stage.className, stage.method)) {
        thrown++;
        throw new IOException("injected failure at " + stage);
      }
    }
  }

  private static IndexWriterConfig serialConfig(boolean merges) {
    return new IndexWriterConfig()
        .setCodec(codec())
        .setMaxBufferedDocs(1000)
        .setRAMBufferSizeMB(64)
        .setMergeScheduler(new SerialMergeScheduler())
        .setMergePolicy(merges ? new TieredMergePolicy() : NoMergePolicy.INSTANCE)
        .setCommitOnClose(false);
  }

  public void testFailedFlushDeletesItsTemporaryFiles() throws IOException {
    for (Stage stage : Stage.values()) {
      try (MockDirectoryWrapper mock =
          new MockDirectoryWrapper(random(), new ByteBuffersDirectory())) {
        TemporaryFilesDirectory dir = new TemporaryFilesDirectory(mock);
        IndexWriter writer = new IndexWriter(dir, serialConfig(false));
        addDocs(writer, 150, random().nextBoolean());
        writer.commit();
        FailAt failure = new FailAt(stage);
        mock.failOn(failure);
        failure.setDoFail();
        addDocs(writer, 150, random().nextBoolean());
        IOException e = expectThrows(IOException.class, writer::commit);
        assertInjected(e, stage);
        failure.clearDoFail();
        if (writer.isOpen()) {
          writer.rollback();
        }
        dir.assertAllDeletedByWriter();
        assertTrue(
            stage + ": the failed flush created its files", dir.created.size() > FILES_PER_BUILD);
        assertCommitted(dir, 1, 150);
      }
    }
  }

  public void testFailedMergeDeletesItsTemporaryFiles() throws IOException {
    for (Stage stage : Stage.values()) {
      try (MockDirectoryWrapper mock =
          new MockDirectoryWrapper(random(), new ByteBuffersDirectory())) {
        TemporaryFilesDirectory dir = new TemporaryFilesDirectory(mock);
        try (IndexWriter writer = new IndexWriter(dir, serialConfig(false))) {
          for (int s = 0; s < 3; s++) {
            addDocs(writer, 120, true);
            writer.commit();
          }
        }
        int beforeMerge = dir.created.size();
        FailAt failure = new FailAt(stage);
        mock.failOn(failure);
        failure.setDoFail();
        IndexWriter writer = new IndexWriter(dir, serialConfig(true));
        IOException e = expectThrows(IOException.class, () -> writer.forceMerge(1));
        assertInjected(e, stage);
        failure.clearDoFail();
        if (writer.isOpen()) {
          writer.rollback();
        }
        dir.assertAllDeletedByWriter();
        assertTrue(
            stage + ": the failed merge created its files", dir.created.size() > beforeMerge);
        assertCommitted(dir, 3, 360);
      }
    }
  }

  /**
   * The writer is rolled back while a merge copies a forest into the new segment; the merge's next
   * write notices (as Lucene's merge rate limiter does) and throws MergeAbortedException: the
   * merge's temporary files are deleted, and the index is its last commit.
   */
  public void testAbortedMergeDeletesItsTemporaryFiles() throws Exception {
    try (MockDirectoryWrapper mock =
        new MockDirectoryWrapper(random(), new ByteBuffersDirectory())) {
      TemporaryFilesDirectory dir = new TemporaryFilesDirectory(mock);
      try (IndexWriter writer = new IndexWriter(dir, serialConfig(false))) {
        for (int s = 0; s < 3; s++) {
          addDocs(writer, 120, false);
          writer.commit();
        }
      }
      List<MergePolicy.OneMerge> merges = Collections.synchronizedList(new ArrayList<>());
      MergePolicy recording =
          new FilterMergePolicy(new TieredMergePolicy()) {
            @Override
            public MergeSpecification findForcedMerges(
                SegmentInfos infos,
                int maxSegmentCount,
                java.util.Map<SegmentCommitInfo, Boolean> toMerge,
                MergeContext context)
                throws IOException {
              MergeSpecification spec =
                  super.findForcedMerges(infos, maxSegmentCount, toMerge, context);
              if (spec != null) {
                merges.addAll(spec.merges);
              }
              return spec;
            }
          };
      CountDownLatch copying = new CountDownLatch(1);
      MockDirectoryWrapper.Failure abortWhileCopying =
          new MockDirectoryWrapper.Failure() {
            @Override
            public void eval(MockDirectoryWrapper d) throws IOException {
              if (doFail && calledFrom(ForestFileOutput.class.getName(), "appendTo")) {
                doFail = false;
                copying.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (merges.stream().noneMatch(MergePolicy.OneMerge::isAborted)) {
                  if (System.nanoTime() > deadline) {
                    throw new AssertionError("the merge was never aborted");
                  }
                  Thread.onSpinWait();
                }
                throw new MergePolicy.MergeAbortedException(
                    "merge aborted while copying the forest");
              }
            }
          };
      abortWhileCopying.setDoFail();
      mock.failOn(abortWhileCopying);
      ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
      IndexWriterConfig config =
          serialConfig(true).setMergePolicy(recording).setMergeScheduler(scheduler);
      IndexWriter writer = new IndexWriter(dir, config);
      writer.forceMerge(1, false);
      assertTrue("the merge never reached the copy", copying.await(60, TimeUnit.SECONDS));
      Thread rollback =
          new Thread(
              () -> {
                try {
                  writer.rollback();
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              });
      rollback.start();
      rollback.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse("rollback hangs", rollback.isAlive());
      assertFalse(writer.isOpen());
      assertTrue(merges.stream().anyMatch(MergePolicy.OneMerge::isAborted));
      dir.assertAllDeletedByWriter();
      assertCommitted(dir, 3, 360);
    }
  }

  private static void assertInjected(IOException e, Stage stage) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("injected failure at " + stage)) {
        return;
      }
    }
    throw new AssertionError(stage + ": not the injected failure: " + e, e);
  }

  /** The index is its last commit: so many segments and documents, searchable. */
  private static void assertCommitted(Directory dir, int segments, int docs) throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      assertEquals(segments, reader.leaves().size());
      assertEquals(docs, reader.numDocs());
    }
  }
}
