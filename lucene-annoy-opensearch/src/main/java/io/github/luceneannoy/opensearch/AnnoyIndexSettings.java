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

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.Property;
import org.opensearch.common.settings.Settings;

/** The index settings of the plugin. */
public final class AnnoyIndexSettings {

  /**
   * {@code index.annoy.enabled}: the index's codec service is the plugin's, so that its {@code
   * annoy_vector} fields are written with the Annoy format. Fixed when the index is created: the
   * codec slot of an index has one owner (this plugin or another, such as k-NN), never two.
   */
  public static final Setting<Boolean> ANNOY_ENABLED =
      Setting.boolSetting("index.annoy.enabled", false, Property.IndexScope, Property.Final);

  private AnnoyIndexSettings() {}

  static boolean enabled(Settings indexSettings) {
    return ANNOY_ENABLED.get(indexSettings);
  }
}
