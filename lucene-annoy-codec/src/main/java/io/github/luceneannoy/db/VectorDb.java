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

import io.github.luceneannoy.db.Documents.DocRef;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import io.github.luceneannoy.search.Fusion;
import io.github.luceneannoy.search.HybridSearch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.QueryBuilder;

/**
 * An embedded vector database in a directory: vectors with ids and optional metadata, k-nearest-
 * neighbour search with filters, durable commits. Underneath it is a Lucene index whose vectors are
 * stored and searched with the Annoy format, so everything Lucene does (segments, merges, deletes,
 * crash safety) applies, and the index can be opened with plain Lucene too.
 *
 * <pre class="prettyprint">
 * try (VectorDb db = VectorDb.open(Path.of("vectors"), VectorDbConfig.of(3, EUCLIDEAN))) {
 *   db.add(Vector.of("a", new float[] {1, 0, 0}, Metadata.builder().keyword("kind", "x").build()));
 *   db.commit();                                   // durable and visible to searches
 *   List&lt;Hit&gt; hits = db.search(new float[] {1, 0.1f, 0}, 10, Filter.keyword("kind", "x"));
 * }
 * </pre>
 *
 * <h2>Visibility and durability</h2>
 *
 * Writes ({@link #add}, {@link #upsert}, {@link #delete}) become visible to {@link #search}, {@link
 * #get} and {@link #size} after {@link #refresh()} or {@link #commit()} (near-real-time search: a
 * refresh is cheap, a commit also syncs to disk). Once {@link #commit()} has returned, its writes
 * survive a crash or kill of the process. {@link #close()} commits.
 *
 * <h2>Threads</h2>
 *
 * All methods may be called from any number of threads at once, except {@link #close()}, which must
 * come after every other call has returned. Writes go straight to Lucene's {@link IndexWriter},
 * which indexes in parallel; searches run on a {@link SearcherManager} snapshot and fan out over
 * the index's segments on a pool of {@link VectorDbConfig#searchThreads()} threads. Only writes of
 * the same id (more precisely, of ids in the same one of 64 lock stripes) wait for each other,
 * which is what makes {@link #add}'s duplicate check and {@link #delete}'s answer exact.
 *
 * <h2>Lucene fields</h2>
 *
 * Each vector is a document with the id in {@value #ID_FIELD} (a stored keyword), the vector in
 * {@value #VECTOR_FIELD} and each metadata field under its own name (keywords as {@code
 * StringField}, text as {@code TextField} analysed by {@link #analyzer()}). Lucene queries over
 * these fields can be given as filters, and {@link #withSearcher} gives direct access to a searcher
 * for anything else (such as {@link HybridSearch}).
 */
public final class VectorDb implements Closeable {

  /** The Lucene field holding each vector's id. */
  public static final String ID_FIELD = "_id";

  /** The Lucene field holding each vector. */
  public static final String VECTOR_FIELD = "_vector";

  // a refresh every so many unrefreshed writes keeps the pending-id map from growing without end
  private static final int MAX_PENDING_IDS = 100_000;

  /** Work done with a searcher of the database's current snapshot. */
  @FunctionalInterface
  public interface SearcherFunction<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  private final Path path;
  private final VectorDbConfig config;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searcherManager;
  private final SearchPool searchPool;
  private final Analyzer analyzer;
  private final VectorValidator validator;
  private final PendingIds pending = new PendingIds();
  private final AtomicBoolean closed = new AtomicBoolean();

  VectorDb(
      Path path,
      VectorDbConfig config,
      Directory directory,
      IndexWriter writer,
      SearcherManager searcherManager,
      SearchPool searchPool,
      Analyzer analyzer) {
    this.path = path;
    this.config = config;
    this.directory = directory;
    this.writer = writer;
    this.searcherManager = searcherManager;
    this.searchPool = searchPool;
    this.analyzer = analyzer;
    this.validator = new VectorValidator(config.dimension(), config.similarity());
  }

  /**
   * Opens the database in {@code path}, creating the directory and an empty database when there is
   * none, or reopening the one there with its data.
   *
   * @throws IncompatibleIndexException when {@code path} holds a database of another dimension or
   *     similarity, a Lucene index that is not a VectorDb, or other files
   * @throws org.apache.lucene.store.LockObtainFailedException when another VectorDb or IndexWriter
   *     has it open
   */
  public static VectorDb open(Path path, VectorDbConfig config) throws IOException {
    return VectorDbOpener.open(path, config, false);
  }

  /**
   * Reopens an existing database with the dimension and similarity it was created with, and
   * defaults for everything else.
   *
   * @throws IncompatibleIndexException when {@code path} holds no VectorDb
   */
  public static VectorDb open(Path path) throws IOException {
    return VectorDbOpener.open(path, null, true);
  }

  /** The directory the database lives in. */
  public Path path() {
    return path;
  }

  /** The config, with the dimension and similarity the database was created with. */
  public VectorDbConfig config() {
    return config;
  }

