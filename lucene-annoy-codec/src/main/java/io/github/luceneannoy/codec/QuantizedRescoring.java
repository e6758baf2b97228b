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

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;

/**
 * The full-precision side of a segment written with {@link AnnoyScalarQuantizedVectorsFormat}: the
 * raw flat reader beneath Lucene's quantized one, and each field's rescore factor.
 *
 * <p>The rescore factor is a search parameter chosen when the segment is written, like the
 * candidates per hit; a reader opened through SPI has only default parameters, so the writer
 * records the factor as a field attribute ({@value #RESCORE_FACTOR_KEY}), as Lucene's per-field
 * format records the format's name. The forest files stay those of {@link AnnoyVectorsFormat}.
 */
final class QuantizedRescoring {
  static final String RESCORE_FACTOR_KEY =
      AnnoyScalarQuantizedVectorsFormat.NAME + ".rescoreFactor";

  private final FlatVectorsReader raw;
  private final Map<String, Integer> rescoreFactors = new HashMap<>();

  /**
   * @param fieldInfos the segment's fields; those with a recorded factor were written by this
   *     format
   * @param raw the raw flat reader that Lucene's quantized reader wraps (it is closed by that
   *     reader)
   */
  QuantizedRescoring(FieldInfos fieldInfos, FlatVectorsReader raw) throws CorruptIndexException {
    this.raw = raw;
    for (FieldInfo info : fieldInfos) {
      String value = info.getAttribute(RESCORE_FACTOR_KEY);
      if (value != null) {
        rescoreFactors.put(info.name, parse(info.name, value));
      }
    }
  }

  private static int parse(String field, String value) throws CorruptIndexException {
    int factor;
    try {
      factor = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new CorruptIndexException(
          "field \"" + field + "\": invalid " + RESCORE_FACTOR_KEY + " '" + value + "'", field, e);
    }
    if (factor < 1 || factor > AnnoyScalarQuantizedVectorsFormat.MAXIMUM_RESCORE_FACTOR) {
      throw new CorruptIndexException(
          "field \"" + field + "\": invalid " + RESCORE_FACTOR_KEY + " " + factor, field);
    }
    return factor;
  }

  /** Records {@code rescoreFactor} for the field being written. */
  static void record(FieldInfo fieldInfo, int rescoreFactor) {
    fieldInfo.putAttribute(RESCORE_FACTOR_KEY, Integer.toString(rescoreFactor));
  }

  /** How a search of {@code field} for {@code target} re-scores its quantized candidates. */
  RescoringKnnCollector.Rescore rescore(String field, float[] target) throws IOException {
    Integer factor = rescoreFactors.get(field);
    if (factor == null) {
      throw new CorruptIndexException(
          "field \"" + field + "\": no " + RESCORE_FACTOR_KEY + " recorded", field);
    }
    return new RescoringKnnCollector.Rescore(raw.getRandomVectorScorer(field, target), factor);
  }

  /**
   * The field's vectors at full precision, whose {@code scorer} scores exactly: Lucene's exact
   * search (the fallback for selective filters) then ranks and scores as the forest's re-scoring
   * does, rather than by quantized scores.
   */
  FloatVectorValues fullPrecisionValues(String field) throws IOException {
    return raw.getFloatVectorValues(field);
  }
}
