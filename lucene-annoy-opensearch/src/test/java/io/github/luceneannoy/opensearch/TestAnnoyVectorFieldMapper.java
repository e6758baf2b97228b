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

import static org.hamcrest.Matchers.containsString;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.opensearch.ExceptionsHelper;
import org.opensearch.common.CheckedConsumer;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.ParsedDocument;

/** The {@code annoy_vector} mapping: its parameters, their checks, and the documents it indexes. */
public class TestAnnoyVectorFieldMapper extends AnnoyMapperTestCase {

  private boolean annoyEnabled = true;

  @Override
  protected boolean annoyEnabled() {
    return annoyEnabled;
  }

  private static CheckedConsumer<XContentBuilder, IOException> vectorField(
      CheckedConsumer<XContentBuilder, IOException> parameters) {
    return b -> {
      b.field("type", "annoy_vector");
      parameters.accept(b);
    };
  }

  public void testParametersReachTheFormat() throws IOException {
    MapperService mapperService =
        createMapperService(
            fieldMapping(
                vectorField(
                    b ->
                        b.field("dimension", 8)
                            .field("similarity", "cosine")
                            .field("num_trees", 4)
                            .field("max_leaf_size", 64)
                            .field("branching", 8)
                            .field("target_recall", 0.9)
                            .field("seed", 42))));
    AnnoyVectorFieldMapper.AnnoyVectorFieldType type =
        (AnnoyVectorFieldMapper.AnnoyVectorFieldType) mapperService.fieldType("field");
    assertEquals(8, type.dimension());
    assertEquals(VectorSimilarity.COSINE, type.similarity());
    AnnoyVectorsFormat format = type.format();
    assertEquals(4, format.numTrees());
    assertEquals(64, format.maxLeafSize());
    assertEquals(8, format.branching());
    assertEquals(0.9f, format.targetRecall(), 0f);
    assertEquals(42L, format.seed());

    // the mapping as OpenSearch stores and returns it keeps every parameter
    Map<String, Object> field = fieldMappingAsMap(mapperService);
    assertEquals("annoy_vector", field.get("type"));
    assertEquals(8, field.get("dimension"));
    assertEquals("cosine", field.get("similarity"));
    assertEquals(4, field.get("num_trees"));
    assertEquals(64, field.get("max_leaf_size"));
    assertEquals(8, field.get("branching"));
    assertEquals(0.9, ((Number) field.get("target_recall")).doubleValue(), 1e-6);
    assertEquals(42, ((Number) field.get("seed")).intValue());
  }

  public void testDefaults() throws IOException {
    MapperService mapperService =
        createMapperService(fieldMapping(vectorField(b -> b.field("dimension", 4))));
    AnnoyVectorFieldMapper.AnnoyVectorFieldType type =
        (AnnoyVectorFieldMapper.AnnoyVectorFieldType) mapperService.fieldType("field");
    assertEquals(VectorSimilarity.L2_NORM, type.similarity());
    assertEquals(new AnnoyVectorsFormat().toString(), type.format().toString());
    Map<String, Object> field = fieldMappingAsMap(mapperService);
    assertEquals(Map.of("type", "annoy_vector", "dimension", 4, "similarity", "l2_norm"), field);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fieldMappingAsMap(MapperService mapperService) {
    Map<String, Object> mapping =
        XContentHelper.convertToMap(
                mapperService.documentMapper().mappingSource().compressedReference(),
                true,
                MediaTypeRegistry.JSON)
            .v2();
    Map<String, Object> doc = (Map<String, Object>) mapping.get("_doc");
    return (Map<String, Object>) ((Map<String, Object>) doc.get("properties")).get("field");
  }

  public void testMappingMistakesAreRejected() {
    assertMappingRejected(b -> {}, "[dimension] is required");
    assertMappingRejected(
        b -> b.field("dimension", 1), "[dimension] must be in [2, 4096], got [1]");
    assertMappingRejected(
        b -> b.field("dimension", 5000), "[dimension] must be in [2, 4096], got [5000]");
    assertMappingRejected(
        b -> b.field("dimension", "many"), "[dimension] must be an integer, got [many]");
    assertMappingRejected(
        b -> b.field("dimension", 8).field("similarity", "hamming"),
        "similarity must be one of [l2_norm, cosine, dot_product, max_inner_product], got"
            + " [hamming]");
    assertMappingRejected(
        b -> b.field("dimension", 8).field("num_trees", 0),
        "[num_trees] must be in [1, 64], got [0]");
    assertMappingRejected(
        b -> b.field("dimension", 8).field("branching", 1),
        "[branching] must be in [2, 256], got [1]");
    assertMappingRejected(
        b -> b.field("dimension", 8).field("max_leaf_size", 2.5),
        "[max_leaf_size] must be an integer, got [2.5]");
    assertMappingRejected(
        b -> b.field("dimension", 8).field("target_recall", 1.5),
        "[target_recall] must be in (0, 1], got [1.5]");
    assertMappingRejected(
        b -> b.field("dimension", 8).field("m", 16),
        "unknown parameter [m] on mapper [field] of type [annoy_vector]");
  }

  private void assertMappingRejected(
      CheckedConsumer<XContentBuilder, IOException> parameters, String message) {
    MapperParsingException e =
        expectThrows(
            MapperParsingException.class,
            () -> createMapperService(fieldMapping(vectorField(parameters))));
    assertThat(e.getMessage() + causes(e), containsString(message));
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
  }

  private static String causes(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      all.append(" / ").append(t.getMessage());
    }
    return all.toString();
  }

