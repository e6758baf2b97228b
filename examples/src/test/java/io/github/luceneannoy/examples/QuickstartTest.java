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
