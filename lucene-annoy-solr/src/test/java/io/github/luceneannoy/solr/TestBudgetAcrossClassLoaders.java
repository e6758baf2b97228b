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
package io.github.luceneannoy.solr;

import io.github.luceneannoy.codec.AnnoyCodec;
import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import io.github.luceneannoy.search.BudgetedKnnCollector;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.IntSupplier;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * A per-query budget built by one copy of the plugin's classes and read by another: what happens
 * when Solr loads the plugin jar once per node in one JVM (Lucene reads every segment with the
 * first copy of the format it registered) and {@code {!annoyknn}} builds its query with the node's
 * own copy. The second copy here is {@code io.github.luceneannoy.search} defined again by a class
 * loader of the test's own.
 */
public class TestBudgetAcrossClassLoaders extends LuceneTestCase {
  private static final String SEARCH_PACKAGE = "io.github.luceneannoy.search.";

  public void testCollectorOfAnotherCopyCarriesItsBudget() throws Exception {
    ClassLoader copy = new SecondCopy(getClass().getClassLoader());
    Class<?> theirs = Class.forName(BudgetedKnnCollector.class.getName(), true, copy);
    assertNotSame(BudgetedKnnCollector.class, theirs);
    int candidatesPerHit = TestUtil.nextInt(random(), 1, 1000);
    KnnCollector collector =
        (KnnCollector)
            theirs
                .getConstructor(KnnCollector.class, int.class)
                .newInstance(new TopKnnCollector(10, Integer.MAX_VALUE), candidatesPerHit);
    assertFalse(collector instanceof BudgetedKnnCollector);
    assertEquals(candidatesPerHit, BudgetedKnnCollector.candidatesPerHitOf(collector));
    assertEquals(
        candidatesPerHit,
        BudgetedKnnCollector.candidatesPerHitOf(
            new BudgetedKnnCollector(
                new TopKnnCollector(10, Integer.MAX_VALUE), candidatesPerHit)));
    // no budget on a plain collector, nor on another class that happens to supply an int
    assertEquals(
        0, BudgetedKnnCollector.candidatesPerHitOf(new TopKnnCollector(10, Integer.MAX_VALUE)));
    assertEquals(0, BudgetedKnnCollector.candidatesPerHitOf(new SuppliesAnInt()));
  }

  /**
   * The same queries through both copies give the same hits at every budget; the smallest budget
   * must differ from the segment's default for some query, or the comparison would show nothing.
   */
  public void testReaderHonoursTheBudgetOfAnotherCopy() throws Exception {
    ClassLoader copy = new SecondCopy(getClass().getClassLoader());
    int dimension = 8;
    int count = atLeast(1500);
    try (Directory dir = newDirectory()) {
      IndexWriterConfig config =
          new IndexWriterConfig().setCodec(new AnnoyCodec(new AnnoyVectorsFormat()));
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < count; i++) {
          Document doc = new Document();
          doc.add(
              new KnnFloatVectorField(
                  "v", randomVector(dimension), VectorSimilarityFunction.EUCLIDEAN));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        boolean budgetMattered = false;
        for (int q = 0; q < 20; q++) {
          float[] target = randomVector(dimension);
          int[] plain =
              docs(searcher.search(new KnnFloatVectorQuery("v", target, 10), 10).scoreDocs);
          for (int candidatesPerHit : new int[] {1, 3, count}) {
            Query ours = new AnnoyKnnFloatVectorQuery("v", target, 10, null, candidatesPerHit);
            Query theirs = budgetedQuery(copy, "v", target, 10, candidatesPerHit);
            assertNotSame(ours.getClass(), theirs.getClass());
            int[] expected = docs(searcher.search(ours, 10).scoreDocs);
            assertArrayEquals(
                "candidatesPerHit=" + candidatesPerHit,
                expected,
                docs(searcher.search(theirs, 10).scoreDocs));
            if (candidatesPerHit == 1 && Arrays.equals(expected, plain) == false) {
              budgetMattered = true;
            }
          }
        }
        assertTrue(
            "candidatesPerHit=1 gave the default budget's hits for every query", budgetMattered);
      }
    }
  }

  private static Query budgetedQuery(
      ClassLoader copy, String field, float[] target, int k, int candidatesPerHit)
      throws Exception {
    return (Query)
        Class.forName(AnnoyKnnFloatVectorQuery.class.getName(), true, copy)
            .getConstructor(String.class, float[].class, int.class, Query.class, int.class)
            .newInstance(field, target, k, null, candidatesPerHit);
  }

  private static int[] docs(ScoreDoc[] hits) {
    return Arrays.stream(hits).mapToInt(h -> h.doc).toArray();
  }

  private static float[] randomVector(int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = random().nextFloat() * 2 - 1;
    }
    return v;
  }

  /**
   * Defines the search package's classes again from the parent's class files; the rest comes from
   * the parent.
   */
  private static final class SecondCopy extends ClassLoader {
    SecondCopy(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith(SEARCH_PACKAGE) == false) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          byte[] bytes;
          try (InputStream in =
              getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            bytes = in.readAllBytes();
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
          c = defineClass(name, bytes, 0, bytes.length);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  /** A collector that is an {@link IntSupplier} for its own reasons. */
  private static final class SuppliesAnInt extends TopKnnCollector implements IntSupplier {
    SuppliesAnInt() {
      super(10, Integer.MAX_VALUE);
    }

    @Override
    public int getAsInt() {
      return 42;
    }
  }
}
