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
package io.github.luceneannoy.examples.bench;

import java.util.List;
import java.util.Map;

/**
 * What one format's run of the scale benchmark measured, in its own JVM; passed from the child JVM
 * to the parent as one line of JSON.
 *
 * @param format the format's label ("annoy", "hnsw")
 * @param description the format's parameters
 * @param vectors vectors indexed
 * @param dimension their dimension
 * @param maxHeapBytes the child JVM's heap limit ({@code Runtime.maxMemory()})
 * @param jvm the Java runtime's name and version
 * @param indexSeconds adding every vector and committing, one indexing thread
 * @param mergeSeconds {@code forceMerge(1)} and commit
 * @param segmentsBeforeMerge segments the indexing left
 * @param index memory while indexing
 * @param merge memory while merging
 * @param search memory while searching
 * @param bytesByExtension the merged index's bytes per file extension
 * @param points recall and speed per search budget
 */
public record ScaleResult(
    String format,
    String description,
    int vectors,
    int dimension,
    long maxHeapBytes,
    String jvm,
    double indexSeconds,
    double mergeSeconds,
    int segmentsBeforeMerge,
    MemoryWatch.Figures index,
    MemoryWatch.Figures merge,
    MemoryWatch.Figures search,
    Map<String, Long> bytesByExtension,
    List<Point> points) {

  /** Recall@k and queries per second at one budget. */
  public record Point(int budget, double recall, double qpsSingle, double qpsMulti, int threads) {}

  long totalBytes() {
    return bytesByExtension.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The largest of a figure over the three phases. */
  long max(java.util.function.ToLongFunction<MemoryWatch.Figures> figure) {
    return Math.max(
        figure.applyAsLong(index), Math.max(figure.applyAsLong(merge), figure.applyAsLong(search)));
  }
}
