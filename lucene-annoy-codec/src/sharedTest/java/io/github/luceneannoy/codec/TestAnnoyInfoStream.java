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
package io.github.luceneannoy.codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.InfoStream;

/** The writer reports each forest build and calibration through the IndexWriter's info stream. */
public class TestAnnoyInfoStream extends LuceneTestCase {
  private static final int TREES = 4;
  private static final int LEAF = 16;
  private static final int PER_SEGMENT = 100;
  private static final int SEGMENTS = 3;

  private static final Pattern BUILT =
      Pattern.compile(
          "(flush|merge) field \"vec\": built (\\d+) trees over (\\d+) vectors in (\\d+) ms: (\\d+) leaves,"
              + " (\\d+) inner nodes \\(max leaf size 16, branching 3\\)");
  private static final Pattern CALIBRATED =
      Pattern.compile(
          "(flush|merge) field \"vec\": calibrated in (\\d+) ms for recall 0\\.90: order (\\w+),"
              + " budget (\\d+) at k=10, (\\d+) at k=100");

  public void testFlushAndMergeAreReportedUnderTheAnnoyComponent() throws IOException {
    Capture capture = new Capture(true);
    float[][] vectors = TestData.clustered(random(), PER_SEGMENT * SEGMENTS, 8, 5, 0.5f);
    try (Directory dir = newDirectory()) {
      try (IndexWriter writer = new IndexWriter(dir, config(capture))) {
        for (int i = 0; i < vectors.length; i++) {
          writer.addDocument(doc(vectors[i]));
          if ((i + 1) % PER_SEGMENT == 0) {
            writer.commit();
          }
        }
        // a segment whose documents have no vector: the field is absent, so nothing is reported
        writer.addDocument(new Document());
        writer.commit();
        assertEquals(SEGMENTS * 2, capture.messages.size());
        writer.forceMerge(1);
      }
      List<String> messages = capture.messages;
      assertEquals(messages.toString(), SEGMENTS * 2 + 2, messages.size());
      for (int segment = 0; segment < SEGMENTS; segment++) {
        Matcher built = matches(BUILT, messages.get(2 * segment));
        assertEquals("flush", built.group(1));
        assertEquals(TREES, Integer.parseInt(built.group(2)));
        assertEquals(PER_SEGMENT, Integer.parseInt(built.group(3)));
        int leaves = Integer.parseInt(built.group(5));
        // every tree holds each vector once, in leaves of at most LEAF vectors
        assertTrue(messages.get(2 * segment), leaves >= TREES * ((PER_SEGMENT + LEAF - 1) / LEAF));
        assertTrue(messages.get(2 * segment), leaves <= TREES * PER_SEGMENT);
        Matcher calibrated = matches(CALIBRATED, messages.get(2 * segment + 1));
        assertEquals("flush", calibrated.group(1));
        assertTrue(Integer.parseInt(calibrated.group(4)) >= 1);
        assertTrue(Integer.parseInt(calibrated.group(5)) >= 1);
      }
      Matcher built = matches(BUILT, messages.get(messages.size() - 2));
      Matcher calibrated = matches(CALIBRATED, messages.get(messages.size() - 1));
      assertEquals("merge", built.group(1));
      assertEquals("merge", calibrated.group(1));
      assertEquals(vectors.length, Integer.parseInt(built.group(3)));
      // what the messages say of the merged forest is what its file holds
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        ForestStatistics stats =
            ForestStatistics.read(reader.leaves().get(0).reader(), "vec").orElseThrow();
        assertEquals(stats.numTrees(), Integer.parseInt(built.group(2)));
        assertEquals(stats.leaves(), Long.parseLong(built.group(5)));
        assertEquals(stats.innerNodes(), Integer.parseInt(built.group(6)));
        assertEquals(stats.order(), calibrated.group(3));
        assertEquals(stats.budget10(), Integer.parseInt(calibrated.group(4)));
        assertEquals(stats.budget100(), Integer.parseInt(calibrated.group(5)));
      }
    }
  }

  public void testNothingIsFormattedWhenTheComponentIsDisabled() throws IOException {
    Capture capture = new Capture(false);
    try (Directory dir = newDirectory();
        IndexWriter writer = new IndexWriter(dir, config(capture))) {
      for (float[] vector : TestData.clustered(random(), 50, 8, 2, 0.5f)) {
        writer.addDocument(doc(vector));
      }
      writer.commit();
      assertEquals(List.of(), capture.messages);
    }
  }

  private static IndexWriterConfig config(InfoStream infoStream) {
    AnnoyVectorsFormat format = new AnnoyVectorsFormat(TREES, LEAF, 3, 0.9f, random().nextLong());
    return new IndexWriterConfig()
        .setCodec(new AnnoyCodec(field -> format))
        .setMergeScheduler(new SerialMergeScheduler())
        .setInfoStream(infoStream);
  }

  private static Document doc(float[] vector) {
    Document doc = new Document();
    doc.add(new StringField("kind", "vector", Field.Store.NO));
    doc.add(new KnnFloatVectorField("vec", vector, VectorSimilarityFunction.EUCLIDEAN));
    return doc;
  }

  private static Matcher matches(Pattern pattern, String message) {
    Matcher matcher = pattern.matcher(message);
    assertTrue("\"" + message + "\" does not match " + pattern, matcher.matches());
    return matcher;
  }

  /** Keeps the ANNOY component's messages; the writer's other components are left out. */
  private static final class Capture extends InfoStream {
    final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    private final boolean enabled;

    Capture(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public void message(String component, String message) {
      if (component.equals(ForestBuildLog.COMPONENT)) {
        assertTrue("a message of a disabled component was sent", enabled);
        messages.add(message);
      }
    }

    @Override
    public boolean isEnabled(String component) {
      return enabled && component.equals(ForestBuildLog.COMPONENT);
    }

    @Override
    public void close() {}
  }
}
