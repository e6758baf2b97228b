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
package io.github.luceneannoy.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.JarFile;
import org.junit.Test;

/**
 * The packaged command-line jar, as users run it: a multi-release jar that keeps Lucene's Java 20+
 * classes, so that Java 21+ started with {@code --add-modules jdk.incubator.vector} loads Lucene's
 * vector kernels instead of failing ("PanamaVectorizationProvider is missing in Lucene JAR file").
 */
public class ShadedJarIT {
  @Test
  public void jarKeepsLuceneMultiReleaseClasses() throws Exception {
    String location = System.getProperty("annoy.examples.jar");
    assertNotNull("annoy.examples.jar is not set: run through Maven's failsafe plugin", location);
    Path jar = Paths.get(location);
    assertTrue("missing " + jar, Files.isRegularFile(jar));
    try (JarFile file =
        new JarFile(new File(location), true, JarFile.OPEN_READ, Runtime.version())) {
      assertEquals("true", file.getManifest().getMainAttributes().getValue("Multi-Release"));
      assertTrue(file.isMultiRelease());
      assertEquals(
          "io.github.luceneannoy.examples.Main",
          file.getManifest().getMainAttributes().getValue("Main-Class"));
      String panama = "org/apache/lucene/internal/vectorization/PanamaVectorizationProvider.class";
      assertNotNull(
          "Lucene's Java 20+ vector provider is not in the jar",
          file.getEntry("META-INF/versions/20/" + panama));
      // loaded by name only, so a minimizing shade would drop it unnoticed
      assertNotNull(
          "the forest's vector kernels are not in the jar",
          file.getEntry("io/github/luceneannoy/forest/PanamaForestKernels.class"));
    }
  }
}
