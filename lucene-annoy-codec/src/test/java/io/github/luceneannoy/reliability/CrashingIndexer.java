package io.github.luceneannoy.reliability;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.store.FSDirectory;

/**
 * The child process of {@link TestAnnoyCrash}: adds batches of documents with the Annoy codec
 * forever, committing after each and printing {@code COMMITTED <batch>} once the commit has
 * returned, and {@code MERGE START}/{@code MERGE END} around every merge (each builds a forest),
 * until the parent kills it.
 */
public final class CrashingIndexer {
  static final int BATCH = 150;
  /** Every this many batches the child also force-merges to one segment: a large forest build. */
  static final int FORCE_MERGE_EVERY = 4;

  private CrashingIndexer() {}

  static String id(int round, int batch, int j) {
    return "r" + round + "-b" + batch + "-" + j;
  }

  /** Prints a marker before and after each merge; println is synchronized, lines never mix. */
  private static final class AnnouncingMergeScheduler extends ConcurrentMergeScheduler {
    @Override
    protected void doMerge(MergeSource mergeSource, MergePolicy.OneMerge merge) throws IOException {
      System.out.println("MERGE START " + merge.segments.size());
      super.doMerge(mergeSource, merge);
      System.out.println("MERGE END");
    }
  }

  /** Arguments: the index directory and the round number. */
  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    LogDocMergePolicy mergePolicy = new LogDocMergePolicy();
    mergePolicy.setMergeFactor(3); // merge often: every third flushed segment
    mergePolicy.setMinMergeDocs(BATCH);
    IndexWriterConfig config =
        new IndexWriterConfig()
            // many trees: a merge spends most of its time building the forest, where the kill should land
            .setCodec(new AnnoyCodec(new AnnoyVectorsFormat(64, 16, 10)))
            .setMaxBufferedDocs(BATCH)
            .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH)
            .setMergePolicy(mergePolicy)
            .setMergeScheduler(new AnnouncingMergeScheduler());
    // never closed: the parent kills the process, which is the point
    IndexWriter writer = new IndexWriter(FSDirectory.open(path), config);
    for (int batch = 0; ; batch++) {
      for (int j = 0; j < BATCH; j++) {
        writer.addDocument(Corpus.doc(id(round, batch, j)));
      }
      if (batch % FORCE_MERGE_EVERY == FORCE_MERGE_EVERY - 1) {
        writer.forceMerge(1);
      }
      writer.commit();
      System.out.println("COMMITTED " + batch);
    }
  }
}
