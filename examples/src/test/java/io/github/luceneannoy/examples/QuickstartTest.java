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

import java.nio.file.Files;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.junit.Test;

public class QuickstartTest extends LuceneTestCase {

  @Test
  public void smallRunFindsTheNeighboursAndHonoursTheFilter() throws Exception {
    QuickstartResult result =
        Quickstart.run(Quickstart.Options.parse("--docs", "2000", "--dim", "32"));

    assertEquals(Quickstart.NUM_SEGMENTS, result.segments());
    assertEquals(Quickstart.NUM_QUERIES, result.unfiltered().queries());
    assertTrue(
        "unfiltered recall " + result.unfiltered().recall(), result.unfiltered().recall() >= 0.9);
    assertTrue("filtered recall " + result.filtered().recall(), result.filtered().recall() >= 0.9);
    assertEquals(0, result.filterViolations());
    // the Annoy files must be visible, not hidden inside compound files
    assertTrue(result.bytesByExtension().toString(), result.bytesByExtension().containsKey("afi"));
    assertTrue(result.bytesByExtension().toString(), result.bytesByExtension().containsKey("afm"));
    assertFalse(result.bytesByExtension().toString(), result.bytesByExtension().containsKey("cfs"));
    assertFalse("temporary index left behind", Files.exists(result.indexDirectory()));
  }
}
