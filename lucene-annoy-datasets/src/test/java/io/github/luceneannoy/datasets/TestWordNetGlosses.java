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
import static org.junit.Assert.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TestWordNetGlosses {
  /** The shape of WordNet 3.0's data.noun: a licence header (two leading spaces), then synsets. */
  static final String DATA_NOUN_EXCERPT =
      "  1 This software and database is being provided to you, the LICENSEE, by  \n"
          + "  2 Princeton University under the following license.  By obtaining, using  \n"
          + "  3 | a header line that happens to hold a bar must still be skipped  \n"
          + "  29 Princeton University and LICENSEE agrees to preserve same.  \n"
          + "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04424418 n 0000 | that which is"
          + " perceived or known or inferred to have its own distinct existence (living or nonliving)  \n"
          + "02121620 05 n 01 cat 0 018 @ 02120997 n 0000 ~ 02122298 n 0000 | feline mammal usually having"
          + " thick soft fur and no ability to roar: domestic cats; wildcats  \n"
          + "02124272 05 n 02 kitty 1 kitty-cat 0 001 @ 02121620 n 0000 | informal terms referring to a"
          + " domestic cat; \"the kitty sat\tby the   fire\"; \"here, kitty\"  \n"
          + "09999999 03 n 01 nogloss 0 000 \n";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void readsGlossesAndSkipsTheLicenceHeader() throws IOException {
    List<String> glosses =
        WordNetGlosses.read(new BufferedReader(new StringReader(DATA_NOUN_EXCERPT)));
    assertEquals(
        List.of(
            "that which is perceived or known or inferred to have its own distinct existence (living or nonliving)",
            "feline mammal usually having thick soft fur and no ability to roar: domestic cats; wildcats",
            "informal terms referring to a domestic cat; \"the kitty sat by the fire\"; \"here, kitty\""),
        glosses);
  }

  @Test
  public void lineWithoutGlossOrHeaderLineHasNone() {
    assertNull(
        WordNetGlosses.glossOf("  14 WordNet 3.0 Copyright 2006 by Princeton University. | x  "));
    assertNull(WordNetGlosses.glossOf("09999999 03 n 01 nogloss 0 000 "));
    assertNull(WordNetGlosses.glossOf("09999999 03 n 01 blank 0 000 |    "));
  }

  @Test
  public void cleansWhitespace() {
    assertEquals("a b c", WordNetGlosses.cleanWhitespace("  a \t b\u000b\n c  "));
    assertEquals("", WordNetGlosses.cleanWhitespace(" \t "));
  }

  /**
   * A WordNet of the four data files: the noun excerpt, and a verb whose gloss is also a noun's
   * (after whitespace cleaning).
   */
  private Path fourFiles() throws IOException {
    Path dir = tmp.newFolder("wordnet").toPath();
    Files.writeString(dir.resolve("data.noun"), DATA_NOUN_EXCERPT);
    Files.writeString(
        dir.resolve("data.verb"),
        "  1 header  \n00001740 29 v 04 breathe 0 | draw air into, and expel out of, the lungs  \n"
            + "00001750 29 v 04 purr 0 | informal terms referring to a domestic cat;"
            + " \"the kitty sat by the fire\"; \"here, kitty\"\n");
    Files.writeString(
        dir.resolve("data.adj"),
        "00001740 00 a 01 able 0 | having the necessary means or skill  \n");
    Files.writeString(dir.resolve("data.adv"), "00001740 02 r 01 barely 0 | by a small margin  \n");
    return dir;
  }

  @Test
  public void readsAllFourPartOfSpeechFilesInOrder() throws IOException {
    List<String> glosses = WordNetGlosses.readAll(fourFiles());
    assertEquals(7, glosses.size());
    assertEquals("draw air into, and expel out of, the lungs", glosses.get(3));
    assertEquals(glosses.get(2), glosses.get(4));
    assertEquals("having the necessary means or skill", glosses.get(5));
    assertEquals("by a small margin", glosses.get(6));
  }

  @Test
  public void partOfSpeechOfEachGlossAndTheFirstPartOfASharedOne() throws IOException {
    Map<String, String> parts = WordNetGlosses.partsOfSpeech(fourFiles());
    assertEquals(6, parts.size());
    assertEquals(
        "noun",
        parts.get(
            "feline mammal usually having thick soft fur and no ability to roar: domestic cats; wildcats"));
    assertEquals("verb", parts.get("draw air into, and expel out of, the lungs"));
    assertEquals("adjective", parts.get("having the necessary means or skill"));
    assertEquals("adverb", parts.get("by a small margin"));
    // in data.noun and data.verb: the noun file comes first
    assertEquals(
        "noun",
        parts.get(
            "informal terms referring to a domestic cat; \"the kitty sat by the fire\"; \"here, kitty\""));
  }
}
