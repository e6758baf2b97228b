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
package io.github.luceneannoy.solr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A test core's configuration: the example configset's solrconfig.xml and a schema written here.
 */
final class TestSchemas {

  /** The vector field types the plugin must tell apart, one field each. */
  static final String VECTOR_TYPES =
      """
        <fieldType name="annoy_tuned" class="io.github.luceneannoy.solr.AnnoyDenseVectorField"
                   vectorDimension="4" similarityFunction="euclidean"
                   numTrees="3" maxLeafSize="16" branching="4" targetRecall="0.9" seed="42"/>
        <fieldType name="annoy_stock" class="solr.DenseVectorField"
                   vectorDimension="4" similarityFunction="cosine" knnAlgorithm="annoy"/>
        <fieldType name="annoy_byte" class="io.github.luceneannoy.solr.AnnoyDenseVectorField"
                   vectorDimension="4" similarityFunction="euclidean" vectorEncoding="BYTE"/>
        <fieldType name="hnsw" class="solr.DenseVectorField"
                   vectorDimension="4" similarityFunction="euclidean"/>
      """;

  private TestSchemas() {}

  /** A schema with the usual fields, the four vector fields and {@code extraTypes}. */
  static String schema(String extraTypes) {
    return """
        <schema name="annoy-test" version="1.7">
          <uniqueKey>id</uniqueKey>
          <field name="id" type="string" indexed="true" stored="true" required="true"/>
          <field name="_version_" type="plong" indexed="false" stored="false" docValues="true"/>
          <field name="cat" type="string" indexed="true" stored="true"/>
          <field name="annoy_v" type="annoy_tuned" indexed="true" stored="false"/>
          <field name="annoy_stock_v" type="annoy_stock" indexed="true" stored="false"/>
          <field name="annoy_byte_v" type="annoy_byte" indexed="true" stored="false"/>
          <field name="hnsw_v" type="hnsw" indexed="true" stored="false"/>
          <fieldType name="string" class="solr.StrField"/>
          <fieldType name="plong" class="solr.LongPointField"/>
        """
        + VECTOR_TYPES
        + extraTypes
        + "</schema>\n";
  }

  /**
   * Lays out {@code home/collection1/conf} with the example configset's solrconfig.xml (so the
   * shipped file is what the test loads) and {@link #schema(String) the test schema}.
   */
  static Path createHome(Path home) throws IOException {
    Path conf = Files.createDirectories(home.resolve("collection1").resolve("conf"));
    Files.copy(
        exampleConfigset().resolve("solrconfig.xml"),
        conf.resolve("solrconfig.xml"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(conf.resolve("schema.xml"), schema(""), StandardCharsets.UTF_8);
    return conf;
  }

  /** The configset under examples/, found from the module's directory. */
  static Path exampleConfigset() {
    String configured = System.getProperty("annoy.configset");
    Path dir =
        configured != null
            ? Path.of(configured)
            : Path.of("..", "examples", "solr", "configsets", "annoy", "conf");
    if (!Files.isRegularFile(dir.resolve("solrconfig.xml"))) {
      throw new IllegalStateException("example configset not found at " + dir.toAbsolutePath());
    }
    return dir.toAbsolutePath().normalize();
  }
}
