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

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code info.txt} that describes a generated data set: {@code key=value} lines in a fixed
 * order, readable by {@link Properties} and by people.
 */
public final class DatasetInfo {
  private final Map<String, String> entries;

  private DatasetInfo(Map<String, String> entries) {
    this.entries = entries;
  }

  /** A builder of entries that keeps the order they are put in. */
  public static Builder builder() {
    return new Builder();
  }

  /** Reads an info file written by {@link #write}. */
  public static DatasetInfo read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, String> entries = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      entries.put(key, properties.getProperty(key));
    }
    return new DatasetInfo(entries);
  }

  /** The value of {@code key}, or null. */
  public String get(String key) {
    return entries.get(key);
  }

  /** All entries, in order. */
  public Map<String, String> entries() {
    return Collections.unmodifiableMap(entries);
  }

  /** True if this info has every entry of {@code expected} with the same value. */
  public boolean agreesWith(Map<String, String> expected) {
    for (Map.Entry<String, String> e : expected.entrySet()) {
      if (e.getValue().equals(entries.get(e.getKey())) == false) {
        return false;
      }
    }
    return true;
  }

  /** Writes the entries with a comment line on top. */
  public void write(Path file, String comment) throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writer.write("# " + comment);
      writer.newLine();
      for (Map.Entry<String, String> e : entries.entrySet()) {
        writer.write(e.getKey() + "=" + e.getValue());
        writer.newLine();
      }
    }
  }

  /** Collects entries in order. */
  public static final class Builder {
    private final Map<String, String> entries = new LinkedHashMap<>();

    private Builder() {}

    /** Adds an entry; values are single lines, stored as given. */
    public Builder put(String key, Object value) {
      String text = String.valueOf(value);
      if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\\') >= 0) {
        // Properties would read such a value back differently from how it was written.
        throw new IllegalArgumentException(
            "value of " + key + " must be one line without backslashes");
      }
      entries.put(key, text);
      return this;
    }

    /** Adds all entries of {@code more}, in their order. */
    public Builder putAll(Map<String, String> more) {
      more.forEach(this::put);
      return this;
    }

    public DatasetInfo build() {
      return new DatasetInfo(new LinkedHashMap<>(entries));
    }
  }
}
