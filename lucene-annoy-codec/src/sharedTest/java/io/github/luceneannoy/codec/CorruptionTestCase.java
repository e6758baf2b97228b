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
import org.apache.lucene.tests.util.LuceneTestCase;
import org.junit.AfterClass;
import org.junit.BeforeClass;

/**
 * A test that damages copies of one {@link CorruptionHarness} index, built once per class from the
 * class's random seed: building it is the slow part, and every test works on its own copy.
 */
public abstract class CorruptionTestCase extends LuceneTestCase {
  static CorruptionHarness harness;

  @BeforeClass
  public static void buildIndex() throws IOException {
    harness = CorruptionHarness.build(random().nextLong());
  }

  @AfterClass
  public static void closeIndex() throws IOException {
    harness.close();
    harness = null;
  }
}
