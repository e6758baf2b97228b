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
package io.github.luceneannoy.examples.bench;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.util.InfoStream;

/**
 * Adds up what the Annoy format reports through an index writer's {@link InfoStream}: the time its
 * trees took and the time calibration took, over every flush and merge of a build, so that a
 * benchmark can say what share of the build calibration is. Other formats report nothing here.
 */
final class ForestBuildTimes extends InfoStream {
  private static final Pattern BUILT =
      Pattern.compile("built \\d+ trees over \\d+ vectors in (\\d+) ms");
  private static final Pattern CALIBRATED = Pattern.compile("calibrated in (\\d+) ms");

  private final AtomicLong treeMillis = new AtomicLong();
  private final AtomicLong calibrationMillis = new AtomicLong();
  private final AtomicInteger calibrations = new AtomicInteger();

  @Override
  public boolean isEnabled(String component) {
    return AnnoyVectorsFormat.INFO_STREAM_COMPONENT.equals(component);
  }

  @Override
  public void message(String component, String message) {
    if (isEnabled(component) == false) {
      return;
    }
    Matcher built = BUILT.matcher(message);
    if (built.find()) {
      treeMillis.addAndGet(Long.parseLong(built.group(1)));
    }
    Matcher calibrated = CALIBRATED.matcher(message);
    if (calibrated.find()) {
      calibrationMillis.addAndGet(Long.parseLong(calibrated.group(1)));
      calibrations.incrementAndGet();
    }
  }

  @Override
  public void close() {}

  double treeSeconds() {
    return treeMillis.get() / 1e3;
  }

  double calibrationSeconds() {
    return calibrationMillis.get() / 1e3;
  }

  /** Forests calibrated (every built forest of more than a hundred vectors). */
  int calibrations() {
    return calibrations.get();
  }
}
