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

import io.github.luceneannoy.db.InvalidVectorException;
import io.github.luceneannoy.db.Vector;
import io.github.luceneannoy.db.VectorDb;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Copies vectors from an input into a database, committing every {@code batchSize} records, so that
 * a malformed record stops the import with everything before it durable: the records of earlier
 * batches, and those of the current batch before the bad one, which are committed before the error
 * is reported. Vectors are upserted, so running an import again after fixing the file replaces
 * rather than duplicates.
 */
final class VectorImporter {

  /** What an import did. */
  record Result(long vectors, long commits, double seconds) {}

  private final VectorDb db;
  private final int batchSize;
  private final PrintStream progressOut;

  /**
   * @param progressOut where to draw progress, or null for none
   */
  VectorImporter(VectorDb db, int batchSize, PrintStream progressOut) {
    this.db = db;
    this.batchSize = batchSize;
    this.progressOut = progressOut;
  }

  /**
   * Imports {@code first} (already read from {@code input}, or null) and the rest of {@code input},
   * at most {@code limit} vectors in all.
   *
   * @throws InputFormatException for a malformed record or one the database refuses, after
   *     committing the records before it
   */
  Result run(VectorInput input, Vector first, long limit) throws IOException {
    long total = input.expectedRecords() < 0 ? limit : Math.min(limit, input.expectedRecords());
    Progress progress =
        new Progress(progressOut, "indexing", "vectors", total == Long.MAX_VALUE ? -1 : total);
    long done = 0;
    long commits = 0;
    try {
      for (Vector vector = first != null ? first : input.next();
          vector != null && done < limit;
          vector = done < limit ? input.next() : null) {
        try {
          db.upsert(vector);
        } catch (InvalidVectorException e) {
          throw new InputFormatException(
              input.path(), input.unit(), input.position(), e.getMessage());
        }
        done++;
        if (done % batchSize == 0) {
          db.commit();
          commits++;
        }
        progress.update(done);
      }
    } catch (InputFormatException e) {
      progress.finish();
      db.commit();
      throw new InputFormatException(
          e.file(),
          input.unit(),
          e.record(),
          problemOf(e)
              + " (import stopped; the "
              + (done == 1 ? "vector" : done + " vectors")
              + " before it "
              + (done == 1 ? "is" : "are")
              + " committed)");
    }
    db.commit();
    commits++;
    progress.finish();
    return new Result(done, commits, progress.seconds());
  }

  /** The message of {@code e} without the file and position it starts with. */
  private static String problemOf(InputFormatException e) {
    String message = e.getMessage();
    int colon = message.indexOf(": ", e.file().toString().length());
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
