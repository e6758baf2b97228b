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

  private static List<ForestKernels> implementations() {
    List<ForestKernels> all = new ArrayList<>();
    all.add(new ScalarForestKernels());
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
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

  public void testAddColumnsMatchesDoubleArithmetic() {
    Random random = random();
    for (ForestKernels kernels : implementations()) {
      for (int length = 0; length <= 200; length++) {
        float[][] columns = new float[4][length + random.nextInt(3)];
        float[] a = new float[4];
        for (int j = 0; j < 4; j++) {
          a[j] = (float) random.nextGaussian();
          for (int r = 0; r < columns[j].length; r++) {
            columns[j][r] = (float) random.nextGaussian();
          }
        }
        float[] out = new float[length + 2];
        for (int r = 0; r < out.length; r++) {
          out[r] = (float) random.nextGaussian();
        }
        float[] before = out.clone();
        kernels.addColumns(out, length, a[0], columns[0], a[1], columns[1], a[2], columns[2], a[3], columns[3]);
        for (int r = 0; r < out.length; r++) {
          double expected = before[r];
          if (r < length) {
            for (int j = 0; j < 4; j++) {
              expected += (double) a[j] * columns[j][r];
            }
          }
          assertEquals(kernels.description() + " row " + r + " of " + length, expected, out[r], 1e-5);
        }
      }
    }
  }

  public void testChoice() {
    assertEquals("scalar", ForestKernels.choose(false).description());
    boolean vectorUsable =
        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && new PanamaForestKernels().floatsPerVector() >= ForestKernels.MIN_VECTOR_FLOATS;
    ForestKernels chosen = ForestKernels.choose(true);
    assertEquals(vectorUsable, chosen instanceof PanamaForestKernels);
    boolean allowed = Boolean.parseBoolean(System.getProperty("annoy.vectorization", "true"));
    assertEquals(ForestKernels.choose(allowed).getClass(), ForestKernels.get().getClass());
  }
}
