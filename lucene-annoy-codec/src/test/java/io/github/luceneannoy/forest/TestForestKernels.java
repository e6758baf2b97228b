package io.github.luceneannoy.forest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Both kernel implementations against arithmetic in doubles, over lengths around every vector
 * boundary and offsets that misalign the codes, and the choice between them. The test JVM reads
 * {@code jdk.incubator.vector} (the build's surefire argLine), so the vector implementation is
 * tested whenever the hardware gives it 256-bit vectors or wider.
 */
public class TestForestKernels extends LuceneTestCase {

  /** Whether this JVM and hardware can run the vector implementation at all. */
  private static boolean vectorUsable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        && new PanamaForestKernels().floatsPerVector() >= ForestKernels.MIN_VECTOR_FLOATS;
  }

  private static List<ForestKernels> implementations() {
    List<ForestKernels> all = new ArrayList<>();
    all.add(new ScalarForestKernels());
    if (vectorUsable()) {
      all.add(new PanamaForestKernels());
    }
    return all;
  }

  public void testTheBuildTestsTheVectorKernels() {
    assertTrue(
        "tests must run with --add-modules jdk.incubator.vector (see the pom's vector.module)",
        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
  }

  public void testDotCodesMatchesDoubleArithmetic() {
    Random random = random();
    for (ForestKernels kernels : implementations()) {
      for (int length = 0; length <= 300; length++) {
        int offset = random.nextInt(5);
        byte[] codes = new byte[offset + length + random.nextInt(3)];
        random.nextBytes(codes);
        float[] weights = new float[length + random.nextInt(3)];
        double expected = 0;
        double magnitude = 0;
        for (int i = 0; i < weights.length; i++) {
          weights[i] = (float) random.nextGaussian() * 100;
        }
        for (int i = 0; i < length; i++) {
          expected += (double) weights[i] * codes[offset + i];
          magnitude += Math.abs((double) weights[i] * codes[offset + i]);
        }
        float actual = kernels.dotCodes(weights, codes, offset, length);
        assertEquals(kernels.description() + " length " + length, expected, actual, 1e-5 * magnitude + 1e-6);
      }
    }
  }

  public void testChoice() {
    assertEquals("scalar", ForestKernels.choose(false).description());
    ForestKernels chosen = ForestKernels.choose(true);
    assertEquals(vectorUsable(), chosen instanceof PanamaForestKernels);
    boolean allowed = Boolean.parseBoolean(System.getProperty("annoy.vectorization", "true"));
    assertEquals(ForestKernels.choose(allowed).getClass(), ForestKernels.get().getClass());
  }
}
