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
package io.github.luceneannoy.opensearch;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import org.apache.logging.log4j.LogManager;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldPostingsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceConfig;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.ParsedDocument;

/**
 * The plugin's codec service: annoy_vector fields get their mapping's Annoy format, every other
 * field keeps OpenSearch's codec, and segments reopen with Lucene's standard codec by name.
 */
public class TestAnnoyCodecService extends AnnoyMapperTestCase {

  private MapperService mapperService() throws IOException {
    return createMapperService(
        mapping(
            b -> {
              b.startObject("vector")
                  .field("type", "annoy_vector")
                  .field("dimension", 4)
                  .field("num_trees", 3)
                  .endObject();
              b.startObject("tag").field("type", "keyword").endObject();
            }));
  }

  private static Codec codec(MapperService mapperService, String name) {
    CodecService service =
        new AnnoyPlugin()
            .getCustomCodecServiceFactory(mapperService.getIndexSettings())
            .orElseThrow()
            .createCodecService(
                new CodecServiceConfig(
                    mapperService.getIndexSettings(),
                    mapperService,
                    LogManager.getLogger(TestAnnoyCodecService.class)));
    return service.codec(name);
  }

  public void testOnlyIndicesWithTheSettingGetTheCodecService() throws IOException {
    MapperService mapperService = mapperService();
    assertTrue(
        new AnnoyPlugin()
            .getCustomCodecServiceFactory(mapperService.getIndexSettings())
            .isPresent());
    org.opensearch.index.IndexSettings plain =
        org.opensearch.test.IndexSettingsModule.newIndexSettings("plain", Settings.EMPTY);
    assertFalse(new AnnoyPlugin().getCustomCodecServiceFactory(plain).isPresent());
  }

  public void testAnnoyFieldsGetTheirFormatOthersKeepOpenSearchs() throws IOException {
    MapperService mapperService = mapperService();
    CodecService openSearchCodecs =
        new CodecService(
            mapperService,
            mapperService.getIndexSettings(),
            LogManager.getLogger(TestAnnoyCodecService.class));
    for (String name : new String[] {"default", "best_compression", "lucene_default"}) {
      Codec codec = codec(mapperService, name);
      Codec openSearch = openSearchCodecs.codec(name);
      // the segments name OpenSearch's codec, which reads them back through the per-field formats
      assertEquals(openSearch.getName(), codec.getName());
      PerFieldKnnVectorsFormat formats = (PerFieldKnnVectorsFormat) codec.knnVectorsFormat();
      KnnVectorsFormat format = formats.getKnnVectorsFormatForField("vector");
      assertTrue(format instanceof AnnoyVectorsFormat);
      assertEquals(3, ((AnnoyVectorsFormat) format).numTrees());
      assertEquals(
          ((PerFieldKnnVectorsFormat) openSearch.knnVectorsFormat())
              .getKnnVectorsFormatForField("other_vector")
              .getClass(),
          formats.getKnnVectorsFormatForField("other_vector").getClass());
      for (String field : new String[] {"tag", "_id"}) {
        assertEquals(
            ((PerFieldPostingsFormat) openSearch.postingsFormat())
                .getPostingsFormatForField(field)
                .getName(),
            ((PerFieldPostingsFormat) codec.postingsFormat())
                .getPostingsFormatForField(field)
                .getName());
      }
    }
    assertEquals("Lucene912", codec(mapperService, "default").getName());
  }

  public void testSegmentsReopenWithTheAnnoyFormat() throws IOException {
    MapperService mapperService = mapperService();
    float[][] vectors = new float[200][];
    try (Directory dir = newDirectory()) {
      IndexWriterConfig config =
          new IndexWriterConfig(mapperService.indexAnalyzer())
              .setCodec(codec(mapperService, "default"));
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < vectors.length; i++) {
          vectors[i] = new float[] {i, i % 7, (i * 31) % 11, 1};
          float[] v = vectors[i];
          ParsedDocument doc =
              mapperService
                  .documentMapper()
                  .parse(
                      source(
                          b -> b.array("vector", v[0], v[1], v[2], v[3]).field("tag", "t" + v[1])));
          writer.addDocuments(doc.docs());
        }
      }
      // read with no codec of ours: Lucene's SPI finds the format named in the segment
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        for (var leaf : reader.leaves()) {
          LeafReader r = leaf.reader();
          FieldInfo info = r.getFieldInfos().fieldInfo("vector");
          assertEquals(
              AnnoyVectorsFormat.NAME,
              info.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
          assertEquals("Lucene912", ((SegmentReader) r).getSegmentInfo().info.getCodec().getName());
        }
        TopDocs hits =
            new IndexSearcher(reader).search(new KnnFloatVectorQuery("vector", vectors[50], 3), 3);
        assertEquals(3, hits.scoreDocs.length);
        // the query is one of the indexed vectors: found, at distance 0 (score 1/(1 + 0))
        assertEquals(1f, hits.scoreDocs[0].score, 0f);
        assertTrue(hits.scoreDocs[1].score < 1f);
      }
    }
  }
}
