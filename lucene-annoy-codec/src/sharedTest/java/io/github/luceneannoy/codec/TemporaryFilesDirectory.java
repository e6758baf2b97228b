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

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * Records the Annoy writer's temporary files and which of them the writer's own code deleted, for
 * tests that check a flush or merge leaves none behind, whether it succeeds or fails.
 */
public final class TemporaryFilesDirectory extends FilterDirectory {
  /** The writer's temporary files created so far. */
  final Set<String> created = Collections.synchronizedSet(new HashSet<>());

  private final Set<String> deletedByWriter = Collections.synchronizedSet(new HashSet<>());

  public TemporaryFilesDirectory(Directory in) {
    super(in);
  }

  @Override
  public IndexOutput createTempOutput(String prefix, String suffix, IOContext context)
      throws IOException {
    IndexOutput out = super.createTempOutput(prefix, suffix, context);
    if (suffix.startsWith("annoy_")) {
      created.add(out.getName());
    }
    return out;
  }

  @Override
  public void deleteFile(String name) throws IOException {
    super.deleteFile(name);
    if (calledFrom(ForestFileOutput.class.getName(), null)) {
      deletedByWriter.add(name);
    }
  }

  /** The writer's temporary files in the directory now. */
  public List<String> temporaryFiles() throws IOException {
    return Arrays.stream(listAll()).filter(name -> name.contains("annoy_")).toList();
  }

  /** None of the writer's temporary files is left, and the writer deleted each itself. */
  public void assertAllDeletedByWriter() throws IOException {
    assertEquals("temporary files left", List.of(), temporaryFiles());
    synchronized (created) {
      assertTrue(
          "not deleted by the writer: " + created + " vs " + deletedByWriter,
          deletedByWriter.containsAll(created));
    }
  }

  /** Whether the current thread runs inside {@code className}, in {@code method} if not null. */
  public static boolean calledFrom(String className, String method) {
    for (StackTraceElement frame : new Throwable().getStackTrace()) {
      if (frame.getClassName().equals(className)
          && (method == null || frame.getMethodName().equals(method))) {
        return true;
      }
    }
    return false;
  }
}
