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

import java.util.Collection;
import java.util.List;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.mapper.MapperServiceTestCase;
import org.opensearch.plugins.Plugin;

/**
 * A mapper service with the plugin loaded, on an index that has the Annoy codec turned on unless
 * {@link #annoyEnabled} says otherwise.
 */
public abstract class AnnoyMapperTestCase extends MapperServiceTestCase {

  @Override
  protected Collection<? extends Plugin> getPlugins() {
    return List.of(new AnnoyPlugin());
  }

  @Override
  protected Settings getIndexSettings() {
    return Settings.builder()
        .put(super.getIndexSettings())
        .put(AnnoyIndexSettings.ANNOY_ENABLED.getKey(), annoyEnabled())
        .build();
  }

  /** The index's {@code index.annoy.enabled}. */
  protected boolean annoyEnabled() {
    return true;
  }
}
