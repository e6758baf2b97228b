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

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;

/**
 * Sizes of an index's files summed per file extension, which is how Lucene tells formats apart.
 * Counts the files of one commit, so a leftover lock file or an unrelated file in the directory
 * does not show up as part of the index.
 */
public final class IndexFileSizes {

  /** What a commit's {@code segments_N} files are reported under. */
  public static final String COMMIT_POINT = "segments_N";

  private IndexFileSizes() {}

  /** Bytes per extension (such as {@code "afi"}) of the files of {@code commit}, largest first. */
  public static Map<String, Long> byExtension(Directory directory, IndexCommit commit)
      throws IOException {
    return byExtension(directory, commit.getFileNames());
  }

  /** Bytes per extension of the directory's latest commit, largest first. */
  public static Map<String, Long> byExtension(Directory directory) throws IOException {
    return byExtension(directory, SegmentInfos.readLatestCommit(directory).files(true));
  }

  private static Map<String, Long> byExtension(Directory directory, Collection<String> files)
      throws IOException {
    Map<String, Long> bytes = new HashMap<>();
    for (String file : files) {
      bytes.merge(extensionOf(file), directory.fileLength(file), Long::sum);
    }
    Map<String, Long> largestFirst = new LinkedHashMap<>();
    bytes.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(entry -> largestFirst.put(entry.getKey(), entry.getValue()));
    return largestFirst;
  }

  private static String extensionOf(String file) {
    if (file.startsWith(IndexFileNames.SEGMENTS)) {
      return COMMIT_POINT;
    }
    String extension = IndexFileNames.getExtension(file);
    return extension == null ? file : extension;
  }
}
