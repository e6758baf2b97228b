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
 * and its one jar serves the codecs of every Lucene line (9.12 and 10.x). So it names no type of
 * Lucene's index, store or codec API, and of the rest of Lucene only the few types below, whose
 * class files are the same on both lines (same kind, same members it calls, same descriptors): the
 * Lucene 10 codec's tests run this jar, compiled against 9.12, on Lucene 10.
 *
 * <p>Checked twice: on the sources (imports and fully qualified names outside comments) and on the
 * compiled classes (every type a class refers to is named in its constant pool, however the source
 * spelled it). The package is found from the classes themselves, so the check follows whatever the
 * package holds.
 */
public class TestForestPackagePurity extends LuceneTestCase {

  /** The Lucene types the forest may use, each linked the same way on Lucene 9.12 and 10.x. */
  static final Set<String> LUCENE_TYPES =
      Set.of(
          "org.apache.lucene.search.DocIdSetIterator",
          "org.apache.lucene.search.KnnCollector",
          "org.apache.lucene.search.TaskExecutor",
          "org.apache.lucene.util.BitSet",
          "org.apache.lucene.util.Bits",
          "org.apache.lucene.util.FixedBitSet",
          "org.apache.lucene.util.IOSupplier",
          "org.apache.lucene.util.LongHeap",
          "org.apache.lucene.util.NumericUtils",
          "org.apache.lucene.util.SparseFixedBitSet",
          "org.apache.lucene.util.VectorUtil",
          "org.apache.lucene.util.hnsw.RandomVectorScorer");

  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+)");

  /** A Lucene type's internal name in a constant pool, up to a nested class's {@code $}. */
  private static final Pattern POOLED = Pattern.compile("org/apache/lucene/[A-Za-z0-9_/]+");

  /** A Lucene name in code outside comments (a fully qualified one dodges imports). */
  private static final Pattern QUALIFIED =
      Pattern.compile("org\\.apache\\.lucene\\.[a-z0-9_.]*[A-Z]\\w*");

  private static Path sourceDir() {
    String relative = "src/main/java/io/github/luceneannoy/forest";
    // surefire runs in the module directory; an IDE may run from the repository root
    Path[] candidates = {Paths.get(relative), Paths.get("lucene-annoy-forest", relative)};
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

  /** No compiled class of the package, nested ones included, refers to a Lucene type not listed. */
  public void testClassFilesUseOnlyListedLuceneTypes() throws IOException, URISyntaxException {
    List<Path> classes = classFiles();
    assertTrue(classes.toString(), classes.size() > 10);
    Set<String> used = new TreeSet<>();
    for (Path file : classes) {
      Set<String> types = luceneTypes(Files.readAllBytes(file));
      for (String type : types) {
        assertTrue(file.getFileName() + " refers to " + type, LUCENE_TYPES.contains(type));
      }
      used.addAll(types);
    }
    // the list names what is used, no more: a type dropped from the code leaves the list too
    assertEquals(new TreeSet<>(LUCENE_TYPES), used);
  }

  /** The class-file check sees a type however it is referred to, and nested classes as theirs. */
  public void testClassFileCheckFindsTypes() {
    byte[] pool =
        "java/util/List\u0001Lorg/apache/lucene/index/LeafReader;\u0001org/apache/lucene/util/Bits$1"
            .getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        Set.of("org.apache.lucene.index.LeafReader", "org.apache.lucene.util.Bits"),
        luceneTypes(pool));
  }

  /** The Lucene types a class file names in its constant pool, as Java names. */
  private static Set<String> luceneTypes(byte[] classFile) {
    Matcher m = POOLED.matcher(new String(classFile, StandardCharsets.ISO_8859_1));
    Set<String> types = new TreeSet<>();
    while (m.find()) {
      types.add(m.group().replace('/', '.'));
    }
    return types;
  }

  public void testSourcesUseOnlyListedLuceneTypes() throws IOException {
    for (Path source : sources()) {
      String text = Files.readString(source, StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        Matcher m = IMPORT.matcher(line);
        if (m.find() && m.group(1).startsWith("org.apache.lucene.")) {
          assertAllowed(source, m.group(1));
        }
      }
      // comments may mention anything
      Matcher qualified = QUALIFIED.matcher(stripComments(text));
      while (qualified.find()) {
        assertAllowed(source, qualified.group());
      }
    }
  }

  public void testSourceCheckBites() {
    String code = "package x;\nimport org.apache.lucene.store.IndexInput;\nclass A {}\n";
    Matcher m = IMPORT.matcher(code.split("\n")[1]);
    assertTrue(m.find());
    expectThrows(AssertionError.class, () -> assertAllowed(Paths.get("A.java"), m.group(1)));
    assertAllowed(Paths.get("A.java"), "org.apache.lucene.util.Bits");
    assertFalse(
        stripComments("/* org.apache.lucene.index.X */ // org.apache.lucene.codecs.Y\nint a;")
            .contains("org.apache"));
    Matcher qualified = QUALIFIED.matcher("Object o = org.apache.lucene.index.Terms.EMPTY_ARRAY;");
    assertTrue(qualified.find());
    assertEquals("org.apache.lucene.index.Terms", qualified.group());
  }

  private static void assertAllowed(Path source, String type) {
    if (LUCENE_TYPES.contains(type) == false) {
      throw new AssertionError(source + " uses " + type + ", not one of " + LUCENE_TYPES);
    }
  }

  private static String stripComments(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
  }
}
