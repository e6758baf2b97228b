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

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opensearch.common.settings.Setting;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.plugins.EnginePlugin;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;

/**
 * The OpenSearch plugin: the {@code annoy_vector} field type, the {@code annoy_knn} query, and the
 * codec service that writes {@code annoy_vector} fields with the Annoy format in every index
 * created with {@code index.annoy.enabled: true}. Other indices keep OpenSearch's codec service.
 */
public class AnnoyPlugin extends Plugin implements EnginePlugin, MapperPlugin, SearchPlugin {

  @Override
  public List<Setting<?>> getSettings() {
    return List.of(AnnoyIndexSettings.ANNOY_ENABLED);
  }

  @Override
  public Map<String, Mapper.TypeParser> getMappers() {
    return Map.of(AnnoyVectorFieldMapper.CONTENT_TYPE, AnnoyVectorFieldMapper.PARSER);
  }

  @Override
  public List<QuerySpec<?>> getQueries() {
    return List.of(
        new QuerySpec<>(
            AnnoyKnnQueryBuilder.NAME,
            AnnoyKnnQueryBuilder::new,
            AnnoyKnnQueryBuilder::fromXContent));
  }

  @Override
  public Optional<CodecServiceFactory> getCustomCodecServiceFactory(IndexSettings indexSettings) {
    if (AnnoyIndexSettings.enabled(indexSettings.getSettings())) {
      return Optional.of(AnnoyCodecService::new);
    }
    return Optional.empty();
  }
}
