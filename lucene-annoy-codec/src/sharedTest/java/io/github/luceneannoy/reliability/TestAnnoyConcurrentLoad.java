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
package io.github.luceneannoy.reliability;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.LuceneLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.NoLockFactory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.Bits;

/**
 * Concurrency under load at the Lucene level, with the default {@code AnnoyVectorsFormat}: writers
 * add, update and delete documents while searchers run filtered and unfiltered k-NN queries on
 * near-real-time readers that another thread keeps refreshing and committing, and merges (each
 * building and calibrating a forest) run in the background. Every hit must be a live document of
 * the reader it came from, appear once, match the filter and carry the exact score of its vector;
 * at the end the committed index must be clean, hold exactly what the writers wrote, and its
 * default-budget searches must reach the format's target recall against brute force.
 */
public class TestAnnoyConcurrentLoad extends LuceneTestCase {
  private static final int DIM = 32;
  private static final int WRITERS = 2;
  private static final int SEARCHERS = 2;

  /** Searches each searcher runs at least, and refreshes the refresher makes at least. */
  private static final int MIN_SEARCHES = 20;

  private static final int MIN_REFRESHES = 5;
  private static final int K = 10;
  private static final String ID = "id";
  private static final String COLOUR = "colour";
  private static final String VECTOR = "vec";
  private static final String[] COLOURS = {"red", "green", "blue"};

  /**
   * Recall@10 that default-budget searches must reach. Each segment's budget is calibrated so that
   * queries like its own vectors reach the default target, 0.95; these queries are perturbed
   * vectors over several segments, and 100 of them measure recall to about ±0.01, so the bar sits a
   * little below the target.
   */
  private static final double MIN_RECALL = 0.9;

  private int docs;
  private float[][] vectors;
  // per id, written only by the id's owner thread, read after join: the model of the index
  private String[] colour; // null when deleted
  private final Map<String, LongAdder> ops = new TreeMap<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger writersRunning = new AtomicInteger(WRITERS);
  private volatile boolean failed;

  private LongAdder counter(String kind) {
    synchronized (ops) {
      return ops.computeIfAbsent(kind, k -> new LongAdder());
    }
  }

  private Document doc(int id, String c) {
    Document doc = new Document();
    doc.add(new StringField(ID, Integer.toString(id), Field.Store.YES));
    doc.add(new StringField(COLOUR, c, Field.Store.YES));
    doc.add(new KnnFloatVectorField(VECTOR, vectors[id], VectorSimilarityFunction.EUCLIDEAN));
    return doc;
  }

