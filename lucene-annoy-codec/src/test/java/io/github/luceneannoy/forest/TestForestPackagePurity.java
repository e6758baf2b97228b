package io.github.luceneannoy.forest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The forest package is the algorithm alone: it must stay testable without a Directory or an index,
 * and reusable by any storage. Storage and index types belong in the codec package.
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

  public void testScansTheWholePackage() throws IOException {
    List<String> names =
        sources().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
    // guards against the purity check passing vacuously on a wrong or empty directory
    for (String expected :
        new String[] {
          "Forest.java",
          "ForestBuilder.java",
          "ForestSearcher.java",
          "MaxNormAugmentedSource.java",
          "NodeQueue.java",
          "NodeRefs.java",
          "OnHeapForest.java",
          "SplitRule.java",
          "TreeBuilder.java",
          "VectorSource.java"
        }) {
      assertTrue(expected + " not in " + names, names.contains(expected));
    }
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
