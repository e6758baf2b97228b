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

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Class labels of a generated data set's base vectors, read from the {@value #FILE} file beside its
 * {@code base.fvecs}: one name per line, in base order (the {@code wordnet-minilm} set's parts of
 * speech). Label ids number the distinct names in sorted order.
 *
 * @param ids the label id of each base vector
 * @param names the name of each label id
 */
public record Labels(int[] ids, String[] names) {
  /** The labels file's name. */
  public static final String FILE = "base.labels";

  /**
   * The labels of the first {@code count} base vectors of {@code baseFile}, or null when no labels
   * file lies beside it.
   *
   * @throws IOException if the file holds fewer than {@code count} labels, or an empty one
   */
  public static Labels beside(Path baseFile, int count) throws IOException {
    Path parent = baseFile.toAbsolutePath().getParent();
    Path file = parent == null ? null : parent.resolve(FILE);
    if (file == null || Files.isRegularFile(file) == false) {
      return null;
    }
    List<String> lines = new ArrayList<>(count);
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (lines.size() < count && (line = reader.readLine()) != null) {
        if (line.isBlank()) {
          throw new IOException(file + " line " + (lines.size() + 1) + ": empty label");
        }
        lines.add(line.strip());
      }
    }
    if (lines.size() < count) {
      throw new IOException(
          file
              + " holds "
              + lines.size()
              + " labels, but "
              + baseFile
              + " has "
              + count
              + " vectors");
    }
    String[] names = new TreeSet<>(lines).toArray(new String[0]);
    int[] ids = new int[count];
    for (int i = 0; i < count; i++) {
      ids[i] = Arrays.binarySearch(names, lines.get(i));
    }
    return new Labels(ids, names);
  }
}