  /**
   * The analyzer of metadata text, for building Lucene text queries that match it. The database
   * created it and closes it in {@link #close()}.
   */
  public Analyzer analyzer() {
    return analyzer;
  }

  /**
   * Adds a vector whose id is new.
   *
   * @throws InvalidVectorException when the vector does not fit the database
   * @throws DuplicateIdException when the database already holds the id
   */
  public void add(Vector vector) throws IOException {
    add(List.of(vector));
  }

  /**
   * Adds vectors whose ids are new. All are checked before any is written, so on an exception none
   * of them has been added.
   *
   * @throws InvalidVectorException when a vector does not fit the database
   * @throws DuplicateIdException when an id is given twice or the database already holds it
   */
  public void add(Collection<Vector> vectors) throws IOException {
    ensureOpen();
    Set<String> ids = new HashSet<>();
    TreeSet<Integer> stripes = new TreeSet<>();
    for (Vector vector : vectors) {
      validator.checkVector(vector.id(), vector.dataView());
      if (ids.add(vector.id()) == false) {
        throw new DuplicateIdException(vector.id(), "id \"" + vector.id() + "\" is given twice");
      }
      stripes.add(PendingIds.stripeOf(vector.id()));
    }
    // stripes in increasing order, so two batches can never wait for each other in a cycle
    stripes.forEach(s -> pending.stripe(s).lock());
    try {
      for (Vector vector : vectors) {
        if (exists(vector.id())) {
          throw new DuplicateIdException(
              vector.id(), "id \"" + vector.id() + "\" already exists (use upsert to replace it)");
        }
      }
      for (Vector vector : vectors) {
        writer.addDocument(Documents.toDocument(vector, config.similarity()));
        pending.record(vector.id(), true);
      }
    } finally {
      stripes.descendingSet().forEach(s -> pending.stripe(s).unlock());
    }
    refreshIfManyPending();
  }

  /**
   * Adds a vector, replacing any vector with the same id.
   *
   * @throws InvalidVectorException when the vector does not fit the database
   */
  public void upsert(Vector vector) throws IOException {
    ensureOpen();
    validator.checkVector(vector.id(), vector.dataView());
    Document doc = Documents.toDocument(vector, config.similarity());
    var lock = pending.stripe(PendingIds.stripeOf(vector.id()));
    lock.lock();
    try {
      writer.updateDocument(new Term(ID_FIELD, vector.id()), doc);
      pending.record(vector.id(), true);
    } finally {
      lock.unlock();
    }
    refreshIfManyPending();
  }

  /**
   * Upserts each vector in turn; all are checked first, so on an {@link InvalidVectorException}
   * none of them has been written.
   */
  public void upsert(Collection<Vector> vectors) throws IOException {
    for (Vector vector : vectors) {
      validator.checkVector(vector.id(), vector.dataView());
    }
    for (Vector vector : vectors) {
      upsert(vector);
    }
  }

  /**
   * Deletes the vector with {@code id}.
   *
   * @return whether the database held it
   */
  public boolean delete(String id) throws IOException {
    ensureOpen();
    var lock = pending.stripe(PendingIds.stripeOf(id));
    lock.lock();
    boolean existed;
    try {
      existed = exists(id);
      writer.deleteDocuments(new Term(ID_FIELD, id));
      pending.record(id, false);
    } finally {
      lock.unlock();
    }
    refreshIfManyPending();
    return existed;
  }

  /** Whether {@code id} exists, counting unrefreshed writes; call holding the id's stripe. */
  private boolean exists(String id) throws IOException {
    PendingIds.Entry entry = pending.get(id);
    if (entry != null) {
      return entry.present;
    }
    // read after the pending map: a refresh forgets an entry only once its searcher is in place
    return withSearcher(searcher -> Documents.find(searcher, id) != null);
  }

  /** The vector with {@code id} as of the last refresh, with its metadata. */
  public Optional<Vector> get(String id) throws IOException {
    ensureOpen();
    return withSearcher(
        searcher -> {
          DocRef ref = Documents.find(searcher, id);
          if (ref == null) {
            return Optional.empty();
          }
          LeafReader reader = ref.leaf().reader();
          Document stored = reader.storedFields().document(ref.doc());
          return Optional.of(
              Vector.of(
                  id,
                  Documents.readVector(reader, ref.doc()),
                  Documents.readMetadata(reader, stored)));
        });
  }

  /** The {@code k} vectors nearest to {@code query}, nearest first. */
  public List<Hit> search(float[] query, int k) throws IOException {
    return search(SearchRequest.of(query, k));
  }

  /** The {@code k} vectors nearest to {@code query} among those {@code filter} accepts. */
  public List<Hit> search(float[] query, int k, Filter filter) throws IOException {
    return search(SearchRequest.of(query, k).withFilter(filter));
  }

