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

import io.github.luceneannoy.forest.ForestLayout;
import java.util.Locale;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.util.InfoStream;

/**
 * Reports each field's forest build through the index writer's {@link InfoStream}, under the
 * component {@value #COMPONENT}, as HNSW reports its graph builds under "HNSW": how long the trees
 * took, how many leaves and inner nodes they have, and what calibration chose. Messages are only
 * formatted when that component is enabled, so a writer without an info stream pays nothing.
 */
final class ForestBuildLog {
  /** The {@link InfoStream} component the writer's messages go to. */
  static final String COMPONENT = AnnoyVectorsFormat.INFO_STREAM_COMPONENT;

  private final InfoStream infoStream;

  ForestBuildLog(InfoStream infoStream) {
    this.infoStream = infoStream;
  }

  boolean isEnabled() {
    return infoStream.isEnabled(COMPONENT);
  }

  /** A field with no vectors in the segment: there is no forest to build. */
  void empty(String phase, FieldInfo field) {
    message(phase, field, "no vectors, no forest");
  }

  /** The trees of a field, built and written to temporary files. */
  void built(
      String phase,
      FieldInfo field,
      int vectors,
      ForestParameters parameters,
      ForestLayout layout,
      long nanos) {
    message(
        phase,
        field,
        "built %d trees over %d vectors in %d ms: %d leaves, %d inner nodes"
            + " (max leaf size %d, branching %d)",
        layout.roots().length,
        vectors,
        millis(nanos),
        layout.leaves(),
        layout.nodes(),
        parameters.maxLeafSize,
        parameters.branching);
  }

  /** The default budgets calibration chose for a field. */
  void calibrated(
      String phase,
      FieldInfo field,
      float targetRecall,
      String order,
      int budget10,
      int budget100,
      long nanos) {
    message(
        phase,
        field,
        "calibrated in %d ms for recall %.2f: order %s, budget %d at k=10, %d at k=100",
        millis(nanos),
        targetRecall,
        order,
        budget10,
        budget100);
  }

  /** One line about one field, formatted only when the component is enabled. */
  private void message(String phase, FieldInfo field, String format, Object... args) {
    if (isEnabled()) {
      infoStream.message(
          COMPONENT,
          String.format(Locale.ROOT, "%s field \"%s\": ", phase, field.name)
              + String.format(Locale.ROOT, format, args));
    }
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
