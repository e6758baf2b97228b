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
package io.github.luceneannoy.examples;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An input file that does not hold what it should: the message names the file, the line or record
 * (counted from 1) and what was expected there.
 */
public final class InputFormatException extends IOException {
  private final Path file;
  private final long record;

  /**
   * @param file the file being read
   * @param unit what {@code record} counts, such as "line" or "record"
   * @param record the line or record number, from 1; 0 for the file as a whole (e.g. its header)
   * @param problem what was wrong, saying what was expected
   */
  public InputFormatException(Path file, String unit, long record, String problem) {
    super(file + (record > 0 ? " " + unit + " " + record : "") + ": " + problem);
    this.file = file;
    this.record = record;
  }

  /** The file that was being read. */
  public Path file() {
    return file;
  }

  /** The line or record number (from 1), or 0 when the problem is in the file as a whole. */
  public long record() {
    return record;
  }
}
