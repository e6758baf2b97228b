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
package io.github.luceneannoy.reliability;

import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Sizes of the reliability tests, from the test framework's own switches rather than properties of
 * their own: short in an ordinary run, long when nightly tests run ({@code -Dtests.nightly=true},
 * which the {@code soak} Maven profile sets), and either way scaled by {@code -Dtests.multiplier}
 * as {@link LuceneTestCase#atLeast(int)} is.
 */
final class Soak {
  private Soak() {}

  /** Whether this is a long (nightly) run. */
  static boolean enabled() {
    return LuceneTestCase.TEST_NIGHTLY;
  }

  /** {@code normal} in an ordinary run, {@code nightly} in a nightly one, times the multiplier. */
  static int pick(int normal, int nightly) {
    return Math.multiplyExact(enabled() ? nightly : normal, LuceneTestCase.RANDOM_MULTIPLIER);
  }
}
