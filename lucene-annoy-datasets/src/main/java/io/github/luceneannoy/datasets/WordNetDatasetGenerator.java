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

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the {@code wordnet-minilm} data set: WordNet glosses split into held-apart queries and a
 * base, embedded by a sentence model, with exact cosine ground truth, written as TEXMEX files. Does
 * nothing when matching output is already there.
 */
public final class WordNetDatasetGenerator {
  /** The data set's name, also its command's. */
  public static final String NAME = "wordnet-minilm";

  public static final String BASE_FVECS = "base.fvecs";
  public static final String QUERIES_FVECS = "queries.fvecs";
  public static final String TRUTH_IVECS = "truth.ivecs";
  public static final String BASE_TXT = "base.txt";
  public static final String QUERIES_TXT = "queries.txt";

  /**
   * Each base text's part of speech ({@link WordNetGlosses#PARTS_OF_SPEECH}), one per line in base
   * order: class labels for filters that follow the data.
   */
  public static final String BASE_LABELS = "base.labels";

  public static final String INFO_TXT = "info.txt";

  static final String SOURCE_PACKAGE = "wordnet-base";

  private final DatasetSettings settings;
  private final EmbeddingModelSpec model;
  private final PrintStream log;

  public WordNetDatasetGenerator(
      DatasetSettings settings, EmbeddingModelSpec model, PrintStream log) {
    this.settings = settings;
    this.model = model;
    this.log = log;
  }

