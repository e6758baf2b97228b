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
package io.github.luceneannoy.db;

import io.github.luceneannoy.codec.AnnoyCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/** Opens or creates the Lucene pieces of a {@link VectorDb}, checking what the directory holds. */
final class VectorDbOpener {
  private VectorDbOpener() {}

  /**
   * @param config the requested config, or null to reopen with the stored dimension and similarity
   * @param mustExist whether a missing database is an error rather than something to create
   */
  static VectorDb open(Path path, VectorDbConfig config, boolean mustExist) throws IOException {
    if (mustExist && Files.isDirectory(path) == false) {
      throw new IncompatibleIndexException(path, "no such directory");
    }
    Files.createDirectories(path);
    Directory directory = FSDirectory.open(path);
    SearchPool searchPool = null;
    Analyzer analyzer = null;
    IndexWriter writer = null;
    boolean success = false;
    try {
      boolean exists = DirectoryReader.indexExists(directory);
      if (exists) {
        Schema stored =
            Schema.fromUserData(path, SegmentInfos.readLatestCommit(directory).getUserData());
        if (config == null) {
          config = VectorDbConfig.of(stored.dimension(), stored.similarity());
        }
        stored.checkMatches(path, new Schema(config.dimension(), config.similarity()));
      } else if (mustExist) {
        throw new IncompatibleIndexException(path, "holds no VectorDb");
      } else {
        checkEmpty(path, directory);
      }
      Schema schema = new Schema(config.dimension(), config.similarity());
      analyzer = VectorDb.newAnalyzer();
      writer = new IndexWriter(directory, writerConfig(config, analyzer));
      writer.setLiveCommitData(schema.userData().entrySet());
      if (exists == false) {
        // an empty first commit marks the directory as a VectorDb even if nothing is ever added
        writer.commit();
      }
      searchPool = config.searchThreads() > 1 ? new SearchPool(config.searchThreads()) : null;
      SearcherManager manager =
          new SearcherManager(
              writer, searcherFactory(searchPool == null ? null : searchPool.executor()));
      VectorDb db = new VectorDb(path, config, directory, writer, manager, searchPool, analyzer);
      success = true;
      return db;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(writer, directory, analyzer);
        if (searchPool != null) {
          searchPool.close();
        }
      }
    }
  }

  /** Refuses to create a database among unrelated files, which it could mistake for its own. */
  private static void checkEmpty(Path path, Directory directory) throws IOException {
    String[] files =
        Arrays.stream(directory.listAll())
            .filter(f -> f.equals(IndexWriter.WRITE_LOCK_NAME) == false)
            .toArray(String[]::new);
    if (files.length > 0) {
      throw new IncompatibleIndexException(
          path,
          "is not empty and holds no index (found "
              + String.join(", ", Arrays.copyOf(files, Math.min(5, files.length)))
              + (files.length > 5 ? ", …" : "")
              + ")");
    }
  }

  private static IndexWriterConfig writerConfig(VectorDbConfig config, Analyzer analyzer) {
    // no compound files: vectors dominate a segment, and packing them into a .cfs would copy them
    // once more at every flush; separate files also let tools report each format's size
    TieredMergePolicy mergePolicy = new TieredMergePolicy();
    mergePolicy.setNoCFSRatio(0.0);
    return new IndexWriterConfig(analyzer)
        .setCodec(new AnnoyCodec(config.format()))
        .setUseCompoundFile(false)
        .setMergePolicy(mergePolicy)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setRAMBufferSizeMB(config.ramBufferMB());
  }

  private static SearcherFactory searcherFactory(ExecutorService executor) {
    return new SearcherFactory() {
      @Override
      public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
        return new IndexSearcher(reader, executor);
      }
    };
  }
}
