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

import io.github.luceneannoy.db.Filter;
import io.github.luceneannoy.db.Hit;
import io.github.luceneannoy.db.SearchRequest;
import io.github.luceneannoy.db.VectorDb;
import io.github.luceneannoy.db.VectorDbConfig;
import io.github.luceneannoy.search.HybridSearch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * The hybrid worked example on real data: Fashion-MNIST images indexed in a {@link VectorDb} with
 * their class as a keyword and a description as text; "the nearest images that are sneakers or
 * sandals" as a filtered k-NN search, measured against exact filtered search at two budgets; and a
 * text query re-ranked by vector similarity.
 */
final class FashionMnistDemo {

  /** The classes of the filtered search. */
  static final List<String> FOOTWEAR = List.of("Sandal", "Sneaker");

  /** The text query of the re-ranking example, over the description field. */
  static final String TEXT_QUERY = "boot";

  /**
   * What to run.
   *
   * @param data the Fashion-MNIST directory
   * @param train training images to index
   * @param queries test images to query with
   * @param k hits per query
   * @param candidatesPerHit the larger search budget measured besides the default
   */
  record Options(Path data, int train, int queries, int k, int candidatesPerHit) {}

  /** Recall@k of the filtered searches at each budget and of the unfiltered one. */
  record Result(
      int indexed,
      int queries,
      double filteredRecall,
      double filteredRecallLargerBudget,
      double unfilteredRecall) {}

  private final Options options;
  private final PrintStream out;
  private final PrintStream progressOut;

  FashionMnistDemo(Options options, PrintStream out, PrintStream progressOut) {
    this.options = options;
    this.out = out;
    this.progressOut = progressOut;
  }

  Result run(Path indexDirectory) throws IOException {
    FashionMnist data = FashionMnist.load(options.data(), options.train(), options.queries());
    FashionMnist.Split train = data.train();
    FashionMnist.Split test = data.test();
    out.printf(
        Locale.ROOT,
        "Fashion-MNIST from %s: %,d training images to index, %,d test images as queries (%d dimensions, Euclidean)%n",
        options.data(),
        train.size(),
        test.size(),
        FashionMnist.DIMENSION);
    VectorDbConfig config =
        VectorDbConfig.of(FashionMnist.DIMENSION, VectorSimilarityFunction.EUCLIDEAN);
    try (VectorDb db = VectorDb.open(indexDirectory, config)) {
      index(db, train);
      Filter footwear =
          Filter.anyKeyword(FashionMnistInput.LABEL_FIELD, FOOTWEAR.toArray(new String[0]));
      showFiltered(db, test, footwear);
      Result result = measure(db, train, test, footwear);
      showReranked(db, test);
      return result;
    }
  }

  private void index(VectorDb db, FashionMnist.Split train) throws IOException {
    FashionMnistInput input = new FashionMnistInput(options.data(), "train-", train);
    VectorImporter.Result result =
        new VectorImporter(db, 20_000, progressOut).run(input, null, Long.MAX_VALUE);
    int segments = db.withSearcher(s -> s.getIndexReader().leaves().size());
    out.printf(
        Locale.ROOT,
        "indexed %,d images in %.1f s (%,.0f images/s), %d segments%n",
        result.vectors(),
        result.seconds(),
        result.vectors() / Math.max(1e-9, result.seconds()),
        segments);
  }

