package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The writer's temporary files (projected vectors, leaves) are deleted by the writer itself after
 * every flush and merge, and when a build fails half way; not left for IndexWriter's file deleter
 * to find. A {@link MockDirectoryWrapper} underneath refuses to close while any file is open.
 */
public class TestTemporaryFiles extends LuceneTestCase {
  private static final int DIM = 80; // projected: both kinds of temporary file

  /** Records the writer's temporary files and which of them the writer's own code deleted. */
  private static final class RecordingDirectory extends FilterDirectory {
    final Set<String> created = new HashSet<>();
    final Set<String> deletedByWriter = new HashSet<>();

    RecordingDirectory(Directory in) {
      super(in);
    }

    @Override
    public synchronized IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
      IndexOutput out = super.createTempOutput(prefix, suffix, context);
      if (suffix.startsWith("annoy_")) {
        created.add(out.getName());
      }
      return out;
    }

    @Override
    public synchronized void deleteFile(String name) throws IOException {
      if (calledFrom(ForestFileOutput.class.getName())) {
        deletedByWriter.add(name);
      }
      super.deleteFile(name);
    }
  }

  private static boolean calledFrom(String... classNames) {
    for (StackTraceElement frame : new Throwable().getStackTrace()) {
      if (Arrays.asList(classNames).contains(frame.getClassName())) {
        return true;
      }
    }
    return false;
  }

  private static IndexWriterConfig config(boolean merges) {
    ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
    // room for intra-merge threads, so that trees are built in parallel
    scheduler.setMaxMergesAndThreads(6, 3);
    return new IndexWriterConfig()
        .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(6, 16, 10)))
        .setMaxBufferedDocs(300)
        .setMergePolicy(merges ? new TieredMergePolicy() : NoMergePolicy.INSTANCE)
        .setMergeScheduler(scheduler);
  }

  private static void addDocs(IndexWriter writer, int count) throws IOException {
    float[][] vectors = TestData.clustered(random(), count, DIM, 5, 0.2f);
    for (float[] v : vectors) {
      Document doc = new Document();
      doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.EUCLIDEAN));
      writer.addDocument(doc);
    }
  }

  public void testFlushAndMergeDeleteTheirTemporaryFiles() throws IOException {
    try (MockDirectoryWrapper mock = newMockDirectory()) {
      RecordingDirectory dir = new RecordingDirectory(mock);
      try (IndexWriter writer = new IndexWriter(dir, config(true))) {
        addDocs(writer, 1000);
        writer.commit();
        int afterFlushes = dir.created.size();
        assertTrue("flushes spill projected vectors and leaves: " + dir.created, afterFlushes >= 6);
        writer.forceMerge(1);
        writer.commit();
        assertTrue("the merge spills too: " + dir.created, dir.created.size() >= afterFlushes + 2);
      }
      assertEquals(dir.created, dir.deletedByWriter);
      for (String file : mock.listAll()) {
        assertFalse(file, file.endsWith(".tmp"));
      }
    }
  }

  public void testFailedMergeDeletesItsTemporaryFiles() throws IOException {
    try (MockDirectoryWrapper mock = newMockDirectory()) {
      RecordingDirectory dir = new RecordingDirectory(mock);
      try (IndexWriter writer = new IndexWriter(dir, config(false))) {
        addDocs(writer, 900);
        writer.commit();
      }
      Set<String> beforeMerge = new HashSet<>(dir.created);
      dir.created.clear();
      // fail the merge while it writes leaves, when both temporary files exist
      MockDirectoryWrapper.Failure failure =
          new MockDirectoryWrapper.Failure() {
            @Override
            public void eval(MockDirectoryWrapper d) throws IOException {
              boolean leavesFileExists = dir.created.stream().anyMatch(name -> name.contains("annoy_leaves"));
              if (doFail && inLeafWrite() && leavesFileExists) {
                throw new IOException("injected failure while writing leaves");
              }
            }
          };
      failure.setDoFail();
      mock.failOn(failure);
      IndexWriterConfig iwc = config(true);
      iwc.setMergeScheduler(new org.apache.lucene.index.SerialMergeScheduler());
      IndexWriter writer = new IndexWriter(dir, iwc);
      IOException e = expectThrows(IOException.class, () -> writer.forceMerge(1));
      assertTrue(e.getMessage(), e.getMessage().contains("injected failure while writing leaves"));
      writer.rollback();
      failure.clearDoFail();
      assertEquals("a projected-vector file and a leaf file: " + dir.created, 2, dir.created.size());
      assertTrue(dir.deletedByWriter.containsAll(beforeMerge));
      assertTrue("deleted: " + dir.deletedByWriter, dir.deletedByWriter.containsAll(dir.created));
    }
  }

  private static boolean inLeafWrite() {
    for (StackTraceElement frame : new Throwable().getStackTrace()) {
      if (frame.getClassName().equals(ForestFileOutput.class.getName()) && frame.getMethodName().equals("leafInts")) {
        return true;
      }
    }
    return false;
  }
}
