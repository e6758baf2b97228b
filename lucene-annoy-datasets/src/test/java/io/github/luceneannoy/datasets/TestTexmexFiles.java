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

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The files must be plain TEXMEX so any reader (the benchmark's VectorFiles among them) takes them:
 * the byte layout is checked directly, not only through our own reader.
 */
public class TestTexmexFiles {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void fvecsByteLayoutIsDimensionThenFloatsLittleEndian() throws IOException {
    Path file = tmp.getRoot().toPath().resolve("v.fvecs");
    float[][] vectors = {{1.5f, -2f, Float.MIN_VALUE}, {0f, 3.25f, -0f}};
    TexmexFiles.writeFvecs(file, vectors);

    byte[] bytes = Files.readAllBytes(file);
    assertEquals(TexmexFiles.fileSize(2, 3), bytes.length);
    assertEquals(2 * (4 + 3 * 4), bytes.length);
    // First record, by hand: 3 as int32 LE is 03 00 00 00; 1.5f is 0x3FC00000, stored 00 00 C0 3F.
    assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, (byte) 0xC0, 0x3F}, Arrays.copyOf(bytes, 8));
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] v : vectors) {
      assertEquals(v.length, buffer.getInt());
      for (float x : v) {
        assertEquals(Float.floatToRawIntBits(x), Float.floatToRawIntBits(buffer.getFloat()));
      }
    }
    assertEquals(0, buffer.remaining());

    float[][] back = TexmexFiles.readFvecs(file);
    assertEquals(vectors.length, back.length);
    for (int i = 0; i < vectors.length; i++) {
      assertArrayEquals(vectors[i], back[i], 0f);
    }
  }

  @Test
  public void ivecsByteLayoutIsCountThenIntsLittleEndian() throws IOException {
    Path file = tmp.getRoot().toPath().resolve("t.ivecs");
    int[][] rows = {{7, 0, 65536}, {Integer.MAX_VALUE, 1, 2}};
    TexmexFiles.writeIvecs(file, rows);

    byte[] bytes = Files.readAllBytes(file);
    assertEquals(TexmexFiles.fileSize(2, 3), bytes.length);
    assertArrayEquals(
        new byte[] {3, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, Arrays.copyOf(bytes, 16));
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int[] row : rows) {
      assertEquals(row.length, buffer.getInt());
      for (int x : row) {
        assertEquals(x, buffer.getInt());
      }
    }
    int[][] back = TexmexFiles.readIvecs(file);
    assertEquals(2, back.length);
    assertArrayEquals(rows[0], back[0]);
    assertArrayEquals(rows[1], back[1]);
  }

  @Test
  public void truncatedFileIsAnError() throws IOException {
    Path file = tmp.getRoot().toPath().resolve("cut.fvecs");
    TexmexFiles.writeFvecs(file, new float[][] {{1, 2, 3, 4}});
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
    assertThrows(EOFException.class, () -> TexmexFiles.readFvecs(file));
  }

  @Test
  public void mixedDimensionsAreRefused() {
    Path file = tmp.getRoot().toPath().resolve("mixed.fvecs");
    assertThrows(
        IllegalArgumentException.class,
        () -> TexmexFiles.writeFvecs(file, new float[][] {{1, 2}, {1, 2, 3}}));
  }
}
