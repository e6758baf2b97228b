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

import io.github.luceneannoy.db.Vector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.junit.Test;

/** Each input format: what it reads, and the file, position and expectation of each error. */
public class VectorInputTest extends LuceneTestCase {
  private Path root;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    root = createTempDir();
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(root.resolve(name), content);
  }

  private static Vector only(VectorInput input) throws IOException {
    Vector vector = input.next();
    assertNull(input.next());
    return vector;
  }

  private static String errorOf(Path file) {
    return assertThrows(
            InputFormatException.class,
            () -> {
              try (VectorInput input = VectorInput.open(file, VectorInput.Format.of(file))) {
                while (input.next() != null) {}
              }
            })
        .getMessage();
  }

  @Test
  public void csvSkipsHeaderCommentsAndBlankLines() throws Exception {
    Path file = write("v.csv", "id,x,y\n# a comment\n\na, 1.5,-2\nb,0,3e2\n");
    try (VectorInput input = VectorInput.open(file, VectorInput.Format.of(file))) {
      Vector a = input.next();
      assertEquals("a", a.id());
      assertArrayEquals(new float[] {1.5f, -2}, a.data(), 0);
      assertEquals(4, input.position());
      assertArrayEquals(new float[] {0, 300}, input.next().data(), 0);
      assertNull(input.next());
      assertEquals(2, input.recordsRead());
    }
  }

  @Test
  public void csvErrorsNameFileLineAndExpectation() throws Exception {
    Path file = write("bad.csv", "a,1,2\nb,1,x\n");
    assertEquals(file + " line 2: column 3 is 'x', expected a number", errorOf(file));
    file = write("ragged.csv", "a,1,2\n\nb,1\n");
    assertEquals(file + " line 3: 1 components, expected 2 like the lines before", errorOf(file));
    file = write("noid.csv", ",1,2\n");
    assertEquals(
        file + " line 1: empty id; expected id,x1,x2,... with a non-empty id", errorOf(file));
  }

  @Test
  public void jsonLinesReadsIdsVectorsAndMetadata() throws Exception {
    Path file =
        write(
            "v.jsonl",
            "{\"id\": 7, \"vector\": [1, 2.5], \"keywords\": {\"label\": \"Bag\", \"tags\": [\"red\", \"big\"]},"
                + " \"text\": {\"caption\": \"a red bag\"}}\n");
    try (VectorInput input = VectorInput.open(file, VectorInput.Format.of(file))) {
      Vector vector = only(input);
      assertEquals("7", vector.id());
      assertArrayEquals(new float[] {1, 2.5f}, vector.data(), 0);
      assertEquals("Bag", vector.metadata().keyword("label"));
      assertEquals(List.of("red", "big"), vector.metadata().keywords().get("tags"));
      assertEquals("a red bag", vector.metadata().text("caption"));
    }
  }

  @Test
  public void jsonLinesErrorsNameFileLineAndExpectation() throws Exception {
    Path file =
        write("a.jsonl", "{\"id\":\"a\",\"vector\":[1]}\n{\"id\":\"b\",\"vector\":[\"x\"]}\n");
    assertEquals(file + " line 2: \"vector\"[0] is a string, expected a number", errorOf(file));
    file = write("b.jsonl", "{\"id\":\"a\",\"vector\":[1]\n");
    String message = errorOf(file);
    assertEquals(
        message,
        true,
        message.startsWith(file + " line 1: not valid JSON (")
            && message.endsWith("); expected one object per line"));
    file = write("c.jsonl", "{\"vector\":[1]}\n");
    assertEquals(
        file + " line 1: expected \"id\" as a string or number, found nothing", errorOf(file));
    file = write("d.jsonl", "{\"id\":\"a\",\"vector\":[1],\"keywords\":{\"_id\":\"x\"}}\n");
    assertEquals(
        file + " line 1: metadata field name must not start with '_' (reserved), got \"_id\"",
        errorOf(file));
  }

  @Test
  public void fvecsAndBvecsReadLittleEndianRecords() throws Exception {
    ByteBuffer floats = ByteBuffer.allocate(2 * (4 + 3 * 4)).order(ByteOrder.LITTLE_ENDIAN);
    floats.putInt(3).putFloat(1).putFloat(-2).putFloat(0.5f);
    floats.putInt(3).putFloat(4).putFloat(5).putFloat(6);
    Path fvecs = Files.write(root.resolve("v.fvecs"), floats.array());
    try (VectorInput input = VectorInput.open(fvecs, VectorInput.Format.of(fvecs))) {
      assertEquals(2, input.expectedRecords());
      Vector first = input.next();
      assertEquals("0", first.id());
      assertArrayEquals(new float[] {1, -2, 0.5f}, first.data(), 0);
      assertEquals("1", input.next().id());
      assertNull(input.next());
    }
    ByteBuffer bytes = ByteBuffer.allocate(4 + 2).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putInt(2).put((byte) 200).put((byte) 3);
    Path bvecs = Files.write(root.resolve("v.bvecs"), bytes.array());
    try (VectorInput input = VectorInput.open(bvecs, VectorInput.Format.of(bvecs))) {
      assertArrayEquals(new float[] {200, 3}, only(input).data(), 0);
    }
  }

  @Test
  public void fvecsErrorsNameTheRecord() throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 8 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(2).putFloat(1).putFloat(2).putInt(2).putFloat(1); // second record cut short
    Path file = Files.write(root.resolve("cut.fvecs"), buffer.array());
    assertEquals(file + " record 2: file ends inside this record of 2 components", errorOf(file));
    buffer = ByteBuffer.allocate(4 + 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(-5).putInt(0);
    file = Files.write(root.resolve("neg.fvecs"), buffer.array());
    assertEquals(
        file + " record 1: dimension -5, expected 1 to 4096 (is this a .fvecs file?)",
        errorOf(file));
  }

  @Test
  public void unknownExtensionsAreRefused() throws Exception {
    Path file = write("vectors.txt", "");
    InputFormatException e =
        assertThrows(InputFormatException.class, () -> VectorInput.Format.of(file));
    assertEquals(
        file
            + ": cannot tell the format from the name; expected .fvecs, .bvecs, .csv, .jsonl or a"
            + " Fashion-MNIST directory (or give --format)",
        e.getMessage());
  }
}
