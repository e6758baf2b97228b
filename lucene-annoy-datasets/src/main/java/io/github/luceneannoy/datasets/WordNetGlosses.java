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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the glosses (definitions, often followed by quoted examples) out of WordNet 3.0's {@code
 * data.*} files, one gloss per synset line, whitespace collapsed to single spaces.
 */
public final class WordNetGlosses {
  /** The four part-of-speech files that hold every synset. */
  public static final List<String> DATA_FILES =
      List.of("data.noun", "data.verb", "data.adj", "data.adv");

  /** The part of speech of each of {@link #DATA_FILES}' synsets, in the same order. */
  public static final List<String> PARTS_OF_SPEECH = List.of("noun", "verb", "adjective", "adverb");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final String GLOSS_MARK = "| ";

  private WordNetGlosses() {}

  /** Reads all glosses from the four data files under {@code wordnetDir}, in file order. */
  public static List<String> readAll(Path wordnetDir) throws IOException {
    List<String> glosses = new ArrayList<>();
    for (String name : DATA_FILES) {
      Path file = wordnetDir.resolve(name);
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        glosses.addAll(read(reader));
      }
    }
    return glosses;
  }

  /**
   * The part of speech ({@link #PARTS_OF_SPEECH}) of every gloss in the four data files under
   * {@code wordnetDir}, cleaned as {@link #readAll} cleans them. A gloss that synsets of several
   * parts share (3 in WordNet 3.0) takes the first part in file order, as the data set keeps one
   * copy of it.
   */
  public static Map<String, String> partsOfSpeech(Path wordnetDir) throws IOException {
    Map<String, String> parts = new LinkedHashMap<>();
    for (int f = 0; f < DATA_FILES.size(); f++) {
      Path file = wordnetDir.resolve(DATA_FILES.get(f));
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String gloss : read(reader)) {
          parts.putIfAbsent(gloss, PARTS_OF_SPEECH.get(f));
        }
      }
    }
    return parts;
  }

  /** Reads the glosses of one data file. */
  public static List<String> read(BufferedReader reader) throws IOException {
    List<String> glosses = new ArrayList<>();
    try {
      reader
          .lines()
          .forEach(
              line -> {
                String gloss = glossOf(line);
                if (gloss != null) {
                  glosses.add(gloss);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return glosses;
  }

  /**
   * The cleaned gloss of one data-file line, or null for a line that has none: the licence header
   * (every header line starts with two spaces, which no synset line does) or a line without a
   * gloss.
   */
  public static String glossOf(String line) {
    if (line.startsWith("  ")) {
      return null;
    }
    // Lemmas and pointers never contain '|', so the first mark is where the gloss starts.
    int mark = line.indexOf(GLOSS_MARK);
    if (mark < 0) {
      return null;
    }
    String gloss = cleanWhitespace(line.substring(mark + GLOSS_MARK.length()));
    return gloss.isEmpty() ? null : gloss;
  }

  /** Collapses every run of whitespace to one space and trims the ends. */
  public static String cleanWhitespace(String text) {
    return WHITESPACE.matcher(text).replaceAll(" ").trim();
  }
}
