package io.github.luceneannoy.examples;

/** A command line that cannot be understood; {@link Main} prints the message and the usage. */
final class UsageException extends Exception {

  UsageException(String message) {
    super(message);
  }
}
