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
import org.apache.lucene.util.Version;

/**
 * The child process of {@link TestAnnoyCrash}: adds batches of {@link Corpus} documents with the
 * Annoy codec forever, committing after each and printing {@code COMMITTED <batch>} once the commit
 * has returned, and {@code MERGE START}/{@code MERGE END} around every merge (each builds and
 * calibrates a forest), until the parent kills it. Its standard output is the protocol, so it
 * prints nothing else there. Its first line, {@link #startLine()}, tells the parent which JDK,
 * Lucene and codec classes it runs on, which must be the parent's own.
 */
public final class CrashingIndexer {
  static final int BATCH = 150;

  /** Every this many batches the child also force-merges to one segment: a large forest build. */
  static final int FORCE_MERGE_EVERY = 4;

  private CrashingIndexer() {}

  static String id(int round, int batch, int j) {
    return "r" + round + "-b" + batch + "-" + j;
  }

  /**
   * The JDK, the Lucene version and where the codec's classes come from, as this JVM sees them: the
   * child prints it first, and the parent checks that it says what the parent's own says (the same
   * JDK, and the Lucene line and codec classes of the module under test, not another's).
   */
  static String startLine() {
    return "STARTED java.home="
        + System.getProperty("java.home")
        + " java.version="
        + Runtime.version()
        + " lucene="
        + Version.LATEST
        + " codec="
        + AnnoyCodec.class.getProtectionDomain().getCodeSource().getLocation();
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

  /** The arguments the parent passes for a round: directory, round and the forest's parameters. */
  static String[] args(Path path, int round, AnnoyVectorsFormat format) {
    return new String[] {
      path.toString(),
      Integer.toString(round),
      Integer.toString(format.numTrees()),
      Integer.toString(format.maxLeafSize()),
      Integer.toString(format.branching()),
      Float.toString(format.targetRecall()),
      Long.toString(format.seed())
    };
  }

  /**
   * Arguments: the index directory, the round number, then the format's number of trees, leaf size,
   * branching, target recall and seed.
   */
  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    AnnoyVectorsFormat format =
        new AnnoyVectorsFormat(
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            Integer.parseInt(args[4]),
            Float.parseFloat(args[5]),
            Long.parseLong(args[6]));
    LogDocMergePolicy mergePolicy = new LogDocMergePolicy();
    mergePolicy.setMergeFactor(3); // merge often: every third flushed segment
    mergePolicy.setMinMergeDocs(BATCH);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new AnnoyCodec(format))
            .setMaxBufferedDocs(BATCH)
            .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH)
            .setMergePolicy(mergePolicy)
            .setMergeScheduler(new AnnouncingMergeScheduler());
    System.out.println(startLine());
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
