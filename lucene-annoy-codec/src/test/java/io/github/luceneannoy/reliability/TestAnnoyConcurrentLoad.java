package io.github.luceneannoy.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.codec.AnnoyCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.NoLockFactory;
import org.apache.lucene.util.Bits;
import org.junit.Test;

/**
 * Concurrency under load at the Lucene level, with the default {@code AnnoyVectorsFormat}: writers
 * add, update and delete documents while searchers run filtered and unfiltered k-NN queries on
 * near-real-time readers that another thread keeps refreshing and committing, and merges (each
 * building a forest) run in the background. Every hit must be a live document of the reader it
 * came from and match the filter; at the end the committed index must be clean, hold exactly what
 * the writers wrote, and reach the default-level recall against brute force.
 */
public class TestAnnoyConcurrentLoad {
  private static final int DIM = 64;
  private static final int DOCS = Soak.pick(5000, 10000);
  private static final long MILLIS = Soak.pick(3000, 60000);
  private static final int WRITERS = 2;
  private static final int SEARCHERS = 2;
  private static final int K = 10;
  private static final String ID = "id";
  private static final String COLOUR = "colour";
  private static final String VECTOR = "vec";
  private static final String[] COLOURS = {"red", "green", "blue"};

  private final float[][] vectors = clustered(new Random(17), DOCS, DIM, 24, 0.35f);
  // per id, written only by the id's owner thread, read after join: the model of the index
  private final String[] colour = new String[DOCS]; // null when deleted
  private final Map<String, LongAdder> ops = new TreeMap<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  private volatile boolean stop;

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

  @Test
  public void loadKeepsResultsLiveFilteredAndComplete() throws Exception {
    Directory dir = new ByteBuffersDirectory();
    TieredMergePolicy mergePolicy = new TieredMergePolicy();
    mergePolicy.setSegmentsPerTier(3); // merge often, so forests are rebuilt under load
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new AnnoyCodec()) // default parameters: the recall bar is the default one
            .setMaxBufferedDocs(DOCS + 1) // the initial load is one segment, one forest
            .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH)
            .setMergePolicy(mergePolicy)
            .setMergeScheduler(new ConcurrentMergeScheduler());
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      Random random = new Random(5);
      for (int id = 0; id < DOCS; id++) {
        colour[id] = COLOURS[random.nextInt(COLOURS.length)];
        writer.addDocument(doc(id, colour[id]));
      }
      writer.commit();
      // under load, flush small segments often, so that merges rebuild forests all the time
      writer.getConfig().setMaxBufferedDocs(500);
      SearcherManager manager = new SearcherManager(writer, null);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int owner = w;
        threads.add(worker(() -> write(writer, owner, new Random(100 + owner))));
      }
      for (int s = 0; s < SEARCHERS; s++) {
        int seed = s;
        threads.add(worker(() -> search(manager, new Random(200 + seed))));
      }
      threads.add(worker(() -> refreshAndCommit(writer, manager)));
      long start = System.nanoTime();
      threads.forEach(Thread::start);
      Thread.sleep(MILLIS);
      stop = true;
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failures.isEmpty() == false) {
        AssertionError e = new AssertionError(failures.size() + " failures under load");
        failures.forEach(e::addSuppressed);
        throw e;
      }
      report(seconds);
      manager.close();
      writer.commit();
      checkCommitted(dir);
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private Thread worker(Work work) {
    return new Thread(() -> {
      try {
        work.run();
      } catch (Throwable t) {
        failures.add(t);
        stop = true;
      }
    });
  }

  /** Updates (new colour), deletes and re-adds the ids this writer owns. */
  private void write(IndexWriter writer, int owner, Random random) throws IOException {
    while (stop == false) {
      int id = random.nextInt(DOCS / WRITERS) * WRITERS + owner;
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
    long lastCommit = System.nanoTime();
    while (stop == false) {
      manager.maybeRefresh();
      counter("refresh").increment();
      if (System.nanoTime() - lastCommit > 300_000_000L) {
        writer.commit();
        counter("commit").increment();
        lastCommit = System.nanoTime();
      }
      Thread.sleep(10);
    }
  }

  /** Every hit must be live in the searcher's own reader, unique, and match the filter. */
  private void search(SearcherManager manager, Random random) throws IOException {
    while (stop == false) {
      IndexSearcher searcher = manager.acquire();
      try {
        float[] query = near(vectors[random.nextInt(DOCS)], random);
        String filter = random.nextBoolean() ? COLOURS[random.nextInt(COLOURS.length)] : null;
        KnnFloatVectorQuery knn =
            filter == null
                ? new KnnFloatVectorQuery(VECTOR, query, K)
                : new KnnFloatVectorQuery(VECTOR, query, K, new TermQuery(new Term(COLOUR, filter)));
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
          if (filter != null) {
            assertEquals(filter, searcher.storedFields().document(hit.doc).get(COLOUR));
          }
        }
      } finally {
        manager.release(searcher);
      }
    }
  }

  private void checkCommitted(Directory dir) throws IOException {
    try (CheckIndex checker = new CheckIndex(dir, NoLockFactory.INSTANCE.obtainLock(dir, IndexWriter.WRITE_LOCK_NAME))) {
      assertTrue("CheckIndex found the index not clean", checker.checkIndex().clean);
    }
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      int live = 0;
      for (int id = 0; id < DOCS; id++) {
        TopDocs found = searcher.search(new TermQuery(new Term(ID, Integer.toString(id))), 2);
        if (colour[id] == null) {
          assertEquals("deleted doc " + id, 0, found.totalHits.value);
        } else {
          live++;
          assertEquals("doc " + id, 1, found.totalHits.value);
          assertEquals(colour[id], searcher.storedFields().document(found.scoreDocs[0].doc).get(COLOUR));
        }
      }
      assertEquals(live, reader.numDocs());
      double recall = recall(searcher, new Random(3), 100);
      System.out.printf(java.util.Locale.ROOT, "TestAnnoyConcurrentLoad: %d live docs in %d segments, recall@%d %.3f%n",
          live, reader.leaves().size(), K, recall);
      assertTrue("recall " + recall, recall >= 0.95);
    }
  }

  private double recall(IndexSearcher searcher, Random random, int queries) throws IOException {
    double sum = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = near(vectors[random.nextInt(DOCS)], random);
      Integer[] live = new Integer[DOCS];
      int n = 0;
      for (int id = 0; id < DOCS; id++) {
        if (colour[id] != null) {
          live[n++] = id;
        }
      }
      Integer[] ids = java.util.Arrays.copyOf(live, n);
      java.util.Arrays.sort(ids, (a, b) -> Float.compare(
          VectorSimilarityFunction.EUCLIDEAN.compare(query, vectors[b]),
          VectorSimilarityFunction.EUCLIDEAN.compare(query, vectors[a])));
      Set<String> exact = new HashSet<>();
      for (int i = 0; i < K; i++) {
        exact.add(Integer.toString(ids[i]));
      }
      TopDocs hits = searcher.search(new KnnFloatVectorQuery(VECTOR, query, K), K);
      int found = 0;
      for (ScoreDoc hit : hits.scoreDocs) {
        if (exact.contains(searcher.storedFields().document(hit.doc).get(ID))) {
          found++;
        }
      }
      sum += (double) found / K;
    }
    return sum / queries;
  }

  private void report(double seconds) {
    StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "TestAnnoyConcurrentLoad: %.1f s under load,", seconds));
    ops.forEach((kind, n) -> line.append(String.format(java.util.Locale.ROOT, " %s %.0f/s,", kind, n.sum() / seconds)));
    System.out.println(line);
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