  public void testNeedsTheIndexSetting() {
    annoyEnabled = false;
    MapperParsingException e =
        expectThrows(
            MapperParsingException.class,
            () -> createMapperService(fieldMapping(vectorField(b -> b.field("dimension", 4)))));
    assertThat(
        e.getMessage() + causes(e),
        containsString("needs the index setting [index.annoy.enabled: true]"));
  }

  public void testIndexesAKnnFloatVectorField() throws IOException {
    DocumentMapper mapper =
        createDocumentMapper(
            fieldMapping(
                vectorField(
                    b -> b.field("dimension", 3).field("similarity", "max_inner_product"))));
    ParsedDocument doc = mapper.parse(source(b -> b.array("field", 1f, -2.5f, 3f)));
    IndexableField[] fields = doc.rootDoc().getFields("field");
    assertEquals(1, fields.length);
    KnnFloatVectorField vector = (KnnFloatVectorField) fields[0];
    assertArrayEquals(new float[] {1f, -2.5f, 3f}, vector.vectorValue(), 0f);
    assertEquals(
        VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
        vector.fieldType().vectorSimilarityFunction());
    assertEquals(3, vector.fieldType().vectorDimension());

    // a null vector indexes nothing
    ParsedDocument none = mapper.parse(source(b -> b.nullField("field")));
    assertEquals(0, none.rootDoc().getFields("field").length);
  }

  public void testBadVectorsAreRejected() throws IOException {
    DocumentMapper l2 =
        createDocumentMapper(fieldMapping(vectorField(b -> b.field("dimension", 3))));
    assertDocumentRejected(l2, "{\"field\": [1, 2]}", "has dimension [3], got [2] values");
    assertDocumentRejected(l2, "{\"field\": [1, 2, 3, 4]}", "has dimension [3], got more values");
    assertDocumentRejected(l2, "{\"field\": [1, \"NaN\", 3]}", "takes only numbers");
    assertDocumentRejected(l2, "{\"field\": [1, 1e39, 3]}", "is not a finite number");
    assertDocumentRejected(l2, "{\"field\": 7}", "takes an array of 3 numbers");
    assertDocumentRejected(l2, "{\"field\": [[1, 2, 3]]}", "takes only numbers");

    DocumentMapper cosine =
        createDocumentMapper(
            fieldMapping(vectorField(b -> b.field("dimension", 3).field("similarity", "cosine"))));
    assertDocumentRejected(
        cosine, "{\"field\": [0, 0, 0]}", "the zero vector has no cosine similarity");

    DocumentMapper dot =
        createDocumentMapper(
            fieldMapping(
                vectorField(b -> b.field("dimension", 2).field("similarity", "dot_product"))));
    assertDocumentRejected(dot, "{\"field\": [3, 4]}", "needs unit-length vectors, got length 5.0");
    assertEquals(
        1, dot.parse(source("{\"field\": [0.6, 0.8]}")).rootDoc().getFields("field").length);
  }

  private void assertDocumentRejected(DocumentMapper mapper, String json, String message) {
    MapperParsingException e =
        expectThrows(MapperParsingException.class, () -> mapper.parse(source(json)));
    assertThat(e.getMessage() + causes(e), containsString("field [field] of type [annoy_vector]"));
    assertThat(e.getMessage() + causes(e), containsString(message));
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
  }
}
