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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.lucene.document.IntField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * A filter of the benchmark's filtered mode: the Lucene query, the same condition on base-vector
 * ids (for exact filtered ground truth), and the fraction of vectors it accepts.
 *
 * @param name a label for reports
 * @param correlated whether it follows the data's classes (whose members are near each other)
 * @param query the filter as a Lucene query
 * @param accepts the filter on base-vector ids
 * @param selectivity the fraction of base vectors accepted
 */
public record BenchFilter(
    String name, boolean correlated, Query query, IntPredicate accepts, double selectivity) {

  /** A class of Fashion-MNIST's: Sneaker. */
  static final int CLASS = 7;

  /**
   * Random subsets of about 50%, 10%, 2% and 0.5% of the vectors (by a hash of the id), and when
   * the data has labels, class-based ones: where the labels have names (the text set's parts of
   * speech), each class alone, the most common first; else (Fashion-MNIST) of about the random
   * ones' sizes: five classes, one class, and one class thinned by the random buckets.
   */
  public static List<BenchFilter> standard(Dataset data) {
    List<BenchFilter> filters = new ArrayList<>();
    for (int per1000 : new int[] {500, 100, 20, 5}) {
      filters.add(
          of(
              data,
              "random " + per1000 / 10.0 + "%",
              false,
              bucketBelow(per1000),
              id -> IndexBuild.bucket(id) < per1000));
    }
    int[] labels = data.labels();
    if (labels != null && data.labelNames() != null) {
      filters.addAll(eachClass(data));
    } else if (labels != null) {
      BooleanQuery.Builder fiveClasses = new BooleanQuery.Builder();
      for (int c = 0; c < 5; c++) {
        fiveClasses.add(label(c), Occur.SHOULD);
      }
      filters.add(of(data, "classes 0-4", true, fiveClasses.build(), id -> labels[id] < 5));
      filters.add(of(data, "class " + CLASS, true, label(CLASS), id -> labels[id] == CLASS));
      for (int per1000 : new int[] {200, 50}) {
        filters.add(
            of(
                data,
                "class " + CLASS + " ∧ " + per1000 / 10 + "% random",
                true,
                and(label(CLASS), bucketBelow(per1000)),
                id -> labels[id] == CLASS && IndexBuild.bucket(id) < per1000));
      }
    }
    return filters;
  }

  /** A filter per named class, the most common first. */
  private static List<BenchFilter> eachClass(Dataset data) {
    int[] labels = data.labels();
    List<BenchFilter> filters = new ArrayList<>();
    for (int c = 0; c < data.labelNames().length; c++) {
      int label = c;
      filters.add(
          of(data, "class " + data.labelNames()[c], true, label(c), id -> labels[id] == label));
    }
    filters.sort(Comparator.comparingDouble(BenchFilter::selectivity).reversed());
    return filters;
  }

  private static BenchFilter of(
      Dataset data, String name, boolean correlated, Query query, IntPredicate accepts) {
    int count = 0;
    for (int id = 0; id < data.base().length; id++) {
      if (accepts.test(id)) {
        count++;
      }
    }
    return new BenchFilter(name, correlated, query, accepts, (double) count / data.base().length);
  }

  private static Query bucketBelow(int limit) {
    return IntField.newRangeQuery(IndexBuild.BUCKET, 0, limit - 1);
  }

  private static Query label(int c) {
    return new TermQuery(new Term(IndexBuild.LABEL, Integer.toString(c)));
  }

  private static Query and(Query a, Query b) {
    return new BooleanQuery.Builder().add(a, Occur.FILTER).add(b, Occur.FILTER).build();
  }
}
