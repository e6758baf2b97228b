package io.github.luceneannoy.forest;

import java.lang.management.ManagementFactory;
import java.util.logging.Logger;

/**
 * The loop a query spends most of its own time in: byte codes (sketches, split normals) against
 * float weights. (The query's projection, a sum of scaled columns, C2 vectorizes by itself.) Two
 * implementations: {@link ScalarForestKernels} everywhere, and {@link PanamaForestKernels} with the JDK's vector API, which
 * Java 17 and later ship as the incubator module {@code jdk.incubator.vector}, readable when the JVM
 * is started with {@code --add-modules jdk.incubator.vector} (the flag Lucene asks for on Java 21
 * and later). Lucene 9.12 uses that module only from Java 20 on; the forest's loops use it from
 * Java 17 on.
 *
 * <p>The implementation is chosen once per JVM ({@link #get()}): the vector one when the module is
 * readable, the C2 compiler is on, the preferred vector holds at least 8 floats, a self-check
 * agrees with the scalar one and the system property {@code annoy.vectorization} is not {@code
 * false}; otherwise the scalar one. Results differ between the two only by float rounding.
 */
public abstract class ForestKernels {
  private static final Logger LOG = Logger.getLogger(ForestKernels.class.getName());

  /**
   * Fewest float lanes the vector implementation takes: it widens as many bytes as there are float
   * lanes, and the smallest byte vector holds 8 (64 bits), so 256-bit registers at least.
   */
  static final int MIN_VECTOR_FLOATS = 8;

  ForestKernels() {}

  /**
   * Holds the choice apart from this class's own initialization, which a subclass's triggers: the
   * choice loads the vector subclass, and must not run while that subclass is half initialized.
   */
  private static final class Chosen {
    static final ForestKernels INSTANCE = choose(vectorizationAllowed());
  }

  /** The kernels of this JVM. */
  public static ForestKernels get() {
    return Chosen.INSTANCE;
  }

  /** What the kernels use, for logs and benchmark reports. */
  public abstract String description();

  /**
   * {@code Σ weights[i] · codes[offset + i]} over {@code i < length}, each code read as a signed
   * byte.
   */
  public abstract float dotCodes(float[] weights, byte[] codes, int offset, int length);

  /**
   * The vector implementation if {@code allowed} and usable here, else the scalar one; logs the
   * choice at level FINE.
   */
  static ForestKernels choose(boolean allowed) {
    ForestKernels scalar = new ScalarForestKernels();
    String reason = allowed ? vectorUnavailableReason() : "annoy.vectorization=false";
    if (reason == null) {
      try {
        // by name: the class links against jdk.incubator.vector, which may not be readable
        PanamaForestKernels vector =
            (PanamaForestKernels)
                Class.forName(ForestKernels.class.getPackageName() + ".PanamaForestKernels")
                    .getDeclaredConstructor()
                    .newInstance();
        if (vector.floatsPerVector() < MIN_VECTOR_FLOATS) {
          reason = "the preferred vector holds " + vector.floatsPerVector() + " floats";
        } else if (agree(scalar, vector) == false) {
          reason = "its results differ from scalar code";
        } else {
          LOG.fine("forest kernels: " + vector.description());
          return vector;
        }
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        reason = "it failed to load: " + e;
      }
    }
    LOG.fine("forest kernels: scalar, vector API not used: " + reason);
    return scalar;
  }

  private static boolean vectorizationAllowed() {
    try {
      return Boolean.parseBoolean(System.getProperty("annoy.vectorization", "true"));
    } catch (SecurityException e) {
      return true;
    }
  }

  /** Null when the vector implementation may be tried, else why not. */
  private static String vectorUnavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "module jdk.incubator.vector not readable (start the JVM with --add-modules jdk.incubator.vector)";
    }
    if (c1Only()) {
      // without C2 the vector API is interpreted object by object: far slower than scalar code
      return "the C2 compiler is off";
    }
    return null;
  }

  private static boolean c1Only() {
    try {
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("-XX:TieredStopAtLevel=") && arg.equals("-XX:TieredStopAtLevel=4") == false) {
          return true;
        }
        if (arg.equals("-Xint")) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** A check on a few lengths around vector boundaries, so that a broken vector path is never used. */
  private static boolean agree(ForestKernels a, ForestKernels b) {
    for (int length : new int[] {1, 7, 16, 33, 128}) {
      float[] weights = new float[length];
      byte[] codes = new byte[length + 3];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (byte) (i * 37 - 100);
      }
      for (int i = 0; i < length; i++) {
        weights[i] = (i % 5) - 2.5f;
      }
      // small integers times halves: both sums are exact, whatever the order of additions
      if (a.dotCodes(weights, codes, 3, length) != b.dotCodes(weights, codes, 3, length)) {
        return false;
      }
    }
    return true;
  }
}
