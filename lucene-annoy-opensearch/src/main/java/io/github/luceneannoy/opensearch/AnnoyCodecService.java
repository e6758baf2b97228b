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

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.codecs.Codec;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceConfig;
import org.opensearch.index.mapper.MapperService;

/**
 * OpenSearch's codec service for an index with {@code index.annoy.enabled}: each of its codecs
 * ({@code default}, {@code best_compression}, ...) as OpenSearch builds it, wrapped so that the
 * fields mapped as {@code annoy_vector} are written with their Annoy format.
 */
final class AnnoyCodecService extends CodecService {
  private final MapperService mapperService;
  private final Map<String, Codec> codecs = new ConcurrentHashMap<>();

  AnnoyCodecService(CodecServiceConfig config) {
    super(config.getMapperService(), config.getIndexSettings(), config.getLogger());
    this.mapperService = config.getMapperService();
  }

  @Override
  public Codec codec(String name) {
    Codec codec = super.codec(name);
    if (mapperService == null) {
      // no mappings (a shard being recovered from a snapshot only, for instance): nothing to write
      return codec;
    }
    return codecs.computeIfAbsent(name, n -> new AnnoyMappingCodec(codec, mapperService));
  }
}
