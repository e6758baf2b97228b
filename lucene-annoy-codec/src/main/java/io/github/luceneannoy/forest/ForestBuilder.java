package io.github.luceneannoy.forest;

import java.io.IOException;
import org.apache.lucene.search.TaskExecutor;

/**
 * Builds a forest of independent random-projection trees over a {@link VectorSource}.
 *
 * <p>Tree {@code t} draws its random choices from a generator seeded with {@link #treeSeed(long,
 * int)}, a function of the forest seed and {@code t} only, so the same vectors in the same order
 * give the same forest, whatever thread or segment builds it.
 */
public final class ForestBuilder {
  private final SplitRule rule;
  private final int numTrees;
  private final int maxLeafSize;
  private final long seed;
  private final int projectionDimension;
  private final int sketchDimension;

  /** A builder that splits in the vectors' own space (no projection). */
  public ForestBuilder(SplitRule rule, int numTrees, int maxLeafSize, long seed) {
    this(rule, numTrees, maxLeafSize, 0, seed);
  }

  /**
   * @param rule how nodes are split
   * @param numTrees number of trees, at least 1
   * @param maxLeafSize largest number of ordinals in a leaf, at least 1
   * @param projectionDimension when positive and less than half the vectors' dimension, trees are
   *     built and searched in a {@link Projection} to this many coordinates
   * @param seed forest seed
   */
  public ForestBuilder(SplitRule rule, int numTrees, int maxLeafSize, int projectionDimension, long seed) {
    this(rule, numTrees, maxLeafSize, projectionDimension, 0, seed);
  }

  /**
   * As {@link #ForestBuilder(SplitRule, int, int, int, long)}, with sketches of {@code
   * sketchDimension} projected coordinates (at least {@code projectionDimension}, and fewer than
   * half the vectors' dimension) for projected fields of at least {@link #SKETCH_MIN_VECTORS}
   * vectors; 0 for no sketches.
   */
  public ForestBuilder(
      SplitRule rule, int numTrees, int maxLeafSize, int projectionDimension, int sketchDimension, long seed) {
    if (sketchDimension != 0 && sketchDimension < projectionDimension) {
      throw new IllegalArgumentException(
          "sketchDimension must be 0 or >= projectionDimension " + projectionDimension + ", got " + sketchDimension);
    }
    this.sketchDimension = sketchDimension;
    if (projectionDimension < 0) {
      throw new IllegalArgumentException("projectionDimension must be >= 0, got " + projectionDimension);
    }
    this.projectionDimension = projectionDimension;
    if (numTrees < 1) {
      throw new IllegalArgumentException("numTrees must be >= 1, got " + numTrees);
    }
    if (maxLeafSize < 1) {
      throw new IllegalArgumentException("maxLeafSize must be >= 1, got " + maxLeafSize);
    }
    this.rule = rule;
    this.numTrees = numTrees;
    this.maxLeafSize = maxLeafSize;
    this.seed = seed;
  }

