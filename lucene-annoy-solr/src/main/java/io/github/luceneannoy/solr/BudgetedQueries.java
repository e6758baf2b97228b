package io.github.luceneannoy.solr;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import io.github.luceneannoy.search.AnnoyKnnByteVectorQuery;
import io.github.luceneannoy.search.AnnoyKnnFloatVectorQuery;
import java.lang.reflect.InvocationTargetException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.search.Query;

/**
 * Builds the budgeted k-NN queries from the same copy of the plugin's classes as the Annoy reader
 * that will answer them.
 *
 * <p>The reader recognises a per-query budget by the class of the collector the query hands it.
 * Readers are created from the format Lucene's SPI registered, and the SPI keeps the first copy
 * it saw: when the jar is loaded by more than one class loader (several Solr nodes in one JVM, as
 * in tests, or the jar in more than one core's lib directory), a query built from another copy
 * would have its budget silently ignored. In the usual installation (one node per JVM, the jar in
 * sharedLib) both are the same copy and the queries are built directly.
 */
final class BudgetedQueries {
  private BudgetedQueries() {}

  static Query floatQuery(String field, float[] target, int k, Query filter, int candidatesPerHit) {
    ClassLoader readerLoader = readerClassLoader();
    if (readerLoader == BudgetedQueries.class.getClassLoader()) {
      return new AnnoyKnnFloatVectorQuery(field, target, k, filter, candidatesPerHit);
    }
    return construct(
        readerLoader,
        AnnoyKnnFloatVectorQuery.class,
        float[].class,
        field,
        target,
        k,
        filter,
        candidatesPerHit);
  }

  static Query byteQuery(String field, byte[] target, int k, Query filter, int candidatesPerHit) {
    ClassLoader readerLoader = readerClassLoader();
    if (readerLoader == BudgetedQueries.class.getClassLoader()) {
      return new AnnoyKnnByteVectorQuery(field, target, k, filter, candidatesPerHit);
    }
    return construct(
        readerLoader,
        AnnoyKnnByteVectorQuery.class,
        byte[].class,
        field,
        target,
        k,
        filter,
        candidatesPerHit);
  }

  private static ClassLoader readerClassLoader() {
    return KnnVectorsFormat.forName(AnnoyVectorsFormat.NAME).getClass().getClassLoader();
  }

  private static Query construct(
      ClassLoader loader,
      Class<?> ours,
      Class<?> targetType,
      String field,
      Object target,
      int k,
      Query filter,
      int candidatesPerHit) {
    try {
      Class<?> theirs = Class.forName(ours.getName(), true, loader);
      return (Query)
          theirs
              .getConstructor(String.class, targetType, int.class, Query.class, int.class)
              .newInstance(field, target, k, filter, candidatesPerHit);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot build " + ours.getName() + " from the registered Annoy format's class loader", e);
    }
  }
}
