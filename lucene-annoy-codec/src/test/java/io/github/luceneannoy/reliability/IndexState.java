package io.github.luceneannoy.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.NoLockFactory;
import org.apache.lucene.util.Bits;

/** Checks that an index on disk holds what its last commit promised, and searches correctly. */
final class IndexState {
  private IndexState() {}

  /**
   * The last commit of {@code dir} opens, CheckIndex finds it clean, every id of {@code mustHave}
   * is found exactly once by a term query, no document outside {@code mustHave ∪ mayHave} exists,
   * and k-NN searches with the vectors of some committed documents find them and nothing else.
   */
  static void assertHolds(Directory dir, Collection<String> mustHave, Collection<String> mayHave, Random random)
      throws IOException {
    // no write lock: a writer may hold it, idle; CheckIndex only reads the last commit
    try (CheckIndex checker = new CheckIndex(dir, NoLockFactory.INSTANCE.obtainLock(dir, IndexWriter.WRITE_LOCK_NAME))) {
      checker.setDoSlowChecks(true);
      CheckIndex.Status status = checker.checkIndex();
      assertTrue("CheckIndex found the index not clean", status.clean);
    }
    Set<String> allowed = new HashSet<>(mustHave);
    allowed.addAll(mayHave);
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      for (String id : mustHave) {
        assertEquals("committed doc " + id, 1, searcher.count(new TermQuery(Corpus.idTerm(id))));
      }
      List<String> present = liveIds(reader);
      for (String id : present) {
        assertTrue("doc " + id + " was never written", allowed.contains(id));
      }
      assertTrue(present.size() >= mustHave.size());
      List<String> sample = new ArrayList<>(mustHave);
      for (int q = 0; q < Math.min(10, sample.size()); q++) {
        String id = sample.get(random.nextInt(sample.size()));
        // a budget covering every segment scores every vector: the check is about what the index
        // holds, not about the forest's recall (a deliberately small forest may miss an outlier)
        TopDocs hits = searcher.search(
            new AnnoyKnnFloatVectorQuery(
                Corpus.VECTOR, Corpus.vector(id), 10, null, AnnoyVectorsFormat.MAXIMUM_CANDIDATES_PER_HIT),
            10);
        assertTrue("k-NN found nothing for " + id, hits.scoreDocs.length > 0);
        // the query is the document's own vector: it must come first (distance 0)
        assertEquals(id, idOf(searcher, hits.scoreDocs[0].doc));
        for (ScoreDoc hit : hits.scoreDocs) {
          assertTrue("k-NN returned unknown doc", allowed.contains(idOf(searcher, hit.doc)));
        }
      }
    }
  }

  static List<String> liveIds(DirectoryReader reader) throws IOException {
    List<String> ids = new ArrayList<>();
    for (var leaf : reader.leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      StoredFields stored = leaf.reader().storedFields();
      for (int d = 0; d < leaf.reader().maxDoc(); d++) {
        if (live == null || live.get(d)) {
          ids.add(stored.document(d).get(Corpus.ID));
        }
      }
    }
    return ids;
  }

  static String idOf(IndexSearcher searcher, int doc) throws IOException {
    return searcher.storedFields().document(doc).get(Corpus.ID);
  }
}
