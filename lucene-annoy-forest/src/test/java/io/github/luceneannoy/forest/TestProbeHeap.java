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

import java.util.PriorityQueue;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

public class TestProbeHeap extends LuceneTestCase {

  /** What was pushed: the key and the payload that must come out with it. */
  private record Pushed(float key, int ref, int size, int firstEntry, float distance) {}

  /**
   * Against a priority queue: the smallest key comes out first with its own payload, through pushes
   * and pops mixed at random (slots given back and taken again), growth past the initial arrays,
   * and {@link ProbeHeap#clear()} between rounds; negative keys, zero, infinity.
   */
  public void testPopsInKeyOrderWithPayloads() {
    Random random = random();
    ProbeHeap heap = new ProbeHeap();
    for (int round = 0; round < atLeast(20); round++) {
      heap.clear();
      PriorityQueue<Pushed> expected = new PriorityQueue<>((a, b) -> Float.compare(a.key, b.key));
      java.util.Set<Float> keys = new java.util.HashSet<>();
      int operations = random.nextInt(2000);
      for (int op = 0; op < operations; op++) {
        if (expected.isEmpty() || random.nextInt(3) > 0) {
          float key;
          do {
            key =
                switch (random.nextInt(10)) {
                  case 0 -> 0f;
                  case 1 -> Float.POSITIVE_INFINITY;
                  default -> (float) random.nextGaussian() * 100;
                };
          } while (keys.add(key) == false);
          Pushed p =
              new Pushed(key, random.nextInt(), random.nextInt(1000), random.nextInt(), Float.NaN);
          if (random.nextBoolean()) {
            p = new Pushed(key, p.ref, p.size, p.firstEntry, random.nextFloat());
          }
          heap.push(p.key, p.ref, p.size, p.firstEntry, p.distance);
          expected.add(p);
        } else {
          Pushed top = expected.poll();
          keys.remove(top.key);
          assertTop(heap, top);
          heap.pop();
        }
        assertEquals(expected.size(), heap.size());
      }
      while (expected.isEmpty() == false) {
        assertTop(heap, expected.poll());
        heap.pop();
      }
      assertEquals(0, heap.size());
    }
  }

  private static void assertTop(ProbeHeap heap, Pushed top) {
    assertEquals(Float.floatToIntBits(top.key), Float.floatToIntBits(heap.topKey()));
    assertEquals(top.ref, heap.topRef());
    assertEquals(top.size, heap.topSize());
    assertEquals(top.firstEntry, heap.topFirstEntry());
    assertEquals(Float.floatToIntBits(top.distance), Float.floatToIntBits(heap.topDistance()));
  }

  /** Equal keys all come out, each with its own payload, before any larger key. */
  public void testEqualKeys() {
    ProbeHeap heap = new ProbeHeap();
    int n = 1 + random().nextInt(300);
    for (int i = 0; i < n; i++) {
      heap.push(i % 2 == 0 ? 1f : 0f, i, i, i, i);
    }
    java.util.BitSet seen = new java.util.BitSet();
    for (int i = 0; i < n; i++) {
      float key = heap.topKey();
      int ref = heap.topRef();
      assertEquals(i < n / 2 ? 0f : 1f, key, 0f);
      assertEquals(ref % 2 == 0 ? 1f : 0f, key, 0f);
      assertEquals(ref, heap.topSize());
      assertEquals((float) ref, heap.topDistance(), 0f);
      assertFalse(seen.get(ref));
      seen.set(ref);
      heap.pop();
    }
    assertEquals(n, seen.cardinality());
  }
}
