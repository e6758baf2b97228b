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

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.junit.Test;

/** The IDX reader on small generated files: values, limits and every kind of bad file. */
public class FashionMnistTest extends LuceneTestCase {
  private Path root;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    root = createTempDir();
  }

  private Path dir() {
    return root;
  }

  @Test
  public void readsPixelsAndLabelsOfBothSplits() throws Exception {
    byte[][] images = new byte[2][FashionMnist.DIMENSION];
    images[0][0] = (byte) 255; // unsigned: must read as 255, not -1
    images[1][783] = 7;
    IdxFiles.writeImages(dir().resolve("train-images-idx3-ubyte.gz"), images, 28);
    IdxFiles.writeLabels(dir().resolve("train-labels-idx1-ubyte.gz"), new byte[] {9, 0});
    // uncompressed files are read too
    IdxFiles.writeImages(dir().resolve("t10k-images-idx3-ubyte"), new byte[1][784], 28);
    IdxFiles.writeLabels(dir().resolve("t10k-labels-idx1-ubyte"), new byte[] {5});

    FashionMnist data = FashionMnist.load(dir());
    assertEquals(2, data.train().size());
    assertEquals(255f, data.train().vectors()[0][0], 0);
    assertEquals(7f, data.train().vectors()[1][783], 0);
    assertEquals(0f, data.train().vectors()[1][0], 0);
    assertArrayEquals(new int[] {9, 0}, data.train().labels());
    assertEquals("Ankle boot", FashionMnist.labelName(data.train().labels()[0]));
    assertEquals("Sandal", FashionMnist.labelName(data.test().labels()[0]));
    assertEquals(1, FashionMnist.load(dir(), 1, 1).train().size());
  }

  @Test
  public void aMissingFileIsNamed() throws Exception {
    IdxFiles.writeDataset(dir(), 3, 2, 1);
    Files.delete(dir().resolve("t10k-labels-idx1-ubyte.gz"));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir()));
    assertTrue(e.getMessage(), e.getMessage().contains("t10k-labels-idx1-ubyte.gz"));
    assertTrue(e.getMessage(), e.getMessage().contains("dataset-fashion-mnist"));
  }

  @Test
  public void aWrongMagicNumberSaysWhatWasExpected() throws Exception {
    IdxFiles.writeDataset(dir(), 3, 2, 1);
    // labels where images belong
    Files.copy(
        dir().resolve("train-labels-idx1-ubyte.gz"),
        dir().resolve("train-images-idx3-ubyte.gz"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    InputFormatException e =
        assertThrows(InputFormatException.class, () -> FashionMnist.load(dir()));
    assertTrue(
        e.getMessage(),
        e.getMessage()
            .contains("train-images-idx3-ubyte.gz: magic number 0x00000801, expected 0x00000803"));
  }

  @Test
  public void aTruncatedFileNamesTheRecordWhereItEnds() throws Exception {
    Path images = dir().resolve("train-images-idx3-ubyte");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(images))) {
      out.writeInt(0x803);
      out.writeInt(3); // promises 3 images
      out.writeInt(28);
      out.writeInt(28);
      out.write(new byte[784 + 100]); // one and a bit
    }
    InputFormatException e =
        assertThrows(InputFormatException.class, () -> FashionMnist.readImages(images, 10));
    assertEquals(2, e.record());
    assertTrue(e.getMessage(), e.getMessage().contains("record 2: file ends here"));
    assertTrue(e.getMessage(), e.getMessage().contains("promises 3 records"));
  }

  @Test
  public void labelsOutOfRangeAndCountMismatchesAreRefused() throws Exception {
    Path labels = dir().resolve("l");
    IdxFiles.writeLabels(labels, new byte[] {1, 2, 10});
    InputFormatException e =
        assertThrows(InputFormatException.class, () -> FashionMnist.readLabels(labels, 5));
    assertTrue(
        e.getMessage(),
        e.getMessage().endsWith("l record 3: label 10, expected a class number from 0 to 9"));

    IdxFiles.writeDataset(dir(), 3, 2, 1);
    IdxFiles.writeLabels(dir().resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1});
    e = assertThrows(InputFormatException.class, () -> FashionMnist.load(dir()));
    assertTrue(
        e.getMessage(),
        e.getMessage().contains("holds 1 labels but t10k-images-idx3-ubyte.gz holds 2 images"));
  }

  @Test
  public void imagesOfAnotherSizeAreRefused() throws Exception {
    Path images = dir().resolve("small");
    IdxFiles.writeImages(images, new byte[1][16], 4);
    InputFormatException e =
        assertThrows(InputFormatException.class, () -> FashionMnist.readImages(images, 1));
    assertTrue(e.getMessage(), e.getMessage().endsWith("images are 4x4, expected 28x28"));
  }
}
