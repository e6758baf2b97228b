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
package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.BudgetCalibration;
import io.github.luceneannoy.forest.ExactScores;
import io.github.luceneannoy.forest.FastRotation;
import io.github.luceneannoy.forest.ForestBuilder;
import io.github.luceneannoy.forest.ForestSearcher;
import io.github.luceneannoy.forest.Geometry;
import io.github.luceneannoy.forest.ScoreToDistance;
import io.github.luceneannoy.search.BudgetedKnnCollector;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.DataAccessHint;
import org.apache.lucene.store.FileDataHint;
import org.apache.lucene.store.FileTypeHint;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;
import org.apache.lucene.util.hnsw.OrdinalTranslatedKnnCollector;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Reads the forest files of a segment and answers k-NN searches with {@link ForestSearcher}; vector
 * values, exact scores and ord-to-doc mapping come from the composed flat reader.
 */
final class AnnoyVectorsReader extends KnnVectorsReader {
  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(AnnoyVectorsReader.class);

  private final FlatVectorsReader flatReader;

  private final FieldInfos fieldInfos;
  private final Map<String, FieldForest> fields = new HashMap<>();
  private final String metaName;
  private IndexInput data;

  AnnoyVectorsReader(SegmentReadState state, FlatVectorsReader flatReader) throws IOException {
    this.flatReader = flatReader;
    this.fieldInfos = state.fieldInfos;
    this.metaName =
        IndexFileNames.segmentFileName(
            state.segmentInfo.name, state.segmentSuffix, AnnoyVectorsFormat.META_EXTENSION);
    boolean success = false;
    try {
      String dataName =
          IndexFileNames.segmentFileName(
              state.segmentInfo.name, state.segmentSuffix, AnnoyVectorsFormat.INDEX_EXTENSION);
      data =
          state.directory.openInput(
              dataName,
              state.context.withHints(
                  FileTypeHint.DATA, FileDataHint.KNN_VECTORS, DataAccessHint.RANDOM));
      int dataVersion =
          CodecUtil.checkIndexHeader(
              data,
              AnnoyVectorsFormat.INDEX_CODEC_NAME,
              AnnoyVectorsFormat.VERSION_START,
              AnnoyVectorsFormat.VERSION_CURRENT,
              state.segmentInfo.getId(),
              state.segmentSuffix);
      long headerEnd = data.getFilePointer();
      CodecUtil.retrieveChecksum(data);
      readMeta(state, dataVersion, headerEnd, data.length() - CodecUtil.footerLength());
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(this);
      }
    }
  }

  /**
   * @param dataStart where the fields' sections start in the data file: after its header
   * @param dataLength where they end: before its footer
   */
  private void readMeta(SegmentReadState state, int dataVersion, long dataStart, long dataLength)
      throws IOException {
    try (ChecksumIndexInput meta = state.directory.openChecksumInput(metaName)) {
      Throwable priorE = null;
      try {
        int metaVersion =
            CodecUtil.checkIndexHeader(
                meta,
                AnnoyVectorsFormat.META_CODEC_NAME,
                AnnoyVectorsFormat.VERSION_START,
                AnnoyVectorsFormat.VERSION_CURRENT,
                state.segmentInfo.getId(),
                state.segmentSuffix);
        if (metaVersion != dataVersion) {
          throw new CorruptIndexException(
              "format versions mismatch: meta=" + metaVersion + ", data=" + dataVersion, meta);
        }
        // the fields' sections fill the data file in the order of their records, each field's
        // centre aligned to 4 bytes
        long end = dataStart;
        for (int number = meta.readInt(); number != -1; number = meta.readInt()) {
          // FieldInfos rejects negative numbers with an IllegalArgumentException
          FieldInfo info = number < 0 ? null : fieldInfos.fieldInfo(number);
          if (info == null || info.hasVectorValues() == false) {
            throw new CorruptIndexException("invalid vector field number " + number, meta);
          }
          FieldEntry entry = FieldEntry.read(meta, info, dataLength, dataVersion);
          checkFlatCount(info, entry, meta);
          boolean stopsEarly = dataVersion >= AnnoyVectorsFormat.VERSION_EARLY_STOP;
          if (fields.put(info.name, new FieldForest(entry, data, stopsEarly)) != null) {
            throw new CorruptIndexException("duplicate field \"" + info.name + "\"", meta);
          }
          if (entry.centreOffset() < end || entry.centreOffset() >= end + Float.BYTES) {
            throw new CorruptIndexException(
                "field \""
                    + info.name
                    + "\": centre section at "
                    + entry.centreOffset()
                    + " does not follow the previous section, which ends at "
                    + end,
                meta);
          }
          end = entry.leavesOffset() + entry.leavesLength();
        }
        if (end != dataLength) {
          throw new CorruptIndexException(
              "the fields' sections end at " + end + ", the data file's content at " + dataLength,
              meta);
        }
      } catch (Throwable t) {
        priorE = t;
      } finally {
        CodecUtil.checkFooter(meta, priorE);
      }
    }
  }

  private void checkFlatCount(FieldInfo info, FieldEntry entry, ChecksumIndexInput meta)
      throws IOException {
    int flatCount;
    try {
      flatCount =
          info.getVectorEncoding() == VectorEncoding.FLOAT32
              ? flatReader.getFloatVectorValues(info.name).size()
              : flatReader.getByteVectorValues(info.name).size();
    } catch (IllegalArgumentException e) {
      // the flat reader does not know the field: the record names a field of another format
      throw new CorruptIndexException(
          "field \"" + info.name + "\": has no vectors in this format's flat files", meta, e);
    }
    if (flatCount != entry.size()) {
      throw new CorruptIndexException(
          "field \""
              + info.name
              + "\": forest over "
              + entry.size()
              + " vectors but the flat format holds "
              + flatCount,
          meta);
    }
  }

  @Override
  public void checkIntegrity() throws IOException {
    flatReader.checkIntegrity();
    CodecUtil.checksumEntireFile(data);
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    return flatReader.getFloatVectorValues(field);
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return flatReader.getByteVectorValues(field);
  }

  @Override
  public void search(String field, float[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    FieldForest forest = forestOf(field);
    if (forest.entry.size() == 0 || forest.entry.encoding() != VectorEncoding.FLOAT32) {
      return;
    }
    checkQuery(field, forest.entry, target.length, ZeroVectors.isZero(target));
    search(
        forest, target, flatReader.getRandomVectorScorer(field, target), knnCollector, acceptDocs);
  }

  @Override
  public void search(String field, byte[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    FieldForest forest = forestOf(field);
    if (forest.entry.size() == 0 || forest.entry.encoding() != VectorEncoding.BYTE) {
      return;
    }
    checkQuery(field, forest.entry, target.length, ZeroVectors.isZero(target));
    RandomVectorScorer scorer = flatReader.getRandomVectorScorer(field, target);
    float[] query = new float[target.length];
    for (int i = 0; i < target.length; i++) {
      query[i] = target[i];
    }
    search(forest, query, scorer, knnCollector, acceptDocs);
  }

  /**
   * Refuses, naming the field, a query the flat scorer would answer wrongly or with a bare message:
   * one of another dimension, or an all-zero query on a COSINE field (its cosine is NaN).
   */
  private static void checkQuery(String field, FieldEntry entry, int dimension, boolean zero) {
    if (dimension != entry.dimension()) {
      throw new IllegalArgumentException(
          "field \""
              + field
              + "\": query vector has "
              + dimension
              + " dimensions, the field has "
              + entry.dimension());
    }
    if (zero && entry.similarity() == VectorSimilarityFunction.COSINE) {
      throw new IllegalArgumentException(
          "field \""
              + field
              + "\": the query vector is all zeros, and COSINE similarity is undefined for it");
    }
  }

  /**
   * The forest of a field this reader was asked about: the per-field format only routes fields
   * written with this format, and the writer records every one, even without vectors.
   */
  private FieldForest forestOf(String field) throws CorruptIndexException {
    FieldForest forest = fields.get(field);
    if (forest == null) {
      throw new CorruptIndexException("field \"" + field + "\" has no forest record", metaName);
    }
    return forest;
  }

  /**
   * Candidates scored together by Lucene's bulk scoring, which reads the vectors of several at once
   * (on memory-mapped vectors with the vector module, four per pass): their memory reads overlap.
   */
  private static final ExactScores BULK_SCORES =
      (scorer, ords, scores, count) -> scorer.bulkScore(ords, scores, count);

  private void search(
      FieldForest forest,
      float[] query,
      RandomVectorScorer scorer,
      KnnCollector knnCollector,
      AcceptDocs accept)
      throws IOException {
    KnnCollector collector = new OrdinalTranslatedKnnCollector(knnCollector, scorer::ordToDoc);
    // Lucene's filter is a bit set built for the query, its live documents the segment's own
    Bits acceptDocs = accept == null ? null : accept.bits();
    Bits acceptOrds = scorer.getAcceptOrds(acceptDocs);
    int k = knnCollector.k();
    int budget;
    int candidatesPerHit = BudgetedKnnCollector.candidatesPerHitOf(knnCollector);
    if (candidatesPerHit > 0) {
      budget = (int) Math.min(Integer.MAX_VALUE, (long) candidatesPerHit * k);
    } else {
      budget = plainBudget(forest.budgets, k, (long) forest.entry.size() * forest.entry.numTrees());
    }
    budget = Math.max(budget, ForestSearcher.minimumScored(k));
    FieldEntry entry = forest.entry;
    long accepted = accepted(accept, entry.size());
    if (scoresExactly(accepted, budget, entry.size(), entry.numTrees())) {
      ForestSearcher.scoreAll(scorer, collector, acceptOrds);
    } else {
      double queryNorm = entry.geometry() == Geometry.INNER_PRODUCT ? squaredNorm(query) : 0;
      ScoreToDistance toDistance =
          ScoreDistances.of(
              entry.similarity(), entry.encoding(), entry.dimension(), entry.maxNorm(), queryNorm);
      ForestSearcher searcher = forest.searcher();
      OffHeapForest view = forest.searchView();
      boolean searched;
      try {
        searched =
            searcher.search(
                view,
                entry.order(),
                query,
                scorer,
                toDistance,
                collector,
                acceptOrds,
                (double) accepted / entry.size(),
                acceptOrds == null ? Long.MAX_VALUE : accepted * ENTRIES_PER_EXACT_SCORE,
                budget);
      } finally {
        forest.release(searcher, view);
      }
      if (searched == false) {
        // the filter rejects the query's neighbourhood: gathering would read more than scoring
        ForestSearcher.scoreAll(scorer, collector, acceptOrds);
      }
    }
  }

  /**
   * The budget of a plain query for {@code k} hits in a forest of {@code entries} entries: the
   * calibrated one, which grows with {@code k}, but short of every entry. A budget of every entry
   * asks for every vector to be scored exactly ({@link #scoresExactly}), which a large {@code k}
   * does not: on 60,000 text embeddings a plain query for 120 hits had fallen to 49 queries per
   * second (Java 17) where 80 hits ran at 453, and reading the whole forest costs a fifth of
   * scoring it. A segment calibrated to score everything (a tiny one) keeps doing so.
   */
  static int plainBudget(BudgetCalibration.Budgets budgets, int k, long entries) {
    int calibrated = budgets.forHits(k);
    if (budgets.for10() >= entries) {
      return calibrated;
    }
    return (int) Math.min(calibrated, entries - 1);
  }

  private static double squaredNorm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return sum;
  }

  /**
   * Whether to score every accepted vector exactly instead of gathering: when the budget covers
   * every entry of every tree (a search asked to look at everything gets the exact answer), or when
   * scoring costs less. Under a filter, gathering reads {@link ForestSearcher#filteredReads}
   * entries (a random filter's; at most all of them), and an exact score costs about as much as
   * {@value #ENTRIES_PER_EXACT_SCORE} entries. So a selective filter is answered exactly, while a
   * budget of most of the forest without a filter gathers: on 60,000 text embeddings (Java 17)
   * scoring all of them took 17 ms a query, gathering 77,000 of the 120,000 entries (fan-out 80) 3
   * ms; when any budget past the segment's size meant scoring it all, fan-out 80 had fallen from
   * 700 to 60 queries per second.
   */
  static boolean scoresExactly(long accepted, long budget, int size, int numTrees) {
    if (accepted <= 0 || budget >= (long) size * numTrees) {
      return true;
    }
    double toRead =
        Math.min(
            (double) size * numTrees,
            ForestSearcher.filteredReads(budget, Math.min(1, (double) accepted / size)));
    return (double) accepted * ENTRIES_PER_EXACT_SCORE <= toRead;
  }

  /**
   * What an exact score costs in leaf entries gathered, measured on 60,000 text embeddings (384-d,
   * Java 17): 0.28 µs a score when scoring all of them (a random vector read from the flat file and
   * its distance), 32 - 39 ns an entry at the default and at fan-out 80, all costs of the search
   * included.
   */
  static final int ENTRIES_PER_EXACT_SCORE = 8;

  /**
   * How many of the field's vectors {@code accept} accepts, at most: the documents Lucene counted
   * when it built their bit set (a filter with the live documents, or live documents in a bit set),
   * else all of them. Counting the bits again would cost a pass over them per query.
   */
  private static long accepted(AcceptDocs accept, int size) throws IOException {
    return accept == null ? size : Math.min(size, accept.cost());
  }

  /**
   * The flat format's off-heap bytes and, under {@value AnnoyVectorsFormat#INDEX_EXTENSION}, those
   * of the field's forest that a search reads: its nodes and leaves.
   */
  @Override
  public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
    Map<String, Long> flat = flatReader.getOffHeapByteSize(fieldInfo);
    FieldForest forest = fields.get(fieldInfo.name);
    if (forest == null || forest.entry.size() == 0) {
      return flat;
    }
    long forestBytes = forest.entry.nodesLength() + forest.entry.leavesLength();
    return mergeOffHeapByteSizeMaps(flat, Map.of(AnnoyVectorsFormat.INDEX_EXTENSION, forestBytes));
  }

  /** Statistics of {@code field}'s forest, or empty when this segment has none for it. */
  Optional<ForestStatistics> statistics(String field) throws IOException {
    FieldForest forest = fields.get(field);
    if (forest == null) {
      return Optional.empty();
    }
    return Optional.of(ForestWalker.walk(field, forest.entry, forest.view()));
  }

  /**
   * Heap held by this reader and its flat reader (Lucene 10's readers are no longer Accountable).
   */
  public long ramBytesUsed() {
    return flatReader.ramBytesUsed() + forestRamBytesUsed();
  }

  /**
   * Heap of this reader without the flat reader's: per field, its metadata, a root per tree, its
   * centre and rotation (a few floats per dimension); nothing that grows with the number of
   * vectors. Not counted: the buffers of the searchers kept for reuse between queries (up to eight
   * per field), per-query scratch that grows with the segment (a bit per vector) and with the
   * largest budget searched.
   */
  long forestRamBytesUsed() {
    long total = SHALLOW_SIZE;
    for (FieldForest forest : fields.values()) {
      total +=
          RamUsageEstimator.shallowSizeOf(forest) + RamUsageEstimator.sizeOf(forest.entry.roots());
      total += RamUsageEstimator.sizeOf(forest.centre);
      // the rotation's signs and permutations: a float and an int per padded coordinate and round
      total +=
          3L
              * FastRotation.paddedDimension(forest.entry.mappedDimension())
              * (Float.BYTES + Integer.BYTES);
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(flatReader, data);
  }

  /** A field's metadata, centre, rotation and slices of the data file, cloned for each query. */
  private static final class FieldForest {
    /** Searchers kept between queries: each holds buffers a query would otherwise allocate. */
    private static final int POOLED_SEARCHERS = 8;

    final FieldEntry entry;
    final float[] centre;
    final FastRotation rotation;
    final BudgetCalibration.Budgets budgets;
    final IndexInput nodes;
    final IndexInput leaves;
    private final ConcurrentLinkedQueue<ForestSearcher> searchers = new ConcurrentLinkedQueue<>();

    /**
     * Views kept for later searches: a view's inputs are clones, and a clone's first bulk reads
     * build its buffer views (on Java 17, where inputs are byte buffers, about 6% of a text query's
     * samples when each query cloned its own).
     */
    private final ConcurrentLinkedQueue<OffHeapForest> views = new ConcurrentLinkedQueue<>();

    /**
     * Whether searches may stop before their budget: the segment's budgets were calibrated for it
     * (format version 4 on).
     */
    private final boolean stopsEarly;

    FieldForest(FieldEntry entry, IndexInput data, boolean stopsEarly) throws IOException {
      this.entry = entry;
      this.stopsEarly = stopsEarly;
      this.centre = readCentre(entry, data);
      this.rotation =
          new FastRotation(entry.mappedDimension(), ForestBuilder.rotationSeed(entry.seed()));
      this.budgets =
          new BudgetCalibration.Budgets(entry.order(), entry.budget10(), entry.budget100());
      this.nodes = data.slice("annoy-nodes", entry.nodesOffset(), entry.nodesLength());
      this.leaves = data.slice("annoy-leaves", entry.leavesOffset(), entry.leavesLength());
    }

    /** The centre is read onto the heap once: every query subtracts it. */
    private static float[] readCentre(FieldEntry entry, IndexInput data) throws IOException {
      IndexInput in = data.slice("annoy-centre", entry.centreOffset(), entry.centreLength());
      float[] centre = new float[entry.mappedDimension()];
      in.readFloats(centre, 0, centre.length);
      for (float x : centre) {
        if (Float.isFinite(x) == false) {
          throw new CorruptIndexException("non-finite centre coordinate " + x, data);
        }
      }
      return centre;
    }

    OffHeapForest view() {
      return new OffHeapForest(entry, centre, rotation, nodes.clone(), leaves.clone());
    }

    /** A view for one search: a kept one, made ready for another query, or a new one. */
    OffHeapForest searchView() {
      OffHeapForest view = views.poll();
      if (view == null) {
        return view();
      }
      view.reset();
      return view;
    }

    ForestSearcher searcher() {
      ForestSearcher searcher = searchers.poll();
      return searcher == null ? new ForestSearcher(stopsEarly, BULK_SCORES) : searcher;
    }

    void release(ForestSearcher searcher, OffHeapForest view) {
      if (searchers.size() < POOLED_SEARCHERS) {
        searchers.offer(searcher);
      }
      if (views.size() < POOLED_SEARCHERS) {
        views.offer(view);
      }
    }
  }
}
