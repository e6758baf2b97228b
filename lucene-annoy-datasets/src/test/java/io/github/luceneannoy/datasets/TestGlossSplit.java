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

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

public class TestGlossSplit {
  private static List<String> texts(int n) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      texts.add("gloss number " + i + " of the test");
    }
    return texts;
  }

  @Test
  public void dropsDuplicatesAndShortTexts() {
    List<String> raw =
        List.of(
            "a domestic cat",
            " a  domestic\tcat ",
            "a domestic cat",
            "two words",
            "one",
            "",
            "a steam locomotive");
    assertEquals(List.of("a domestic cat", "a steam locomotive"), GlossSplit.uniqueSorted(raw, 3));
    assertEquals(3, GlossSplit.wordCount("a domestic cat"));
    assertEquals(0, GlossSplit.wordCount(""));
  }

  @Test
  public void queriesAreHeldApartFromTheBase() {
    List<String> raw = new ArrayList<>(texts(500));
    // Duplicates, some differing only in whitespace, must not let a query text into the base.
    raw.addAll(texts(500).subList(0, 200));
    raw.add("gloss  number 7 of the test ");
    GlossSplit split = GlossSplit.of(raw, 3, 7L, 50, 400);
    assertEquals(500, split.uniqueTexts());
    assertEquals(50, split.queries().size());
    assertEquals(400, split.base().size());
    Set<String> base = new HashSet<>(split.base());
    assertEquals("base texts are distinct", 400, base.size());
    assertEquals("query texts are distinct", 50, new HashSet<>(split.queries()).size());
    for (String query : split.queries()) {
      assertFalse("query in base: " + query, base.contains(query));
    }
  }

  @Test
  public void splitDependsOnlyOnTheSeedNotOnInputOrder() {
    List<String> raw = texts(300);
    GlossSplit first = GlossSplit.of(raw, 3, 42L, 20, 200);
    List<String> shuffled = new ArrayList<>(raw);
    Collections.shuffle(shuffled, new Random(1));
    GlossSplit again = GlossSplit.of(shuffled, 3, 42L, 20, 200);
    assertEquals(first.queries(), again.queries());
    assertEquals(first.base(), again.base());

    GlossSplit otherSeed = GlossSplit.of(raw, 3, 43L, 20, 200);
    assertNotEquals(first.queries(), otherSeed.queries());
    // A shuffle, not the sorted order: the queries are not simply the first texts.
    assertNotEquals(GlossSplit.uniqueSorted(raw, 3).subList(0, 20), first.queries());
  }

  @Test
  public void largerBaseExtendsTheSmallerOne() {
    // Queries come first, so growing the base keeps the queries and the base's prefix the same.
    List<String> raw = texts(300);
    GlossSplit small = GlossSplit.of(raw, 3, 42L, 20, 100);
    GlossSplit large = GlossSplit.of(raw, 3, 42L, 20, 250);
    assertEquals(small.queries(), large.queries());
    assertEquals(small.base(), large.base().subList(0, 100));
  }

  @Test
  public void tooFewTextsIsAnError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GlossSplit.of(texts(100), 3, 1L, 10, 91));
    assertTrue(e.getMessage(), e.getMessage().contains("only 100 distinct texts"));
  }
}