  /** The {@code k} vectors nearest to {@code query} among the documents {@code filter} matches. */
  public List<Hit> search(float[] query, int k, Query filter) throws IOException {
    return search(SearchRequest.of(query, k).withFilter(filter));
  }

  /**
   * Runs a k-nearest-neighbour search as of the last refresh.
   *
   * @throws InvalidVectorException when the query vector does not fit the database
   */
  public List<Hit> search(SearchRequest request) throws IOException {
    ensureOpen();
    validator.checkQuery(request.query());
    Query filter = request.filterQuery(analyzer);
    Query knn =
        request.candidatesPerHit() > 0
            ? new AnnoyKnnFloatVectorQuery(
                VECTOR_FIELD, request.query(), request.k(), filter, request.candidatesPerHit())
            : new KnnFloatVectorQuery(VECTOR_FIELD, request.query(), request.k(), filter);
    return withSearcher(searcher -> toHits(searcher, searcher.search(knn, request.k()), request));
  }

  /**
   * Turns the top documents of a search on {@code searcher} into hits, with vectors and metadata as
   * {@code request} asks.
   */
  private static List<Hit> toHits(IndexSearcher searcher, TopDocs top, SearchRequest request)
      throws IOException {
    List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
    var leaves = searcher.getIndexReader().leaves();
    for (ScoreDoc scoreDoc : top.scoreDocs) {
      var leaf = leaves.get(ReaderUtil.subIndex(scoreDoc.doc, leaves));
      int doc = scoreDoc.doc - leaf.docBase;
      LeafReader reader = leaf.reader();
      Document stored = reader.storedFields().document(doc);
      hits.add(
          new Hit(
              stored.get(ID_FIELD),
              scoreDoc.score,
              request.includeVectors() ? Documents.readVector(reader, doc) : null,
              request.includeMetadata() ? Documents.readMetadata(reader, stored) : Metadata.EMPTY));
    }
    return hits;
  }

  /**
   * Hybrid search: the best {@code max(100, 10·k)} vectors for a text query and as many for the
   * query vector, fused into {@code k} hits (with metadata) by {@code fusion}, text list first.
   *
   * @see HybridSearch#fused
   * @see #textQuery
   */
  public List<Hit> searchHybrid(float[] query, Query text, int k, Fusion fusion)
      throws IOException {
    ensureOpen();
    validator.checkQuery(query);
    SearchRequest request = SearchRequest.of(query, k).withMetadata(true);
    int depth = Math.max(100, 10 * k);
    return withSearcher(
        searcher ->
            toHits(
                searcher,
                new HybridSearch(searcher, VECTOR_FIELD).fused(text, query, depth, k, fusion),
                request));
  }

  /**
   * A relevance-ranked (BM25) query for documents whose text field {@code field} contains any of
   * {@code words}, analysed as the stored text was; matches nothing when no word remains.
   */
  public Query textQuery(String field, String words) {
    Query query = new QueryBuilder(analyzer).createBooleanQuery(field, words, Occur.SHOULD);
    return query == null ? new MatchNoDocsQuery("no words in \"" + words + "\"") : query;
  }

  /** The number of vectors as of the last refresh. */
  public int size() throws IOException {
    ensureOpen();
    return withSearcher(searcher -> searcher.getIndexReader().numDocs());
  }

  /**
   * Runs {@code function} with a searcher of the current snapshot, released afterwards; the
   * searcher must not be used once {@code function} has returned.
   */
  public <T> T withSearcher(SearcherFunction<T> function) throws IOException {
    IndexSearcher searcher = searcherManager.acquire();
    try {
      return function.apply(searcher);
    } finally {
      searcherManager.release(searcher);
    }
  }

  /** Makes every write that returned before this call visible to searches (not durable). */
  public void refresh() throws IOException {
    ensureOpen();
    Map<String, PendingIds.Entry> snapshot = pending.snapshot();
    searcherManager.maybeRefreshBlocking();
    pending.forget(snapshot);
  }

  /**
   * Makes every write that returned before this call durable, then visible to searches. Once this
   * returns, the writes survive a crash of the process.
   */
  public void commit() throws IOException {
    ensureOpen();
    writer.commit();
    refresh();
  }

  private void refreshIfManyPending() throws IOException {
    if (pending.size() > MAX_PENDING_IDS) {
      refresh();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new AlreadyClosedException("VectorDb at " + path + " is closed");
    }
  }

  /**
   * Commits and closes: the index, the analyzer and the search pool, whose threads have ended when
   * this returns. Further calls fail with {@link AlreadyClosedException}.
   */
  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true) == false) {
      return;
    }
    try {
      IOUtils.close(searcherManager, writer, directory, analyzer);
    } finally {
      if (searchPool != null) {
        searchPool.close();
      }
    }
  }

  @Override
  public String toString() {
    return "VectorDb{"
        + path
        + ", dimension="
        + config.dimension()
        + ", similarity="
        + config.similarity()
        + "}";
  }

  static Analyzer newAnalyzer() {
    return new StandardAnalyzer();
  }
}
