package io.github.luceneannoy.examples;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Options given as {@code --name value} pairs. Only the names a command declares are accepted, so a
 * typo fails loudly instead of silently running with a default.
 */
final class Flags {
  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  /** Parses {@code args}, accepting only the options in {@code names} (without the dashes). */
  static Flags parse(String[] args, String... names) throws UsageException {
    Set<String> known = Set.of(names);
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--") == false) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      if (known.contains(name) == false) {
        throw new UsageException("unknown option " + arg);
      }
      if (i + 1 == args.length) {
        throw new UsageException(arg + " needs a value");
      }
      if (values.put(name, args[++i]) != null) {
        throw new UsageException(arg + " is given twice");
      }
    }
    return new Flags(values);
  }

  int intValue(String name, int defaultValue, int min, int max) throws UsageException {
    long value = longValue(name, defaultValue);
    if (value < min || value > max) {
      throw new UsageException(
          "--" + name + " must be between " + min + " and " + max + ", got " + value);
    }
    return (int) value;
  }

  long longValue(String name, long defaultValue) throws UsageException {
    String text = values.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " needs a whole number, got '" + text + "'");
    }
  }

  /** The text given for {@code name}, or {@code defaultValue} when the option is absent. */
  String stringValue(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  /** A comma-separated list of positive whole numbers, such as a budget sweep. */
  int[] intList(String name, String defaultValue) throws UsageException {
    String text = values.getOrDefault(name, defaultValue);
    String[] parts = text.split(",");
    int[] list = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        list[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " needs comma-separated whole numbers, got '" + text + "'");
      }
      if (list[i] < 1) {
        throw new UsageException("--" + name + " values must be >= 1, got " + list[i]);
      }
    }
    return list;
  }

  /** The path given for {@code name}, or null when the option is absent. */
  Path pathValue(String name) {
    String text = values.get(name);
    return text == null ? null : Path.of(text);
  }
}
