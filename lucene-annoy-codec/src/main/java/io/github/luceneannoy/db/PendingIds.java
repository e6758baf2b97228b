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
package io.github.luceneannoy.db;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether each id written since the last refresh is present or deleted, because the searcher (which
 * answers for every other id) cannot see those writes yet. Together with per-id lock stripes this
 * makes "does this id exist?" exact without a global lock: the state of an id only changes while
 * its stripe is held.
 *
 * <p>An entry may be dropped only once a searcher that sees its write is in place: {@link
 * #snapshot()} before the refresh, {@link #forget(Map)} after it. Entries are compared by identity,
 * so a write made during the refresh (a new entry object) survives the forget.
 */
final class PendingIds {
  private static final int STRIPES = 64;

  /** One write's outcome; identity matters, so no equals. */
  static final class Entry {
    final boolean present;

    Entry(boolean present) {
      this.present = present;
    }
  }

  private final ConcurrentHashMap<String, Entry> pending = new ConcurrentHashMap<>();
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  PendingIds() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** The stripe number of {@code id}; locks must be taken in increasing stripe order. */
  static int stripeOf(String id) {
    return Math.floorMod(id.hashCode(), STRIPES);
  }

  ReentrantLock stripe(int stripe) {
    return stripes[stripe];
  }

  /** The state recorded for {@code id} since the last refresh, or null when there is none. */
  Entry get(String id) {
    return pending.get(id);
  }

  /** Records a write of {@code id}; call while holding its stripe, after the write. */
  void record(String id, boolean present) {
    pending.put(id, new Entry(present));
  }

  int size() {
    return pending.size();
  }

  Map<String, Entry> snapshot() {
    return new HashMap<>(pending);
  }

  /** Drops the entries of {@code snapshot} that no write has replaced since. */
  void forget(Map<String, Entry> snapshot) {
    snapshot.forEach(pending::remove);
  }
}
