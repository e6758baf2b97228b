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
package io.github.luceneannoy.datasets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Turns raw texts into a query set and a base set that share no text. The texts are deduplicated
 * and sorted before a seeded shuffle, so the split depends only on the set of texts and the seed,
 * not on the order in which they were read.
 */
public final class GlossSplit {
  private final List<String> queries;
  private final List<String> base;
  private final int uniqueTexts;

  private GlossSplit(List<String> queries, List<String> base, int uniqueTexts) {
    this.queries = queries;
    this.base = base;
    this.uniqueTexts = uniqueTexts;
  }

  /**
   * Deduplicates {@code texts} (exact match after whitespace cleaning), drops those with fewer than
   * {@code minWords} words, sorts and shuffles them with {@code seed}; the first {@code queryCount}
   * become the queries and the next {@code baseSize} the base.
   *
   * @throws IllegalArgumentException if there are fewer than {@code queryCount + baseSize} texts
   *     left
   */
  public static GlossSplit of(
      Collection<String> texts, int minWords, long seed, int queryCount, int baseSize) {
    if (queryCount < 1 || baseSize < 1) {
      throw new IllegalArgumentException("query count and base size must be positive");
    }
    List<String> unique = uniqueSorted(texts, minWords);
    if (unique.size() < (long) queryCount + baseSize) {
      throw new IllegalArgumentException(
          "only "
              + unique.size()
              + " distinct texts of at least "
              + minWords
              + " words; "
              + queryCount
              + " queries + "
              + baseSize
              + " base texts requested");
    }
    Collections.shuffle(unique, new Random(seed));
    return new GlossSplit(
        List.copyOf(unique.subList(0, queryCount)),
        List.copyOf(unique.subList(queryCount, queryCount + baseSize)),
        unique.size());
  }

  /** Cleaned, distinct texts of at least {@code minWords} words, in natural string order. */
  static List<String> uniqueSorted(Collection<String> texts, int minWords) {
    TreeSet<String> unique = new TreeSet<>();
    for (String text : texts) {
      String cleaned = WordNetGlosses.cleanWhitespace(text);
      if (wordCount(cleaned) >= minWords) {
        unique.add(cleaned);
      }
    }
    return new ArrayList<>(unique);
  }

  /** Words of a whitespace-cleaned text: its space-separated tokens. */
  static int wordCount(String cleaned) {
    if (cleaned.isEmpty()) {
      return 0;
    }
    int words = 1;
    for (int i = 0; i < cleaned.length(); i++) {
      if (cleaned.charAt(i) == ' ') {
        words++;
      }
    }
    return words;
  }

  /** The held-apart query texts. */
  public List<String> queries() {
    return queries;
  }

  /** The base texts, none of which is a query text. */
  public List<String> base() {
    return base;
  }

  /** How many distinct texts passed the filters, before the split took its share. */
  public int uniqueTexts() {
    return uniqueTexts;
  }
}
