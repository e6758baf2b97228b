package io.github.luceneannoy.examples;

import io.github.luceneannoy.db.Filter;
import io.github.luceneannoy.db.Hit;
import io.github.luceneannoy.db.SearchRequest;
import io.github.luceneannoy.db.VectorDb;
import io.github.luceneannoy.db.VectorDbConfig;
import io.github.luceneannoy.search.ReciprocalRankFusion;
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

/**
 * The hybrid worked example on real data: Fashion-MNIST images indexed in a {@link VectorDb} with
 * their class as a keyword and a description as text; "the nearest images that are sneakers or
 * sandals" as a filtered k-NN search, measured against exact filtered search; and a text query
 * fused with the vector ranking.
 */
final class FashionMnistDemo {

  /** The classes of the filtered search. */
  static final List<String> FOOTWEAR = List.of("Sandal", "Sneaker");

  static final String TEXT_QUERY = "boot";

  /**
   * What to run.
   *
   * @param data the Fashion-MNIST directory
   * @param train training images to index
   * @param queries test images to query with
   * @param k hits per query
   * @param candidatesPerHit search budget, or 0 for the format's default
   */
  record Options(Path data, int train, int queries, int k, int candidatesPerHit) {}

  /** Recall@k and mean latency of the filtered and unfiltered searches. */
  record Result(
      int indexed, int queries, double filteredRecall, double unfilteredRecall,
      double filteredMillis, double unfilteredMillis, double exactFilteredMillis) {}

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
    out.printf(Locale.ROOT, "Fashion-MNIST from %s: %,d training images indexed, %,d test images as queries (%d dimensions, Euclidean)%n",
        options.data(), train.size(), test.size(), FashionMnist.DIMENSION);
    VectorDbConfig config = VectorDbConfig.of(FashionMnist.DIMENSION, VectorSimilarityFunction.EUCLIDEAN);
    try (VectorDb db = VectorDb.open(indexDirectory, config)) {
      index(db, train);
      Set<Integer> footwearLabels = new HashSet<>();
      FOOTWEAR.forEach(name -> footwearLabels.add(FashionMnist.LABELS.indexOf(name)));
      IntPredicate isFootwear = i -> footwearLabels.contains(train.labels()[i]);
      Filter footwear = Filter.anyKeyword(FashionMnistInput.LABEL_FIELD, FOOTWEAR.toArray(new String[0]));

      showExample(db, test, footwear);
      RecallMeter filtered = new RecallMeter(options.k());
      RecallMeter unfiltered = new RecallMeter(options.k());
      for (int q = 0; q < test.size(); q++) {
        float[] query = test.vectors()[q];
        filtered.start();
        List<Hit> filteredHits = search(db, query, footwear);
        filtered.stop();
        filtered.measure(filteredHits, train.vectors(), query, isFootwear);
        unfiltered.start();
        List<Hit> allHits = search(db, query, null);
        unfiltered.stop();
        unfiltered.measure(allHits, train.vectors(), query, i -> true);
      }
      long footwearCount = IntStream.range(0, train.size()).filter(isFootwear).count();
      out.printf(Locale.ROOT, "%nrecall@%d against exact search, over %d test images:%n", options.k(), test.size());
      out.printf(Locale.ROOT, "  filtered to %s (%,d of %,d images): %.3f   %.2f ms/query (exact filtered scan: %.2f ms/query)%n",
          String.join(" or ", FOOTWEAR), footwearCount, train.size(), filtered.recall(),
          filtered.meanSearchMillis(), filtered.meanExactMillis());
      out.printf(Locale.ROOT, "  unfiltered:                          %.3f   %.2f ms/query (exact scan: %.2f ms/query)%n",
          unfiltered.recall(), unfiltered.meanSearchMillis(), unfiltered.meanExactMillis());
      showHybrid(db, test);
      return new Result(train.size(), test.size(), filtered.recall(), unfiltered.recall(),
          filtered.meanSearchMillis(), unfiltered.meanSearchMillis(), filtered.meanExactMillis());
    }
  }

  private void index(VectorDb db, FashionMnist.Split train) throws IOException {
    FashionMnistInput input = new FashionMnistInput(options.data(), "train-", train);
    VectorImporter.Result result = new VectorImporter(db, 20_000, progressOut).run(input, null, Long.MAX_VALUE);
    int segments = db.withSearcher(s -> s.getIndexReader().leaves().size());
    out.printf(Locale.ROOT, "indexed %,d images in %.1f s (%,.0f images/s), %d segments%n",
        result.vectors(), result.seconds(), result.vectors() / Math.max(1e-9, result.seconds()), segments);
  }

  private List<Hit> search(VectorDb db, float[] query, Filter filter) throws IOException {
    SearchRequest request =
        SearchRequest.of(query, options.k()).withCandidatesPerHit(options.candidatesPerHit());
    return db.search(filter == null ? request : request.withFilter(filter));
  }

  private void showExample(VectorDb db, FashionMnist.Split test, Filter footwear) throws IOException {
    float[] query = test.vectors()[0];
    out.printf(Locale.ROOT, "%nthe nearest images that are sneakers or sandals, to test image 0 (a %s):%n",
        FashionMnist.labelName(test.labels()[0]));
    out.printf("  filter: %s%n", footwear);
    printHits(db.search(SearchRequest.of(query, 5).withFilter(footwear).withMetadata(true)), true);
  }

  private void showHybrid(VectorDb db, FashionMnist.Split test) throws IOException {
    int q = Math.min(1, test.size() - 1);
    out.printf(Locale.ROOT, "%nhybrid: test image %d (a %s) fused by reciprocal rank fusion (c=60) with the text query \"%s\" over %s:%n",
        q, FashionMnist.labelName(test.labels()[q]), TEXT_QUERY, FashionMnistInput.DESCRIPTION_FIELD);
    List<Hit> hits = db.searchHybrid(test.vectors()[q],
        db.textQuery(FashionMnistInput.DESCRIPTION_FIELD, TEXT_QUERY), 5, new ReciprocalRankFusion());
    printHits(hits, false);
  }

  private void printHits(List<Hit> hits, boolean distances) {
    for (int i = 0; i < hits.size(); i++) {
      Hit hit = hits.get(i);
      String score = distances
          ? String.format(Locale.ROOT, "distance %8.1f", Math.sqrt(1 / hit.score() - 1))
          : String.format(Locale.ROOT, "fused score %.5f", hit.score());
      out.printf(Locale.ROOT, "  %d. %-12s %-12s %s%n", i + 1, hit.id(),
          hit.metadata().keyword(FashionMnistInput.LABEL_FIELD), score);
    }
  }
}