  /** The seed of tree {@code tree}: a SplitMix64 finalizer over the forest seed and tree number. */
  public static long treeSeed(long seed, int tree) {
    long z = seed + (tree + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Builds the forest on the calling thread. An empty source gives a forest with no trees. */
  public OnHeapForest build(VectorSource vectors) throws IOException {
    return build(vectors, null);
  }

  /**
   * Builds the whole forest on the heap: learns the projection if the vectors need one, holds the
   * projected vectors in an array and collects the trees in arrays. For tests and small forests;
   * the codec streams the trees to its file through {@link #buildTrees} instead. The result is the
   * same as the codec's, whatever the executor.
   */
  public OnHeapForest build(VectorSource vectors, TaskExecutor executor) throws IOException {
    Projection projection = learnProjection(vectors);
    OnHeapSketches sketches = null;
    VectorSource splitSpace;
    if (projection == null) {
      splitSpace = vectors;
    } else if (sketched(projection)) {
      float[][] splitCoordinates = new float[vectors.size()][];
      sketches = OnHeapSketches.build(rule, vectors, projection, splitCoordinates);
      splitSpace = new ArrayVectorSource(splitCoordinates);
    } else {
      splitSpace = projection.applyOnHeap(vectors);
    }
    OnHeapForest.Collector collector = OnHeapForest.collector(rule.normalDimension(splitSpace.dimension()));
    ForestShape shape = buildTrees(splitSpace, executor, collector);
    return collector.toForest(projection, sketches, maxLeafSize, shape.roots());
  }

  /**
   * The projection the trees of these vectors are built in, or null when they split the vectors'
   * own coordinates (see {@link #projects(int)}) or there are no vectors. When the vectors get
   * sketches ({@link #sketches(int)}), it has the sketches' rows, the trees splitting in the
   * leading {@link Projection#splitRows()} of them. Deterministic for the builder's seed and the
   * vectors in their order.
   */
  public Projection learnProjection(VectorSource vectors) throws IOException {
    if (projects(vectors.dimension()) == false || vectors.size() == 0) {
      return null;
    }
    if (sketches(vectors.size())) {
      int rows = sketchRows(projectionDimension, sketchDimension, vectors.dimension());
      if (rows > projectionDimension) {
        Projection wide = Projection.learn(vectors, rows, seed);
        if (wide.capturedVariance(vectors) >= SKETCH_MIN_CAPTURED_VARIANCE) {
          return wide.withSplitRows(projectionDimension);
        }
        return wide.leading(projectionDimension);
      }
    }
    return Projection.learn(vectors, projectionDimension, seed);
  }

  /**
   * Whether a field built with {@code projection} (from {@link #learnProjection}) has sketches:
   * when the projection has more rows than the trees split in.
   */
  public static boolean sketched(Projection projection) {
    return projection != null && projection.rows() > projection.splitRows();
  }


  /**
   * Builds the trees over {@code splitSpace}, the vectors in the space the trees split (projected
   * by {@link #learnProjection} when there is a projection), and passes each tree to {@code out}
   * as soon as it and the trees before it are built.
   *
   * <p>Heap: a tree being built holds an int and a boolean per vector, and its nodes (an int per
   * vector and a split record per {@code maxLeafSize/2} vectors or so) until it is written. On
   * the calling thread one tree is built at a time; with an executor, trees are built by one task
   * per core and written in tree order as they finish, never more than {@link #treesInFlight}
   * ahead of the writing (see {@link OrderedTreeBuild}), so at most that many trees are held.
   * None of this depends on the vectors' dimension beyond the split records; the vectors
   * themselves are only read through {@code splitSpace}.
   *
   * @param executor runs the build's tasks (each tree reading its own {@link VectorSource#copy()}),
   *     or null to build on the calling thread; the result is the same either way
   */
  public ForestShape buildTrees(VectorSource splitSpace, TaskExecutor executor, ForestOutput out) throws IOException {
    int normalDimension = rule.normalDimension(splitSpace.dimension());
    if (splitSpace.size() == 0) {
      return new ForestShape(normalDimension, new int[0], 0, 0, 0);
    }
    VectorSource prepared = rule.prepare(splitSpace);
    if (prepared.dimension() != normalDimension) {
      throw new IllegalStateException(
          "split rule " + rule + " produced dimension " + prepared.dimension() + ", expected " + normalDimension);
    }
    TreeWriter writer = new TreeWriter(out, numTrees);
    long peakTreeBytes = 0;
    if (executor == null || numTrees == 1) {
      for (int t = 0; t < numTrees; t++) {
        TreeBuilder.Tree tree = new TreeBuilder(prepared, rule, maxLeafSize, treeSeed(seed, t)).build();
        peakTreeBytes = Math.max(peakTreeBytes, tree.buildBytes());
        writer.write(tree);
      }
    } else {
      VectorSource shared = prepared;
      OrderedTreeBuild build =
          new OrderedTreeBuild(
              numTrees,
              treesInFlight(numTrees),
              t -> new TreeBuilder(copyOf(shared), rule, maxLeafSize, treeSeed(seed, t)).build(),
              writer::write);
      peakTreeBytes = build.run(executor, workers(numTrees));
    }
    return new ForestShape(normalDimension, writer.roots, writer.splitBase, writer.leafBase, peakTreeBytes);
  }

  /**
   * Each tree reads its own copy, as sources keep a read buffer; copies are taken one at a time, as
   * a source promises that its copies may be used concurrently, not that it may be copied so.
   */
  private static VectorSource copyOf(VectorSource source) throws IOException {
    synchronized (source) {
      return source.copy();
    }
  }

  /** Tasks of a parallel build: one per core, since idle ones return at once. */
  private static int workers(int numTrees) {
    return Math.min(treesInFlight(numTrees), Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Trees a parallel build may hold at once (built, being built, or waiting to be written): enough
   * that a slow tree does not stall the other cores, few enough that the trees held stay a small
   * multiple of one.
   */
  public static int treesInFlight(int numTrees) {
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.min(numTrees, Math.min(MAX_TREES_IN_FLIGHT, Math.max(2, 2 * cores)));
  }

  /** Upper bound on {@link #treesInFlight}, whatever the number of cores. */
  static final int MAX_TREES_IN_FLIGHT = 16;

  /**
   * Whether vectors of {@code dimension} coordinates are projected before splitting: when they have
   * more than twice the projection's coordinates, and the rule is not {@link
   * SplitRule#INNER_PRODUCT}. Below that size a projection saves little work and loses a large share
   * of the variance of data without much structure. Inner product ranks by the full vectors' norms,
   * which a projection changes: measured, recall@10 at defaults fell to 0.94 for some seeds on
   * 256-dimension data, so those fields split in their own coordinates.
   */
  public boolean projects(int dimension) {
    return projects(rule, projectionDimension, dimension);
  }

  /**
   * Smallest number of vectors that gets sketches. Learning the wider projection costs about as
   * much as projecting ten thousand vectors of it (measured, 784 dimensions, 128 rows: 0.9 s
   * against 0.26 s for 32 rows), and a small segment's exact scores are few and cheap anyway; a
   * small flushed segment is soon merged, and the merge sketches it.
   */
  public static final int SKETCH_MIN_VECTORS = 16_384;

  /**
   * Smallest share of the variance the sketches' projection must keep for a field to get them.
   * Measured: Fashion-MNIST keeps 0.92 in 128 of 784 coordinates and its queries got 2× faster with
   * sketches; clustered data with the same noise in every direction keeps 0.57 in 63 of 128 (1M
   * vectors) and got slower at equal recall (sketched estimates rank its neighbours poorly, so more
   * candidates are scored), and 0.74 in 127 of 256 (the recall test's data).
   */
  public static final double SKETCH_MIN_CAPTURED_VARIANCE = 0.8;

  /** Whether a projected field of {@code size} vectors may get sketches (see {@link #sketched}). */
  public boolean sketches(int size) {
    return sketchDimension > 0 && size >= SKETCH_MIN_VECTORS;
  }

  /**
   * Projected coordinates kept per sketch: {@code sketchDimension}, but fewer than half the
   * dimension (beyond that a sketch is no longer small next to the vector), and never fewer than
   * the split coordinates, which come first.
   */
  public static int sketchRows(int projectionDimension, int sketchDimension, int dimension) {
    return Math.max(projectionDimension, Math.min(sketchDimension, (dimension - 1) / 2));
  }

  /** As {@link #projects(int)}, for a builder with this rule and projection dimension. */
  public static boolean projects(SplitRule rule, int projectionDimension, int dimension) {
    return projectionDimension > 0 && dimension > 2 * projectionDimension && rule != SplitRule.INNER_PRODUCT;
  }

  /**
   * Passes finished trees to the output in tree order, turning each tree's local node numbers
   * into the forest's global ones.
   */
  private static final class TreeWriter {
    private final ForestOutput out;
    final int[] roots;
    private int trees;
    int splitBase;
    long leafBase;

    TreeWriter(ForestOutput out, int numTrees) {
      this.out = out;
      this.roots = new int[numTrees];
    }

    void write(TreeBuilder.Tree tree) throws IOException {
      // split numbers and leaf positions are ints in node references
      if ((long) splitBase + tree.numSplits() > Integer.MAX_VALUE
          || leafBase + tree.leavesLength() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "forest too large for one segment: more than " + Integer.MAX_VALUE
                + " split nodes or leaf ints after " + trees + " trees; use fewer trees or a larger maxLeafSize");
      }
      int leafShift = (int) leafBase;
      roots[trees++] = shift(tree.root(), splitBase, leafShift);
      int[] children = tree.children();
      for (int node = 0; node < tree.numSplits(); node++) {
        out.split(
            shift(children[2 * node], splitBase, leafShift),
            shift(children[2 * node + 1], splitBase, leafShift),
            tree.offsets()[node],
            tree.scales()[node],
            tree.normals(),
            node * tree.normalDimension(),
            tree.normalDimension());
      }
      out.leafInts(tree.leaves(), 0, tree.leavesLength());
      splitBase += tree.numSplits();
      leafBase += tree.leavesLength();
    }

    private static int shift(int ref, int splitBase, int leafBase) {
      if (NodeRefs.isLeaf(ref)) {
        return NodeRefs.leafRef(NodeRefs.leafPosition(ref) + leafBase);
      }
      return ref + splitBase;
    }
  }
}