  /** Generates the data set unless it is already there; true if files were written. */
  public boolean generate() throws IOException, InterruptedException {
    Path out = settings.outDir();
    Map<String, String> identity = identity();
    if (settings.force() == false && isComplete(out, identity)) {
      if (hasLabels(out)) {
        log.println(
            NAME
                + ": "
                + out
                + " already holds this data set ("
                + settings.queryCount()
                + " queries, "
                + settings.baseSize()
                + " base vectors); nothing to do");
        return false;
      }
      // made before the labels were: they follow from the base texts, nothing is embedded again
      writeLabels(out, Files.readAllLines(out.resolve(BASE_TXT), StandardCharsets.UTF_8));
      log.println(NAME + ": " + out + " holds this data set; wrote its missing " + BASE_LABELS);
      return true;
    }
    long start = System.nanoTime();
    List<String> glosses = readGlosses();
    GlossSplit split =
        GlossSplit.of(
            glosses,
            settings.minWords(),
            settings.seed(),
            settings.queryCount(),
            settings.baseSize());
    log.printf(
        Locale.ROOT,
        "%s: %,d glosses read, %,d distinct with at least %d words; %,d queries, %,d base%n",
        NAME,
        glosses.size(),
        split.uniqueTexts(),
        settings.minWords(),
        settings.queryCount(),
        settings.baseSize());
    Files.createDirectories(out);
    // Without info.txt the directory never passes for complete, so an interrupted run is redone.
    Files.deleteIfExists(out.resolve(INFO_TXT));

    float[][] queries;
    float[][] base;
    double embedSeconds;
    double vectorsPerSecond;
    log.println(NAME + ": loading " + model.modelName() + " on " + settings.threads() + " threads");
    try (TextEmbedder embedder = model.open(settings.threads())) {
      ProgressMeter meter =
          new ProgressMeter("embedding", (long) settings.queryCount() + settings.baseSize(), log);
      queries = embedInBatches(embedder, split.queries(), meter);
      base = embedInBatches(embedder, split.base(), meter);
      embedSeconds = meter.elapsedSeconds();
      vectorsPerSecond = meter.rate();
    }
    NormRange norms = NormRange.of(queries, base);
    log.printf(
        Locale.ROOT,
        "%s: vector norms in [%.7f, %.7f]: %s%n",
        NAME,
        norms.min(),
        norms.max(),
        norms.isUnit() ? "unit length" : "NOT unit length");

    log.printf(
        Locale.ROOT,
        "%s: exact top-%d by cosine for %,d queries over %,d base vectors...%n",
        NAME,
        settings.k(),
        queries.length,
        base.length);
    long truthStart = System.nanoTime();
    int[][] truth = ExactNeighbors.topK(base, queries, settings.k(), settings.threads());
    double truthSeconds = (System.nanoTime() - truthStart) / 1e9;
    log.printf(Locale.ROOT, "%s: ground truth in %.1f s%n", NAME, truthSeconds);

    writeAtomically(out.resolve(QUERIES_TXT), tmp -> writeLines(tmp, split.queries()));
    writeAtomically(out.resolve(BASE_TXT), tmp -> writeLines(tmp, split.base()));
    writeLabels(out, split.base());
    writeAtomically(out.resolve(QUERIES_FVECS), tmp -> TexmexFiles.writeFvecs(tmp, queries));
    writeAtomically(out.resolve(BASE_FVECS), tmp -> TexmexFiles.writeFvecs(tmp, base));
    writeAtomically(out.resolve(TRUTH_IVECS), tmp -> TexmexFiles.writeIvecs(tmp, truth));

    double totalSeconds = (System.nanoTime() - start) / 1e9;
    DatasetInfo info =
        DatasetInfo.builder()
            .put("name", NAME)
            .put(
                "source",
                "WordNet 3.0 glosses (Princeton University), Debian package " + SOURCE_PACKAGE)
            .put("source.package", SOURCE_PACKAGE)
            .put("source.version", DebianPackages.installedVersion(SOURCE_PACKAGE))
            .put(
                "source.files",
                settings.wordnetDir() + "/{" + String.join(",", WordNetGlosses.DATA_FILES) + "}")
            .put("source.glosses", glosses.size())
            .put("source.glosses.distinct", split.uniqueTexts())
            .putAll(identity)
            .put("similarity", "COSINE")
            .put("unit.length", norms.isUnit())
            .put("norm.min", String.format(Locale.ROOT, "%.7f", norms.min()))
            .put("norm.max", String.format(Locale.ROOT, "%.7f", norms.max()))
            .put(
                "files",
                String.join(
                    " ",
                    BASE_FVECS,
                    QUERIES_FVECS,
                    TRUTH_IVECS,
                    BASE_TXT,
                    QUERIES_TXT,
                    BASE_LABELS))
            .put("generated", Instant.now().truncatedTo(ChronoUnit.SECONDS))
            .put("threads", settings.threads())
            .put("embedding.seconds", String.format(Locale.ROOT, "%.1f", embedSeconds))
            .put(
                "embedding.vectors.per.second",
                String.format(Locale.ROOT, "%.1f", vectorsPerSecond))
            .put("truth.seconds", String.format(Locale.ROOT, "%.1f", truthSeconds))
            .put("total.seconds", String.format(Locale.ROOT, "%.1f", totalSeconds))
            .build();
    writeAtomically(
        out.resolve(INFO_TXT),
        tmp -> info.write(tmp, NAME + " data set, made by lucene-annoy-datasets"));

    log.printf(
        Locale.ROOT,
        "%s: wrote %s in %.1f s (embedding %.1f s at %.1f vectors/s, ground truth %.1f s)%n",
        NAME,
        out,
        totalSeconds,
        embedSeconds,
        vectorsPerSecond,
        truthSeconds);
    reportFirstQuery(split, queries[0], base, truth[0]);
    return true;
  }

  /**
   * The entries that say which data set a directory holds: output made with other values is
   * regenerated. The source package's version is left out, as the glosses of WordNet 3.0 do not
   * change with Debian's packaging.
   */
  Map<String, String> identity() {
    Map<String, String> identity = new LinkedHashMap<>();
    identity.put("model", model.modelName());
    identity.put("dimension", Integer.toString(model.dimension()));
    identity.put("seed", Long.toString(settings.seed()));
    identity.put("min.words", Integer.toString(settings.minWords()));
    identity.put("queries", Integer.toString(settings.queryCount()));
    identity.put("base", Integer.toString(settings.baseSize()));
    identity.put("truth.k", Integer.toString(settings.k()));
    return identity;
  }

