package io.github.luceneannoy.forest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.lucene.search.TaskExecutor;

/**
 * Builds the trees of a forest on several threads and hands them to a writer in tree order, with
 * at most {@code window} trees claimed but not yet written at any time: the heap holds a few trees,
 * never the forest, and no thread waits for a batch's slowest tree.
 *
 * <p>Each worker claims the next tree, builds it, and writes every finished tree that is next in
 * order; a worker that would run more than {@code window} trees ahead of the writing waits. This
 * cannot deadlock: a waiting worker holds no unfinished tree, and the next tree to write was
 * claimed (trees are claimed in order) by a worker still building it, or it would have been
 * written. Workers are long-lived tasks rather than one task per tree because executors such as
 * the merge scheduler's run a task on the calling thread when no thread is free, and a task per
 * tree would then serialize most of the forest on the caller.
 */
final class OrderedTreeBuild {

  /** Builds tree {@code t}. */
  interface TreeTask {
    TreeBuilder.Tree build(int tree) throws IOException;
  }

  /** Receives finished trees in tree order, one call at a time. */
  interface TreeSink {
    void write(TreeBuilder.Tree tree) throws IOException;
  }

  private final int numTrees;
  private final int window;
  private final TreeTask task;
  private final TreeSink sink;
  private final TreeBuilder.Tree[] finished;
  private final long[] treeBytes;
  private int nextToClaim;
  private int nextToWrite;
  private boolean failed;

  OrderedTreeBuild(int numTrees, int window, TreeTask task, TreeSink sink) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    this.numTrees = numTrees;
    this.window = window;
    this.task = task;
    this.sink = sink;
    this.finished = new TreeBuilder.Tree[numTrees];
    this.treeBytes = new long[numTrees];
  }

  /**
   * Builds and writes every tree with {@code workers} tasks on {@code executor}, and returns an
   * upper bound of the heap the trees held at once: the largest sum of {@link
   * TreeBuilder.Tree#buildBytes} over {@code window} consecutive trees, since the trees claimed
   * and not yet written always lie within one such range.
   */
  long run(TaskExecutor executor, int workers) throws IOException {
    List<Callable<Void>> tasks = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      tasks.add(this::work);
    }
    executor.invokeAll(tasks);
    if (nextToWrite != numTrees) {
      throw new IllegalStateException("wrote " + nextToWrite + " of " + numTrees + " trees");
    }
    long peak = 0;
    long sum = 0;
    for (int t = 0; t < numTrees; t++) {
      sum += treeBytes[t] - (t >= window ? treeBytes[t - window] : 0);
      peak = Math.max(peak, sum);
    }
    return peak;
  }

  private Void work() throws IOException {
    while (true) {
      int tree = claim();
      if (tree < 0) {
        return null;
      }
      TreeBuilder.Tree built;
      try {
        built = task.build(tree);
      } catch (Throwable t) {
        fail();
        throw t;
      }
      finish(tree, built);
    }
  }

  /** The next tree to build, or -1 when there is none left or another worker failed. */
  private synchronized int claim() throws IOException {
    while (failed == false && nextToClaim < numTrees && nextToClaim >= nextToWrite + window) {
      try {
        wait();
      } catch (InterruptedException e) {
        failed = true;
        notifyAll();
        throw new IOException("interrupted while building trees", e);
      }
    }
    if (failed || nextToClaim >= numTrees) {
      return -1;
    }
    return nextToClaim++;
  }

  /** Stores a built tree and writes every tree that is now next in order. */
  private synchronized void finish(int tree, TreeBuilder.Tree built) throws IOException {
    finished[tree] = built;
    treeBytes[tree] = built.buildBytes();
    try {
      while (nextToWrite < numTrees && finished[nextToWrite] != null && failed == false) {
        sink.write(finished[nextToWrite]);
        finished[nextToWrite] = null;
        nextToWrite++;
      }
    } catch (Throwable t) {
      failed = true;
      throw t;
    } finally {
      notifyAll();
    }
  }

  private synchronized void fail() {
    failed = true;
    notifyAll();
  }
}