  private Result measure(
      VectorDb db, FashionMnist.Split train, FashionMnist.Split test, Filter footwear)
      throws IOException {
    Set<Integer> footwearLabels = new HashSet<>();
    FOOTWEAR.forEach(name -> footwearLabels.add(FashionMnist.LABELS.indexOf(name)));
    IntPredicate isFootwear = i -> footwearLabels.contains(train.labels()[i]);
    // 0: each segment's calibrated default budget
    int[] budgets = {0, options.candidatesPerHit()};
    RecallMeter[] filtered = {new RecallMeter(), new RecallMeter()};
    RecallMeter unfiltered = new RecallMeter();
    long exactNanos = 0;
    Progress progress = new Progress(progressOut, "measuring", "queries", test.size());
    for (int q = 0; q < test.size(); q++) {
      float[] query = test.vectors()[q];
      long start = System.nanoTime();
      int[] exactFiltered = ExactNeighbours.search(train.vectors(), query, options.k(), isFootwear);
      exactNanos += System.nanoTime() - start;
      for (int b = 0; b < budgets.length; b++) {
        start = System.nanoTime();
        List<Hit> hits = search(db, query, footwear, budgets[b]);
        filtered[b].measure(hits, exactFiltered, System.nanoTime() - start);
      }
      int[] exact = ExactNeighbours.search(train.vectors(), query, options.k(), i -> true);
      start = System.nanoTime();
      List<Hit> hits = search(db, query, null, budgets[0]);
      unfiltered.measure(hits, exact, System.nanoTime() - start);
      progress.update(q + 1);
    }
    progress.finish();
    long footwearCount = IntStream.range(0, train.size()).filter(isFootwear).count();
    out.printf(
        Locale.ROOT,
        "%nrecall@%d against exact search, over %d test images (exact filtered scan: %.1f ms/query):%n",
        options.k(),
        test.size(),
        exactNanos / 1e6 / test.size());
    for (int b = 0; b < budgets.length; b++) {
      out.printf(
          Locale.ROOT,
          "  filtered to %s (%,d of %,d images), %s: recall %.3f, %.1f ms/query%n",
          String.join(" or ", FOOTWEAR),
          footwearCount,
          train.size(),
          budgetName(budgets[b]),
          filtered[b].recall(),
          filtered[b].meanMillis());
    }
    out.printf(
        Locale.ROOT,
        "  unfiltered, %s: recall %.3f, %.1f ms/query%n",
        budgetName(budgets[0]),
        unfiltered.recall(),
        unfiltered.meanMillis());
    return new Result(
        train.size(), test.size(), filtered[0].recall(), filtered[1].recall(), unfiltered.recall());
  }

  private static String budgetName(int candidatesPerHit) {
    return candidatesPerHit == 0 ? "default budget" : candidatesPerHit + " candidates/hit";
  }

  private List<Hit> search(VectorDb db, float[] query, Filter filter, int budget)
      throws IOException {
    SearchRequest request = SearchRequest.of(query, options.k()).withCandidatesPerHit(budget);
    return db.search(filter == null ? request : request.withFilter(filter));
  }

  private void showFiltered(VectorDb db, FashionMnist.Split test, Filter footwear)
      throws IOException {
    out.printf(
        Locale.ROOT,
        "%nthe nearest images that are sneakers or sandals, to test image 0 (class %s):%n",
        FashionMnist.labelName(test.labels()[0]));
    out.printf(Locale.ROOT, "  filter: %s%n", footwear);
    List<Hit> hits =
        db.search(SearchRequest.of(test.vectors()[0], 5).withFilter(footwear).withMetadata(true));
    for (int i = 0; i < hits.size(); i++) {
      Hit hit = hits.get(i);
      out.printf(
          Locale.ROOT,
          "  %d. %-12s %-12s distance %7.1f%n",
          i + 1,
          hit.id(),
          hit.metadata().keyword(FashionMnistInput.LABEL_FIELD),
          Math.sqrt(1 / hit.score() - 1));
    }
  }

  /**
   * Text search for "boot" re-ranked by similarity to a sneaker: the boots that look most alike.
   */
  private void showReranked(VectorDb db, FashionMnist.Split test) throws IOException {
    int q =
        IntStream.range(0, test.size())
            .filter(i -> FashionMnist.labelName(test.labels()[i]).equals("Sneaker"))
            .findFirst()
            .orElse(0);
    out.printf(
        Locale.ROOT,
        "%ntext query \"%s\" over %s (BM25), re-ranked by similarity to test image %d (class %s):%n",
        TEXT_QUERY,
        FashionMnistInput.DESCRIPTION_FIELD,
        q,
        FashionMnist.labelName(test.labels()[q]));
    db.withSearcher(
        searcher -> {
          TopDocs top =
              new HybridSearch(searcher, VectorDb.VECTOR_FIELD)
                  .textRerankedByVector(
                      db.textQuery(FashionMnistInput.DESCRIPTION_FIELD, TEXT_QUERY),
                      test.vectors()[q],
                      100_000,
                      5);
          for (int i = 0; i < top.scoreDocs.length; i++) {
            ScoreDoc hit = top.scoreDocs[i];
            var doc = searcher.storedFields().document(hit.doc);
            out.printf(
                Locale.ROOT,
                "  %d. %-12s %-12s distance %7.1f%n",
                i + 1,
                doc.get(VectorDb.ID_FIELD),
                doc.get(FashionMnistInput.LABEL_FIELD),
                Math.sqrt(1 / hit.score - 1));
          }
          return null;
        });
  }
}
