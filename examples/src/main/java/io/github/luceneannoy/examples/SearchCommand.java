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

import io.github.luceneannoy.db.Hit;
import io.github.luceneannoy.db.SearchRequest;
import io.github.luceneannoy.db.Vector;
import io.github.luceneannoy.db.VectorDb;
import io.github.luceneannoy.search.Fusion;
import io.github.luceneannoy.search.LinearScoreFusion;
import io.github.luceneannoy.search.ReciprocalRankFusion;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Query;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code search} command: nearest neighbours of a vector or of a stored vector's id. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Find the nearest vectors in a VectorDb directory, optionally filtered, optionally fused"
          + " with a text query.",
      "Queries use Lucene's syntax over the metadata fields: keyword fields match exactly"
          + " (label:Sneaker OR label:\"Ankle boot\"), text fields by words (description:shoe)."
    })
final class SearchCommand implements Callable<Integer> {

  /** Exactly one of the two ways to give the query vector. */
  static final class Target {
    @Option(
        names = "--vector",
        paramLabel = "X1,X2,..",
        description = "the query vector, comma-separated",
        required = true)
    String vector;

    @Option(
        names = "--id",
        paramLabel = "ID",
        description =
            "use the stored vector with this id (the vector itself is left out of the hits)",
        required = true)
    String id;
  }

  /** The ways to fuse a text query with the vector search. */
  enum FusionKind {
    RRF,
    LINEAR
  }

  @Option(
      names = "--index",
      required = true,
      paramLabel = "DIR",
      description = "the database directory")
  Path index;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(
      names = {"-k", "--k"},
      paramLabel = "K",
      description = "hits to return (default: ${DEFAULT-VALUE})")
  int k = 10;

  @Option(
      names = "--filter",
      paramLabel = "QUERY",
      description = "search only among vectors this query matches")
  String filter;

  @Option(
      names = "--text",
      paramLabel = "QUERY",
      description = "hybrid search: fuse this text query's ranking (BM25) with the vector ranking")
  String text;

  @Option(
      names = "--fusion",
      paramLabel = "KIND",
      description = "with --text: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  FusionKind fusion = FusionKind.RRF;

  @Option(
      names = "--rrf-constant",
      paramLabel = "C",
      description = "with --fusion RRF (default: ${DEFAULT-VALUE})")
  int rrfConstant = ReciprocalRankFusion.DEFAULT_RANK_CONSTANT;

  @Option(
      names = "--text-weight",
      paramLabel = "W",
      description =
          "with --fusion LINEAR: weight of text, 0 to 1; vectors get 1 - W (default: ${DEFAULT-VALUE})")
  double textWeight = 0.5;

  @Option(
      names = "--candidates",
      paramLabel = "C",
      description =
          "search budget: candidates gathered per hit (default: each segment's calibrated budget)")
  int candidates;

  private final PrintStream out;

  SearchCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    try (VectorDb db = VectorDb.open(index)) {
      float[] query = target.vector != null ? parseVector(target.vector) : storedVector(db);
      // when searching by id, the vector itself would be the first hit: ask for one more
      int wanted = target.id != null ? k + 1 : k;
      long start = System.nanoTime();
      List<Hit> hits = text == null ? knn(db, query, wanted) : hybrid(db, query, wanted);
      double millis = (System.nanoTime() - start) / 1e6;
      hits = withoutQueryItself(hits);
      out.printf(
          Locale.ROOT,
          "%d hits for %s%s%s in %.1f ms%n",
          hits.size(),
          describeTarget(),
          filter == null ? "" : " filtered by " + filter,
          text == null ? "" : " fused (" + fusion + ") with text " + text,
          millis);
      // Euclidean scores are 1 / (1 + d²): the distance itself is what a reader can judge
      boolean distances =
          text == null && db.config().similarity() == VectorSimilarityFunction.EUCLIDEAN;
      out.printf(
          Locale.ROOT,
          "%4s  %-20s %12s  %s%n",
          "rank",
          "id",
          distances ? "distance" : "score",
          "keywords");
      for (int i = 0; i < hits.size(); i++) {
        Hit hit = hits.get(i);
        double value = distances ? Math.sqrt(1 / (double) hit.score() - 1) : hit.score();
        out.printf(Locale.ROOT, "%4d  %-20s %12.6g  %s%n", i + 1, hit.id(), value, keywords(hit));
      }
    }
    return Main.OK;
  }

  private List<Hit> knn(VectorDb db, float[] query, int wanted) throws Exception {
    SearchRequest request =
        SearchRequest.of(query, wanted).withMetadata(true).withCandidatesPerHit(candidates);
    if (filter != null) {
      request = request.withFilter(parse(db, filter));
    }
    return db.search(request);
  }

  private List<Hit> hybrid(VectorDb db, float[] query, int wanted) throws Exception {
    if (filter != null) {
      throw new IllegalArgumentException(
          "--filter and --text cannot be combined; put the condition into --text");
    }
    Fusion fuser =
        fusion == FusionKind.RRF
            ? new ReciprocalRankFusion(rrfConstant)
            : new LinearScoreFusion(textWeight, 1 - textWeight);
    return db.searchHybrid(query, parse(db, text), wanted, fuser);
  }

  private static Query parse(VectorDb db, String syntax) throws Exception {
    return db.withSearcher(
        searcher -> {
          try {
            return QuerySyntax.parse(
                syntax,
                searcher.getIndexReader(),
                QuerySyntax.defaultTextField(searcher.getIndexReader(), VectorDb.ID_FIELD));
          } catch (org.apache.lucene.queryparser.classic.ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        });
  }

  private float[] storedVector(VectorDb db) throws Exception {
    Vector stored =
        db.get(target.id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no vector with id '" + target.id + "' in " + index));
    return stored.data();
  }

  private List<Hit> withoutQueryItself(List<Hit> hits) {
    List<Hit> kept = new ArrayList<>();
    for (Hit hit : hits) {
      if (hit.id().equals(target.id) == false && kept.size() < k) {
        kept.add(hit);
      }
    }
    return kept;
  }

  private String describeTarget() {
    return target.id != null ? "the vector of id " + target.id : "the given vector";
  }

  private static String keywords(Hit hit) {
    return hit.metadata().keywords().entrySet().stream()
        .map(e -> e.getKey() + "=" + String.join("|", e.getValue()))
        .collect(Collectors.joining(" "));
  }

  private static float[] parseVector(String text) {
    String[] parts = text.split(",");
    float[] vector = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        vector[i] = Float.parseFloat(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--vector component " + (i + 1) + " is '" + parts[i].strip() + "', expected a number");
      }
    }
    return vector;
  }
}
