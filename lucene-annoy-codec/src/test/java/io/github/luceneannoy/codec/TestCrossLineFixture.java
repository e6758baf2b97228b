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

import java.nio.file.Path;
import java.util.Random;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * {@link CrossLineFixture} on Lucene 9.12 alone: its reading of a segment from the files, without
 * the index around them, answers as a search of the index does.
 */
public class TestCrossLineFixture extends LuceneTestCase {

  public void testSegmentReadFromItsFilesAnswersAsTheIndex() throws Exception {
    Random random = random();
    int size = 600 + random.nextInt(400);
    int dimension = 8 + random.nextInt(24);
    float[][] floats = new float[size][dimension];
    byte[][] bytes = new byte[size][dimension];
    for (int i = 0; i < size; i++) {
      for (int d = 0; d < dimension; d++) {
        floats[i][d] = (float) random.nextGaussian();
        bytes[i][d] = (byte) (random.nextInt(256) - 128);
      }
    }
    float[][] queries = new float[20][dimension];
    for (float[] query : queries) {
      for (int d = 0; d < dimension; d++) {
        query[d] = (float) random.nextGaussian();
      }
    }
    Path path = createTempDir();
    CrossLineFixture.write(path.toString(), floats, bytes, 1 + size / 3, true);
    int[][] fromIndex = CrossLineFixture.searchFloats(path.toString(), queries, 10);

    try (Directory dir = FSDirectory.open(path)) {
      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      assertEquals(1, infos.size());
      SegmentCommitInfo segment = infos.info(0);
      FieldInfos fields =
          segment
              .info
              .getCodec()
              .fieldInfosFormat()
              .read(dir, segment.info, "", IOContext.READONCE);
      FieldInfo floatsField = fields.fieldInfo(CrossLineFixture.FLOATS);
      String suffix =
          floatsField.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY)
              + "_"
              + floatsField.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_SUFFIX_KEY);
      int[][] fromFiles =
          CrossLineFixture.searchSegmentFloats(
              path.toString(),
              segment.info.name,
              segment.info.getId(),
              segment.info.maxDoc(),
              suffix,
              floatsField.number,
              fields.fieldInfo(CrossLineFixture.BYTES).number,
              dimension,
              queries,
              10);
      // the segment's files answer with document numbers, and the merge may have put the flushed
      // segments in any order (TieredMergePolicy sorts them by size): mapped to ids
      assertEquals(queries.length, fromFiles.length);
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        StoredFields stored = reader.storedFields();
        for (int q = 0; q < queries.length; q++) {
          assertEquals(10, fromFiles[q].length);
          int[] ids = new int[fromFiles[q].length];
          for (int i = 0; i < ids.length; i++) {
            ids[i] =
                stored
                    .document(fromFiles[q][i])
                    .getField(CrossLineFixture.ID)
                    .numericValue()
                    .intValue();
          }
          assertArrayEquals("query " + q, fromIndex[q], ids);
        }
      }
    }
  }
}
