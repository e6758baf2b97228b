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
package io.github.luceneannoy.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks up an installed Debian package's version in dpkg's status file, without running dpkg. */
public final class DebianPackages {
  static final Path DPKG_STATUS = Path.of("/var/lib/dpkg/status");

  private DebianPackages() {}

  /** The installed version of {@code name}, or "unknown" if dpkg does not list it as installed. */
  public static String installedVersion(String name) {
    if (Files.isReadable(DPKG_STATUS) == false) {
      return "unknown";
    }
    try {
      return versionIn(Files.readString(DPKG_STATUS, StandardCharsets.UTF_8), name);
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * The version of installed package {@code name} in dpkg status text (blank-line separated
   * stanzas).
   */
  static String versionIn(String status, String name) throws IOException {
    String packageName = null;
    String version = null;
    boolean installed = false;
    try (BufferedReader reader = new BufferedReader(new StringReader(status))) {
      for (String line = reader.readLine(); ; line = reader.readLine()) {
        if (line == null || line.isBlank()) {
          if (name.equals(packageName) && installed && version != null) {
            return version;
          }
          if (line == null) {
            return "unknown";
          }
          packageName = null;
          version = null;
          installed = false;
        } else if (line.startsWith("Package: ")) {
          packageName = line.substring("Package: ".length()).trim();
        } else if (line.startsWith("Version: ")) {
          version = line.substring("Version: ".length()).trim();
        } else if (line.startsWith("Status: ")) {
          installed = line.endsWith(" installed");
        }
      }
    }
  }
}
