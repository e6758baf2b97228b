package io.github.luceneannoy.forest;

import org.apache.lucene.util.ArrayUtil;

/**
 * The candidates a query gathered from the leaves it visited, with how many trees put each one in
 * a visited leaf (its votes), in the order they were first seen. An open-addressing hash set of
 * ordinals sized to the candidates, not to the segment, so a query allocates in proportion to its
 * budget whatever the number of vectors.
 */
final class CandidateVotes {
  private int[] slots; // ordinal + 1 per slot, 0 when empty
  private int[] slotIndex; // index into ords/votes of the ordinal in the slot
  private int mask;
  private int[] ords;
  private int[] votes;
  private int size;

  CandidateVotes(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    slots = new int[capacity];
    slotIndex = new int[capacity];
    mask = capacity - 1;
    ords = new int[Math.max(16, expected)];
    votes = new int[ords.length];
  }

  int size() {
    return size;
  }

  /** Records one more vote for {@code ord}. */
  void add(int ord) {
    int slot = hash(ord) & mask;
    while (true) {
      int key = slots[slot];
      if (key == 0) {
        break;
      }
      if (key == ord + 1) {
        votes[slotIndex[slot]]++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    slots[slot] = ord + 1;
    slotIndex[slot] = size;
    if (size == ords.length) {
      ords = ArrayUtil.grow(ords, size + 1);
      votes = ArrayUtil.growExact(votes, ords.length);
    }
    ords[size] = ord;
    votes[size] = 1;
    size++;
    if (size * 2 > slots.length) {
      rehash();
    }
  }

  /**
   * The candidates by decreasing votes, ties in the order first seen (a counting sort: votes are
   * at most the number of trees).
   */
  int[] byVotes() {
    int maxVotes = 0;
    for (int i = 0; i < size; i++) {
      maxVotes = Math.max(maxVotes, votes[i]);
    }
    int[] start = new int[maxVotes + 2];
    for (int i = 0; i < size; i++) {
      start[maxVotes - votes[i] + 1]++;
    }
    for (int v = 1; v < start.length; v++) {
      start[v] += start[v - 1];
    }
    int[] sorted = new int[size];
    for (int i = 0; i < size; i++) {
      sorted[start[maxVotes - votes[i]]++] = ords[i];
    }
    return sorted;
  }

  private void rehash() {
    int capacity = slots.length * 2;
    slots = new int[capacity];
    slotIndex = new int[capacity];
    mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      int slot = hash(ords[i]) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = ords[i] + 1;
      slotIndex[slot] = i;
    }
  }

  private static int hash(int ord) {
    int h = ord * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
