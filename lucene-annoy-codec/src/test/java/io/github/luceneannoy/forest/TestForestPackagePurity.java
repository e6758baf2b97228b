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
package io.github.luceneannoy.forest;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The forest package is the algorithm alone: it must stay testable without a Directory or an index,
 * and reusable by any storage. Storage and index types belong in the codec package.
 *
 * <p>Checked twice: on the sources (imports and fully qualified names outside comments) and on the
 * compiled classes (every type a class refers to is named in its constant pool, however the source
 * spelled it). The package is found from the classes themselves, so the check follows whatever the
 * package holds.
 */
public class TestForestPackagePurity extends LuceneTestCase {

  private static final String[] FORBIDDEN = {
    "org.apache.lucene.store", "org.apache.lucene.index", "org.apache.lucene.codecs"
  };

  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+)");

  private static Path sourceDir() {
    String relative = "src/main/java/io/github/luceneannoy/forest";
    // surefire runs in the module directory; an IDE may run from the repository root
    Path[] candidates = {Paths.get(relative), Paths.get("lucene-annoy-codec", relative)};
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        "forest sources not found from " + Paths.get("").toAbsolutePath() + ": " + relative);
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.list(sourceDir())) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /** The compiled package: the directory holding {@link Forest}'s class file. */
  private static Path classDir() throws URISyntaxException {
    Path root = Paths.get(Forest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = root.resolve(Forest.class.getPackageName().replace('.', '/'));
    assertTrue("not a class directory: " + dir, Files.isDirectory(dir));
    return dir;
  }

  private static List<Path> classFiles() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(classDir())) {
      return files
          .filter(p -> p.toString().endsWith(".class"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /**
   * Guards against the purity checks passing vacuously on a wrong or partial directory: the sources
   * scanned are exactly those of the compiled top-level classes of the package, and include the
   * classes named here (a rename breaks compilation of this test, not its meaning).
   */
  public void testScansTheWholePackage() throws IOException, URISyntaxException {
    Set<String> sourceTypes = new TreeSet<>();
    for (Path source : sources()) {
      String name = source.getFileName().toString();
      if (name.equals("package-info.java") == false) {
        sourceTypes.add(name.substring(0, name.length() - ".java".length()));
      }
    }
    Set<String> compiledTypes = new TreeSet<>();
    for (Path file : classFiles()) {
      String name = file.getFileName().toString();
      if (name.contains("$") == false && name.equals("package-info.class") == false) {
        compiledTypes.add(name.substring(0, name.length() - ".class".length()));
      }
    }
    assertEquals("sources and compiled classes of the package", compiledTypes, sourceTypes);
    for (Class<?> core :
        new Class<?>[] {
          Forest.class,
          ForestBuilder.class,
          ForestSearcher.class,
          TreeBuilder.class,
          LeafCoder.class,
          QueryCode.class,
          LeafTraversal.class,
          BudgetCalibration.class,
          OnHeapForest.class,
          VectorSource.class
        }) {
      assertTrue(
          core.getSimpleName() + " not in " + sourceTypes,
          sourceTypes.contains(core.getSimpleName()));
    }
  }

  /** No compiled class of the package, nested ones included, refers to a forbidden package. */
  public void testNoForbiddenReferencesInClassFiles() throws IOException, URISyntaxException {
    List<Path> classes = classFiles();
    assertTrue(classes.toString(), classes.size() > 10);
    for (Path file : classes) {
      String forbidden = forbiddenReference(Files.readAllBytes(file));
      assertNull(file.getFileName() + " refers to " + forbidden, forbidden);
    }
  }

  /** The class-file check bites on a class that does use the index and store APIs. */
  public void testClassFileCheckDetectsReferences() throws IOException, URISyntaxException {
    Class<?> codecClass = io.github.luceneannoy.codec.ForestStatistics.class;
    Path root = Paths.get(codecClass.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path file = root.resolve(codecClass.getName().replace('.', '/') + ".class");
    assertNotNull(forbiddenReference(Files.readAllBytes(file)));
    assertNull(
        forbiddenReference(
            "java/util/List org/apache/lucene/util/Bits".getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * The first forbidden package named in a class file, or null: type names appear in the constant
   * pool as ASCII, with slashes ({@code org/apache/lucene/index/...}).
   */
  private static String forbiddenReference(byte[] classFile) {
    String text = new String(classFile, StandardCharsets.ISO_8859_1);
    for (String forbidden : FORBIDDEN) {
      if (text.contains(forbidden.replace('.', '/') + "/")) {
        return forbidden;
      }
    }
    return null;
  }

  public void testNoStorageIndexOrCodecDependencies() throws IOException {
    for (Path source : sources()) {
      String text = Files.readString(source, StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        Matcher m = IMPORT.matcher(line);
        if (m.find()) {
          assertAllowed(source, m.group(1));
        }
      }
      // fully qualified names in code dodge imports; comments may mention anything
      String code = stripComments(text);
      for (String forbidden : FORBIDDEN) {
        assertFalse(source + " references " + forbidden, code.contains(forbidden + "."));
      }
    }
  }

  public void testDetectsForbiddenImports() {
    // the checker itself must bite
    String code = "package x;\nimport org.apache.lucene.store.IndexInput;\nclass A {}\n";
    Matcher m = IMPORT.matcher(code.split("\n")[1]);
    assertTrue(m.find());
    expectThrows(AssertionError.class, () -> assertAllowed(Paths.get("A.java"), m.group(1)));
    assertFalse(
        stripComments("/* org.apache.lucene.index.X */ // org.apache.lucene.codecs.Y\nint a;")
            .contains("org.apache"));
    assertTrue(
        stripComments("Object o = org.apache.lucene.index.Terms.EMPTY_ARRAY;")
            .contains("org.apache.lucene.index."));
  }

  private static void assertAllowed(Path source, String imported) {
    for (String forbidden : FORBIDDEN) {
      if (imported.equals(forbidden) || imported.startsWith(forbidden + ".")) {
        throw new AssertionError(source + " imports " + imported);
      }
    }
  }

  private static String stripComments(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
  }
}
