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

import io.github.luceneannoy.db.Vector;
import io.github.luceneannoy.db.VectorDb;
import io.github.luceneannoy.db.VectorDbConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code index} command: imports a vector file into a {@link VectorDb}. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Import vectors into a VectorDb directory (created if missing, added to if present).",
      "Formats: .fvecs/.bvecs (ids are record numbers from 0), CSV (id,x1,x2,...),"
          + " JSON lines ({\"id\":..,\"vector\":[..],\"keywords\":{..},\"text\":{..}}),"
          + " and a Fashion-MNIST directory (the 60,000 training images, with their class"
          + " as keyword 'label' and text 'description').",
      "Existing ids are replaced. Commits every --batch vectors; a bad record stops the import"
          + " with everything before it committed."
    })
final class IndexCommand implements Callable<Integer> {

  @Option(
      names = "--index",
      required = true,
      paramLabel = "DIR",
      description = "the database directory")
  Path index;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "PATH",
      description = "the file (or Fashion-MNIST directory) to import")
  Path input;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "${COMPLETION-CANDIDATES}; default: from the file name")
  VectorInput.Format format;

  @Option(
      names = "--similarity",
      paramLabel = "SIM",
      description =
          "${COMPLETION-CANDIDATES}; default: the existing database's, or EUCLIDEAN for a new one")
  VectorSimilarityFunction similarity;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "vectors per commit (default: ${DEFAULT-VALUE})")
  int batch = 10_000;

  @Option(names = "--limit", paramLabel = "N", description = "import at most N vectors")
  long limit = Long.MAX_VALUE;

  @Mixin ForestOptions forest = new ForestOptions();

  private final PrintStream out;
  private final PrintStream err;

  IndexCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Opens the database: an existing one keeps its similarity unless one was asked for (a mismatch
   * is then an error); a new one takes the first vector's dimension.
   */
  private VectorDb open(int dimension) throws Exception {
    boolean exists = false;
    if (Files.isDirectory(index)) {
      try (Directory directory = FSDirectory.open(index)) {
        exists = DirectoryReader.indexExists(directory);
      }
    }
    if (exists && similarity == null) {
      // a dimension that differs from the database's is reported at the first record's line
      return VectorDb.open(index);
    }
    VectorDbConfig config =
        VectorDbConfig.of(
                dimension, similarity == null ? VectorSimilarityFunction.EUCLIDEAN : similarity)
            .withFormat(forest.annoyFormat());
    return VectorDb.open(index, config);
  }

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || limit < 1) {
      throw new IllegalArgumentException("--batch and --limit must be at least 1");
    }
    VectorInput.Format actual = format != null ? format : VectorInput.Format.of(input);
    try (VectorInput vectors = VectorInput.open(input, actual)) {
      Vector first = vectors.next();
      if (first == null) {
        throw new InputFormatException(input, vectors.unit(), 0, "holds no vectors");
      }
      try (VectorDb db = open(first.dimension())) {
        VectorImporter.Result result =
            new VectorImporter(db, batch, err).run(vectors, first, limit);
        out.printf(
            Locale.ROOT,
            "indexed %,d vectors of %d dimensions from %s in %.1f s (%,.0f vectors/s), %d commits%n",
            result.vectors(),
            first.dimension(),
            input,
            result.seconds(),
            result.vectors() / Math.max(1e-9, result.seconds()),
            result.commits());
        out.printf(
            Locale.ROOT,
            "%s now holds %,d vectors (%s); see: info --index %s%n",
            index,
            db.size(),
            db.config().similarity(),
            index);
      }
    }
    return Main.OK;
  }
}
