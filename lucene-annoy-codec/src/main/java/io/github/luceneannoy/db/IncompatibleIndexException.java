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

import java.io.IOException;
import java.nio.file.Path;

/**
 * The directory given to {@link VectorDb#open} cannot be used: it holds a Lucene index that no
 * {@code VectorDb} created, a database of another dimension or similarity, or files that are not an
 * index at all. Nothing in the directory is changed when this is thrown.
 */
public final class IncompatibleIndexException extends IOException {
  private final Path directory;

  IncompatibleIndexException(Path directory, String message) {
    super(directory + ": " + message);
    this.directory = directory;
  }

  /** The directory that was refused. */
  public Path directory() {
    return directory;
  }
}
