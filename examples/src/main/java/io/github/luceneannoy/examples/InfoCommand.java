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

import io.github.luceneannoy.codec.ForestStatistics;
import io.github.luceneannoy.examples.bench.IndexFileSizes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code info} command: what an index holds and how its forests are shaped. Reads the last
 * commit without locking, so it works on any Lucene index, also while a program writes to it.
 */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Describe an index: VectorDb settings, documents, fields, bytes per file type, and per"
          + " segment the forest of each vector field (trees, branching, leaves, leaf sizes, depths,"
          + " bytes, and the default budgets calibrated for its target recall).",
      "Works on any Lucene index, such as the one quickstart --index leaves."
    })
final class InfoCommand implements Callable<Integer> {

  @Option(
      names = "--index",
      required = true,
      paramLabel = "DIR",
      description = "the index directory")
  Path index;

  private final PrintStream out;

  InfoCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    try (Directory directory = FSDirectory.open(index);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      Map<String, String> userData = reader.getIndexCommit().getUserData();
      out.printf(Locale.ROOT, "index      %s%n", index.toAbsolutePath());
      if (userData.containsKey("vectordb.dimension")) {
        out.printf(
            Locale.ROOT,
            "VectorDb   dimension %s, similarity %s%n",
            userData.get("vectordb.dimension"),
            userData.get("vectordb.similarity"));
      }
      out.printf(
          Locale.ROOT,
          "documents  %,d live, %,d deleted, in %d segments%n",
          reader.numDocs(),
          reader.numDeletedDocs(),
          reader.leaves().size());
      out.printf(
          Locale.ROOT, "fields     %s%n", describeFields(FieldInfos.getMergedFieldInfos(reader)));
      out.printf(Locale.ROOT, "files      %s%n", describeFiles(directory, reader));
      printForests(reader);
    }
    return Main.OK;
  }

  private static String describeFields(FieldInfos infos) {
    List<String> fields = new ArrayList<>();
    for (FieldInfo info : infos) {
      String kind;
      if (info.getVectorDimension() > 0) {
        kind =
            info.getVectorEncoding()
                + " vector, "
                + info.getVectorDimension()
                + " dims, "
                + info.getVectorSimilarityFunction();
      } else if (info.getIndexOptions() == IndexOptions.DOCS) {
        kind = "keyword";
      } else if (info.getIndexOptions() != IndexOptions.NONE) {
        kind = "text";
      } else {
        kind = "stored/doc values";
      }
      fields.add(info.name + " (" + kind + ")");
    }
    return String.join("; ", fields);
  }

  private static String describeFiles(Directory directory, DirectoryReader reader)
      throws Exception {
    Map<String, Long> bytes = IndexFileSizes.byExtension(directory, reader.getIndexCommit());
    long total = bytes.values().stream().mapToLong(Long::longValue).sum();
    List<String> parts = new ArrayList<>();
    bytes.forEach((extension, size) -> parts.add(extension + " " + human(size)));
    return String.join(", ", parts) + "; total " + human(total);
  }

  private void printForests(DirectoryReader reader) throws Exception {
    out.printf(
        Locale.ROOT,
        "%-8s %9s %8s %-10s %5s %6s %6s %8s %8s %16s %16s %10s  %s%n",
        "segment",
        "docs",
        "deleted",
        "field",
        "trees",
        "branch",
        "leaf<=",
        "inner",
        "leaves",
        "leaf min/avg/max",
        "depth min/avg/max",
        "forest",
        "default budget@10/@100 (order, target recall)");
    for (LeafReaderContext leaf : reader.leaves()) {
      String segment =
          leaf.reader() instanceof SegmentReader
              ? ((SegmentReader) leaf.reader()).getSegmentName()
              : "#" + leaf.ord;
      boolean any = false;
      for (FieldInfo info : leaf.reader().getFieldInfos()) {
        if (info.getVectorDimension() == 0) {
          continue;
        }
        any = true;
        Optional<ForestStatistics> stats = ForestStatistics.read(leaf.reader(), info.name);
        String forest = stats.map(InfoCommand::describeForest).orElse("(not an Annoy forest)");
        out.printf(
            Locale.ROOT,
            "%-8s %,9d %,8d %-10s %s%n",
            segment,
            leaf.reader().maxDoc(),
            leaf.reader().numDeletedDocs(),
            info.name,
            forest);
      }
      if (any == false) {
        out.printf(
            Locale.ROOT,
            "%-8s %,9d %,8d (no vector fields)%n",
            segment,
            leaf.reader().maxDoc(),
            leaf.reader().numDeletedDocs());
      }
    }
  }

  private static String describeForest(ForestStatistics s) {
    return String.format(
        Locale.ROOT,
        "%5d %6d %6d %,8d %,8d %16s %16s %10s  %,d/%,d (%s, %.2f)",
        s.numTrees(),
        s.branching(),
        s.maxLeafSize(),
        s.innerNodes(),
        s.leaves(),
        String.format(
            Locale.ROOT, "%d/%.1f/%d", s.minLeafSize(), s.meanLeafSize(), s.largestLeafSize()),
        String.format(Locale.ROOT, "%d/%.1f/%d", s.minDepth(), s.meanDepth(), s.maxDepth()),
        human(s.forestBytes()),
        s.budget10(),
        s.budget100(),
        s.order(),
        s.targetRecall());
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
  }
}