  public void testLoadKeepsResultsLiveFilteredAndComplete() throws Exception {
    docs = Soak.pick(3000, 10000);
    int opsPerWriter = Soak.pick(3000, 100_000);
    Random random = random();
    vectors = clustered(random, docs, DIM, 24, 0.35f);
    colour = new String[docs];
    try (Directory dir = newDirectory()) {
      TieredMergePolicy mergePolicy = new TieredMergePolicy();
      mergePolicy.setSegmentsPerTier(3); // merge often, so forests are rebuilt under load
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(new AnnoyCodec()) // default parameters: the recall bar is the default one
              .setMaxBufferedDocs(docs + 1) // the initial load is one segment, one forest
              .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH)
              .setMergePolicy(mergePolicy)
              .setMergeScheduler(new ConcurrentMergeScheduler());
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int id = 0; id < docs; id++) {
          colour[id] = COLOURS[random.nextInt(COLOURS.length)];
          writer.addDocument(doc(id, colour[id]));
        }
        writer.commit();
        // under load, flush small segments often, so that merges rebuild forests all the time
        writer.getConfig().setMaxBufferedDocs(500);
        SearcherManager manager = new SearcherManager(writer, null);
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int w = 0; w < WRITERS; w++) {
          int owner = w;
          long seed = random.nextLong();
          threads.add(
              worker(
                  start,
                  () -> {
                    try {
                      write(writer, owner, opsPerWriter, new Random(seed));
                    } finally {
                      writersRunning.decrementAndGet();
                    }
                  }));
        }
        for (int s = 0; s < SEARCHERS; s++) {
          long seed = random.nextLong();
          threads.add(worker(start, () -> search(manager, new Random(seed))));
        }
        threads.add(worker(start, () -> refreshAndCommit(writer, manager)));
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
          t.join();
        }
        if (failures.isEmpty() == false) {
          AssertionError e = new AssertionError(failures.size() + " failures under load");
          failures.forEach(e::addSuppressed);
          throw e;
        }
        manager.close();
        writer.commit();
        checkCommitted(dir, random);
      }
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private Thread worker(CountDownLatch start, Work work) {
    return new Thread(
        () -> {
          try {
            start.await();
            work.run();
          } catch (Throwable t) {
            failures.add(t);
            failed = true;
          }
        });
  }

  private boolean writing() {
    return writersRunning.get() > 0 && failed == false;
  }

  /** Updates (new colour), deletes and re-adds the ids this writer owns. */
  private void write(IndexWriter writer, int owner, int operations, Random random)
      throws IOException {
    for (int op = 0; op < operations && failed == false; op++) {
      int id = random.nextInt(docs / WRITERS) * WRITERS + owner;
      Term term = new Term(ID, Integer.toString(id));
      if (colour[id] == null) {
        colour[id] = COLOURS[random.nextInt(COLOURS.length)];
        writer.addDocument(doc(id, colour[id]));
        counter("add").increment();
      } else if (random.nextInt(4) == 0) {
        writer.deleteDocuments(term);
        colour[id] = null;
        counter("delete").increment();
      } else {
        colour[id] = COLOURS[random.nextInt(COLOURS.length)];
        writer.updateDocument(term, doc(id, colour[id]));
        counter("update").increment();
      }
    }
  }

  private void refreshAndCommit(IndexWriter writer, SearcherManager manager) throws Exception {
    for (int round = 0; (writing() || round < MIN_REFRESHES) && failed == false; round++) {
      manager.maybeRefreshBlocking();
      counter("refresh").increment();
      if (round % 10 == 9) {
        writer.commit();
        counter("commit").increment();
      }
      Thread.sleep(10);
    }
  }

  /**
   * Every hit must be live in the searcher's own reader, unique, match the filter and be scored
   * exactly.
   */
  private void search(SearcherManager manager, Random random) throws IOException {
    for (int round = 0; (writing() || round < MIN_SEARCHES) && failed == false; round++) {
      IndexSearcher searcher = manager.acquire();
      try {
        float[] query = near(vectors[random.nextInt(docs)], random);
        String filter = random.nextBoolean() ? COLOURS[random.nextInt(COLOURS.length)] : null;
        KnnFloatVectorQuery knn =
            filter == null
                ? new KnnFloatVectorQuery(VECTOR, query, K)
                : new KnnFloatVectorQuery(
                    VECTOR, query, K, new TermQuery(new Term(COLOUR, filter)));
        TopDocs hits = searcher.search(knn, K);
        counter(filter == null ? "search" : "filtered search").increment();
        assertTrue(hits.scoreDocs.length <= K);
        Set<Integer> seen = new HashSet<>();
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        for (ScoreDoc hit : hits.scoreDocs) {
          assertTrue("doc " + hit.doc + " returned twice", seen.add(hit.doc));
          LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
          Bits live = leaf.reader().getLiveDocs();
          assertTrue("deleted doc returned", live == null || live.get(hit.doc - leaf.docBase));
          Document stored = searcher.storedFields().document(hit.doc);
          if (filter != null) {
            assertEquals(filter, stored.get(COLOUR));
          }
          float exact =
              VectorSimilarityFunction.EUCLIDEAN.compare(
                  query, vectors[Integer.parseInt(stored.get(ID))]);
          assertEquals("score of doc " + stored.get(ID), exact, hit.score, 1e-6f * exact);
        }
      } finally {
        manager.release(searcher);
      }
    }
  }

  private void checkCommitted(Directory dir, Random random) throws IOException {
    try (CheckIndex checker =
        new CheckIndex(dir, NoLockFactory.INSTANCE.obtainLock(dir, IndexWriter.WRITE_LOCK_NAME))) {
      LuceneLine.integrityChecks(checker);
      assertTrue("CheckIndex found the index not clean", checker.checkIndex().clean);
    }
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      int live = 0;
      for (int id = 0; id < docs; id++) {
        TopDocs found = searcher.search(new TermQuery(new Term(ID, Integer.toString(id))), 2);
        if (colour[id] == null) {
          assertEquals("deleted doc " + id, 0, LuceneLine.count(found.totalHits));
        } else {
          live++;
          assertEquals("doc " + id, 1, LuceneLine.count(found.totalHits));
          assertEquals(
              colour[id], searcher.storedFields().document(found.scoreDocs[0].doc).get(COLOUR));
        }
      }
      assertEquals(live, reader.numDocs());
      double recall = recall(searcher, random, 100);
      if (VERBOSE) {
        StringBuilder line = new StringBuilder("TestAnnoyConcurrentLoad:");
        ops.forEach(
            (kind, n) -> line.append(' ').append(kind).append(' ').append(n.sum()).append(','));
        line.append(
            String.format(
                Locale.ROOT,
                " %d live docs in %d segments, recall@%d %.3f",
                live,
                reader.leaves().size(),
                K,
                recall));
        System.out.println(line);
      }
      assertTrue(
          "searchers ran " + ops.get("search") + " plain searches", counter("search").sum() > 0);
      assertTrue("recall " + recall, recall >= MIN_RECALL);
    }
  }

  /** Mean recall@K of plain searches against brute force over the live vectors. */
  private double recall(IndexSearcher searcher, Random random, int queries) throws IOException {
    int[] live = new int[docs];
    int n = 0;
    for (int id = 0; id < docs; id++) {
      if (colour[id] != null) {
        live[n++] = id;
      }
    }
    live = Arrays.copyOf(live, n);
    double sum = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = near(vectors[random.nextInt(docs)], random);
      float[] scores = new float[live.length];
      for (int i = 0; i < live.length; i++) {
        scores[i] = VectorSimilarityFunction.EUCLIDEAN.compare(query, vectors[live[i]]);
      }
      float[] sorted = scores.clone();
      Arrays.sort(sorted);
      // the K-th best exact score: a hit at least as good is a true neighbour (ties included)
      float kth = sorted[sorted.length - K];
      TopDocs hits = searcher.search(new KnnFloatVectorQuery(VECTOR, query, K), K);
      int found = 0;
      for (ScoreDoc hit : hits.scoreDocs) {
        int id = Integer.parseInt(searcher.storedFields().document(hit.doc).get(ID));
        if (VectorSimilarityFunction.EUCLIDEAN.compare(query, vectors[id]) >= kth) {
          found++;
        }
      }
      sum += (double) found / K;
    }
    return sum / queries;
  }

  private static float[] near(float[] v, Random random) {
    float[] q = v.clone();
    for (int i = 0; i < q.length; i++) {
      q[i] += 0.2f * (float) random.nextGaussian();
    }
    return q;
  }

  /** Gaussian clusters: uniform random vectors would make any index look good. */
  static float[][] clustered(Random random, int count, int dim, int clusters, float spread) {
    float[][] centres = new float[clusters][dim];
    for (float[] c : centres) {
      for (int i = 0; i < dim; i++) {
        c[i] = (float) random.nextGaussian();
      }
    }
    float[][] out = new float[count][dim];
    for (int n = 0; n < count; n++) {
      float[] c = centres[random.nextInt(clusters)];
      for (int i = 0; i < dim; i++) {
        out[n][i] = c[i] + spread * (float) random.nextGaussian();
      }
    }
    return out;
  }
}
