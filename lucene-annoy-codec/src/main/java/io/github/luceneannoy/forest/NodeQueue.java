package io.github.luceneannoy.forest;

import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.NumericUtils;

/**
 * A max-heap of (priority, node reference) pairs packed into longs: the priority's sortable int
 * bits in the high half, the reference in the low half, so comparing longs compares priorities.
 * Reused across queries by {@link #clear()}; it never allocates once grown.
 */
final class NodeQueue {
  private long[] heap = new long[64];
  private int size;

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  void push(float priority, int ref) {
    long packed = pack(priority, ref);
    if (size == heap.length) {
      heap = ArrayUtil.grow(heap, size + 1);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] >= packed) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = packed;
  }

  /** Priority of the top element; the queue must not be empty. */
  float topPriority() {
    return priorityOf(heap[0]);
  }

  /** Removes the top element and returns it packed; decode with the static helpers. */
  long pop() {
    long top = heap[0];
    siftDown(heap[--size]);
    return top;
  }

  /**
   * Removes the top element, returned packed, and adds ({@code priority}, {@code ref}) in its
   * place: one pass down the heap, where a push and a pop take one up and one down.
   */
  long replaceTop(float priority, int ref) {
    long top = heap[0];
    siftDown(pack(priority, ref));
    return top;
  }

  private static long pack(float priority, int ref) {
    return ((long) NumericUtils.floatToSortableInt(priority) << 32) | (ref & 0xFFFFFFFFL);
  }

  /** Puts {@code last} where the root was, then moves it down to its place. */
  private void siftDown(long last) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right] > heap[child]) {
        child = right;
      }
      if (last >= heap[child]) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }

  static float priorityOf(long packed) {
    return NumericUtils.sortableIntToFloat((int) (packed >> 32));
  }

  static int refOf(long packed) {
    return (int) packed;
  }
}
