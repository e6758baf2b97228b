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
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The helpers: dpkg status lookup, the info file, the progress meter, the norm check. */
public class TestSmallParts {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void findsAnInstalledPackageVersionInDpkgStatus() throws IOException {
    String status =
        "Package: wordnet\nStatus: install ok installed\nVersion: 1:3.0-37\n\n"
            + "Package: wordnet-base\nStatus: deinstall ok config-files\nVersion: 1:3.0-30\n\n"
            + "Package: wordnet-base\nStatus: install ok installed\nPriority: optional\n"
            + "Description: electronic lexical database\n text\nVersion: 1:3.0-37\n";
    assertEquals("1:3.0-37", DebianPackages.versionIn(status, "wordnet-base"));
    assertEquals("unknown", DebianPackages.versionIn(status, "wordnet-sense-index"));
    assertEquals("unknown", DebianPackages.versionIn(status.substring(0, 60), "wordnet-base"));
  }

  @Test
  public void infoFileRoundTripsInOrder() throws IOException {
    Path file = tmp.getRoot().toPath().resolve("info.txt");
    DatasetInfo.builder()
        .put("name", "x")
        .put("source.version", "1:3.0-37")
        .put("base", 60000)
        .build()
        .write(file, "comment");
    DatasetInfo info = DatasetInfo.read(file);
    assertEquals("1:3.0-37", info.get("source.version"));
    assertTrue(info.agreesWith(Map.of("name", "x", "base", "60000")));
    assertFalse(info.agreesWith(Map.of("base", "50000")));
    assertFalse(info.agreesWith(Map.of("missing", "1")));
    assertThrows(
        IllegalArgumentException.class, () -> DatasetInfo.builder().put("k", "two\nlines"));
  }

  @Test
  public void progressPrintsRateAndEtaAtMostOncePerInterval() {
    AtomicLong now = new AtomicLong(0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressMeter meter = new ProgressMeter("embedding", 1000, out, now::get, 5_000_000_000L);
    now.set(2_000_000_000L);
    meter.advance(100); // before the interval: silent
    assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    now.set(5_000_000_000L);
    meter.advance(150);
    assertEquals(
        "embedding: 250/1,000 (25.0%)  50/s  elapsed 5s  ETA 15s\n",
        bytes.toString(StandardCharsets.UTF_8));
    now.set(6_000_000_000L);
    meter.advance(750); // the last step always prints
    assertTrue(
        bytes
            .toString(StandardCharsets.UTF_8)
            .endsWith("1,000/1,000 (100.0%)  167/s  elapsed 6s  ETA 0s\n"));
    assertEquals("1h01m01s", ProgressMeter.duration(3661));
    assertEquals("2m05s", ProgressMeter.duration(125));
  }

  @Test
  public void normRangeTellsUnitVectors() {
    assertTrue(NormRange.of(new float[][] {{0.6f, 0.8f}, {0, 1}}).isUnit());
    NormRange range = NormRange.of(new float[][] {{3, 4}}, new float[][] {{1, 0}});
    assertEquals(1.0, range.min(), 0);
    assertEquals(5.0, range.max(), 0);
    assertFalse(range.isUnit());
  }
}
