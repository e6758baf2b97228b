package io.github.luceneannoy.reliability;

/**
 * Sizes of the reliability tests: short in {@code mvn test}, long under {@code mvn test -Psoak},
 * which sets the system property {@code tests.soak=true}.
 */
final class Soak {
  private Soak() {}

  static boolean enabled() {
    return Boolean.getBoolean("tests.soak");
  }

  /** {@code normal} in an ordinary run, {@code soak} in the soak profile. */
  static int pick(int normal, int soak) {
    return enabled() ? soak : normal;
  }
}
