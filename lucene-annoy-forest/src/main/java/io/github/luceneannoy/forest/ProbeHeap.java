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
package io.github.luceneannoy.forest;

import java.util.Arrays;

/**
 * A min-heap of nodes to visit, by a float key, each with its reference, its size, the first entry
 * of a leaf and the query's (estimated) squared distance to its centroid. Grows as needed; {@link
 * #clear()} keeps the arrays for the next query.
 */
final class ProbeHeap {
  private float[] keys = new float[64];
  private int[] refs = new int[64];
  private int[] sizes = new int[64];
  private int[] firstEntries = new int[64];
  private float[] distances = new float[64];
  private int size;

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  float topKey() {
    return keys[0];
  }

  int topRef() {
    return refs[0];
  }

  int topSize() {
    return sizes[0];
  }

  int topFirstEntry() {
    return firstEntries[0];
  }

  float topDistance() {
    return distances[0];
  }

  void push(float key, int ref, int nodeSize, int firstEntry, float distance) {
    if (size == keys.length) {
      int capacity = size * 2;
      keys = Arrays.copyOf(keys, capacity);
      refs = Arrays.copyOf(refs, capacity);
      sizes = Arrays.copyOf(sizes, capacity);
      firstEntries = Arrays.copyOf(firstEntries, capacity);
      distances = Arrays.copyOf(distances, capacity);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (keys[parent] <= key) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, key, ref, nodeSize, firstEntry, distance);
  }

  /** Removes the top; read it with the {@code top*} methods first. */
  void pop() {
    int last = --size;
    if (last == 0) {
      return;
    }
    float key = keys[last];
    int ref = refs[last];
    int nodeSize = sizes[last];
    int firstEntry = firstEntries[last];
    float distance = distances[last];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= last) {
        break;
      }
      if (child + 1 < last && keys[child + 1] < keys[child]) {
        child++;
      }
      if (keys[child] >= key) {
        break;
      }
      move(child, i);
      i = child;
    }
    set(i, key, ref, nodeSize, firstEntry, distance);
  }

  private void move(int from, int to) {
    keys[to] = keys[from];
    refs[to] = refs[from];
    sizes[to] = sizes[from];
    firstEntries[to] = firstEntries[from];
    distances[to] = distances[from];
  }

  private void set(int i, float key, int ref, int nodeSize, int firstEntry, float distance) {
    keys[i] = key;
    refs[i] = ref;
    sizes[i] = nodeSize;
    firstEntries[i] = firstEntry;
    distances[i] = distance;
  }
}