  private boolean isComplete(Path out, Map<String, String> identity) throws IOException {
    Path infoFile = out.resolve(INFO_TXT);
    if (Files.isRegularFile(infoFile) == false
        || DatasetInfo.read(infoFile).agreesWith(identity) == false) {
      return false;
    }
    int dim = model.dimension();
    return hasSize(out.resolve(BASE_FVECS), TexmexFiles.fileSize(settings.baseSize(), dim))
        && hasSize(out.resolve(QUERIES_FVECS), TexmexFiles.fileSize(settings.queryCount(), dim))
        && hasSize(
            out.resolve(TRUTH_IVECS), TexmexFiles.fileSize(settings.queryCount(), settings.k()))
        && Files.isRegularFile(out.resolve(BASE_TXT))
        && Files.isRegularFile(out.resolve(QUERIES_TXT));
  }

  /** Whether the labels are there, one per base text. */
  private boolean hasLabels(Path out) throws IOException {
    Path labels = out.resolve(BASE_LABELS);
    if (Files.isRegularFile(labels) == false) {
      return false;
    }
    try (var lines = Files.lines(labels, StandardCharsets.UTF_8)) {
      return lines.count() == settings.baseSize();
    }
  }

  /** Writes {@link #BASE_LABELS}: the part of speech of each of {@code baseTexts}. */
  private void writeLabels(Path out, List<String> baseTexts) throws IOException {
    Map<String, String> parts;
    try {
      parts = WordNetGlosses.partsOfSpeech(settings.wordnetDir());
    } catch (NoSuchFileException e) {
      throw withInstallHint(e);
    }
    List<String> labels = new ArrayList<>(baseTexts.size());
    for (int i = 0; i < baseTexts.size(); i++) {
      String part = parts.get(baseTexts.get(i));
      if (part == null) {
        throw new IOException(
            out.resolve(BASE_TXT)
                + " line "
                + (i + 1)
                + " is no gloss of the WordNet data files under "
                + settings.wordnetDir()
                + ": \""
                + baseTexts.get(i)
                + "\"");
      }
      labels.add(part);
    }
    writeAtomically(out.resolve(BASE_LABELS), tmp -> writeLines(tmp, labels));
  }

  private static boolean hasSize(Path file, long size) throws IOException {
    return Files.isRegularFile(file) && Files.size(file) == size;
  }

  private List<String> readGlosses() throws IOException {
    try {
      return WordNetGlosses.readAll(settings.wordnetDir());
    } catch (NoSuchFileException e) {
      throw withInstallHint(e);
    }
  }

  private static NoSuchFileException withInstallHint(NoSuchFileException e) {
    return new NoSuchFileException(
        e.getFile(),
        null,
        "WordNet data file missing; on Debian: apt-get install " + SOURCE_PACKAGE);
  }

  private float[][] embedInBatches(TextEmbedder embedder, List<String> texts, ProgressMeter meter) {
    float[][] vectors = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += settings.batchSize()) {
      int to = Math.min(texts.size(), from + settings.batchSize());
      float[][] batch = embedder.embed(texts.subList(from, to));
      for (float[] v : batch) {
        if (v.length != model.dimension()) {
          throw new IllegalStateException(
              "model returned dimension " + v.length + ", expected " + model.dimension());
        }
      }
      System.arraycopy(batch, 0, vectors, from, batch.length);
      meter.advance(batch.length);
    }
    return vectors;
  }

  private void reportFirstQuery(GlossSplit split, float[] query, float[][] base, int[] neighbours) {
    log.println(NAME + ": query 0: " + split.queries().get(0));
    for (int rank : new int[] {1, 10}) {
      if (rank <= neighbours.length) {
        int id = neighbours[rank - 1];
        log.printf(
            Locale.ROOT,
            "%s:   neighbour %d (base id %d, cosine %.4f): %s%n",
            NAME,
            rank,
            id,
            ExactNeighbors.cosine(query, base[id]),
            split.base().get(id));
      }
    }
  }

  /** Writes one output file. */
  @FunctionalInterface
  private interface FileWriter {
    void write(Path file) throws IOException;
  }

  /**
   * Writes next to the target, then renames, so a reader never sees half a file under the real
   * name.
   */
  private static void writeAtomically(Path target, FileWriter writer) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    writer.write(tmp);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One text per line, '\n' on every platform; the texts hold no line breaks after cleaning. */
  static void writeLines(Path file, List<String> lines) throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (String line : lines) {
        writer.write(line);
        writer.write('\n');
      }
    }
  }
}
