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
package io.github.luceneannoy.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.lucene.util.IOUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code demo} command: the Fashion-MNIST hybrid search example. */
@Command(
    name = "demo",
    aliases = "hybrid-demo",
    mixinStandardHelpOptions = true,
    description = {
      "Index Fashion-MNIST (Debian package dataset-fashion-mnist) with each image's class as"
          + " keyword and text, show the nearest images that are sneakers or sandals, measure"
          + " recall against exact filtered search, and re-rank a text query by vector similarity."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "the Fashion-MNIST files (default: ${DEFAULT-VALUE})")
  Path data = FashionMnist.DEFAULT_DIRECTORY;

  @Option(
      names = "--train",
      paramLabel = "N",
      description = "training images to index (default: all 60,000)")
  int train = 60_000;

  @Option(
      names = "--queries",
      paramLabel = "Q",
      description = "test images to query with (default: ${DEFAULT-VALUE})")
  int queries = 100;

  @Option(
      names = {"-k", "--k"},
      paramLabel = "K",
      description = "hits per query (default: ${DEFAULT-VALUE})")
  int k = 10;

  @Option(
      names = "--candidates",
      paramLabel = "C",
      description =
          "a larger search budget, candidates gathered per hit, measured besides each segment's calibrated default (default: ${DEFAULT-VALUE})")
  int candidates = 320;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description = "keep the index in DIR (a new directory) instead of a temporary one")
  Path index;

  private final PrintStream out;
  private final PrintStream err;

  DemoCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    if (train < 1 || queries < 1 || k < 1 || candidates < 1) {
      throw new IllegalArgumentException(
          "--train, --queries, -k and --candidates must be at least 1");
    }
    boolean temporary = index == null;
    Path path = temporary ? Files.createTempDirectory("annoy-demo-") : index;
    try {
      new FashionMnistDemo(
              new FashionMnistDemo.Options(data, train, queries, k, candidates), out, err)
          .run(path);
    } finally {
      if (temporary) {
        IOUtils.rm(path);
      }
    }
    return Main.OK;
  }
}
