package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.ForestBuilder;
import io.github.luceneannoy.forest.ForestShape;
import io.github.luceneannoy.forest.OnHeapForest;
import io.github.luceneannoy.forest.Projection;
import io.github.luceneannoy.forest.SplitRule;
import io.github.luceneannoy.forest.VectorSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The writer's file-backed build (projected vectors in a temporary file, trees streamed to the data
 * file) gives exactly the forest of the on-heap build, holds a heap that grows with the vectors and
 * not with their dimension, and leaves no temporary file behind.
 */
public class TestBoundedForestBuild extends LuceneTestCase {
  private ExecutorService pool;

  @Override
  public void setUp() throws Exception {
    super.setUp();
    pool = Executors.newFixedThreadPool(2);
  }

  @Override
  public void tearDown() throws Exception {
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    super.tearDown();
  }

  public void testFileBackedBuildWritesTheOnHeapForestByteForByte() throws IOException {
    for (SplitRule rule : SplitRule.values()) {
      // 80 dimensions: projected to 32 for Euclidean and angular splits, not for inner product
      float[][] vectors = TestData.clustered(random(), 300 + random().nextInt(900), 80, 6, 0.2f);
      ForestBuilder builder = new ForestBuilder(rule, 2 + random().nextInt(6), 1 + random().nextInt(20), 32, random().nextLong());
      OnHeapForest onHeap = builder.build(new BufferedArraySource(vectors));
      byte[] expected = layout(onHeap);
      try (MockDirectoryWrapper dir = newMockDirectory()) {
        Built sequential = buildThroughFiles(dir, rule, builder, vectors, null, "seq");
        Built parallel = buildThroughFiles(dir, rule, builder, vectors, new TaskExecutor(pool), "par");
        String what = rule + ", projected: " + (onHeap.projection() != null);
        assertArrayEquals(what, expected, sequential.bytes);
        assertArrayEquals(what, expected, parallel.bytes);
        int[] roots = new int[onHeap.numTrees()];
        for (int t = 0; t < roots.length; t++) {
          roots[t] = onHeap.root(t);
        }
        assertArrayEquals(what, roots, sequential.shape.roots());
        assertArrayEquals(what, roots, parallel.shape.roots());
        assertEquals(onHeap.numSplits(), sequential.shape.numSplits());
        assertEquals(onHeap.leavesLength(), sequential.shape.leavesLength());
        assertNoTemporaryFiles(dir);
      }
    }
  }

  /**
   * What the builder retains while building through the file-backed path, by its own accounting
   * (ordinals, sides, leaves and split records of the trees in flight), is O(vectors): 128 and
   * 1,024 dimensions cost the same, as both are split in 32 projected coordinates read from a
   * file, and twice the vectors cost twice as much. The projected vectors are in the file.
   */
  public void testBuildHeapGrowsWithVectorsNotDimension() throws IOException {
    int n = 3000;
    try (Directory dir = new ByteBuffersDirectory()) {
      long narrow = peakTreeBytes(dir, n, 128);
      long wide = peakTreeBytes(dir, n, 1024);
      long twice = peakTreeBytes(dir, 2 * n, 128);
      assertTrue("128-d " + narrow + " vs 1024-d " + wide, wide < 1.1 * narrow && narrow < 1.1 * wide);
      assertTrue(n + ": " + narrow + ", " + 2 * n + ": " + twice, twice > 1.7 * narrow && twice < 2.3 * narrow);
      // each tree in flight holds an int and a boolean per vector, its leaves and split records
      assertTrue("bytes per vector: " + (double) narrow / n, narrow < 16L * n * ForestBuilder.treesInFlight(8));
    }
  }

  private long peakTreeBytes(Directory dir, int n, int dimension) throws IOException {
    float[][] vectors = TestData.clustered(new java.util.Random(dimension), n, dimension, 20, 0.3f);
    ForestBuilder builder = new ForestBuilder(SplitRule.EUCLIDEAN, 8, 64, 32, 7L);
    Projection projection = builder.learnProjection(new BufferedArraySource(vectors));
    assertNotNull(projection);
    try (SpilledVectors projected = SpilledVectors.write(dir, "p" + dimension + "_" + n, IOContext.DEFAULT, projection.apply(new BufferedArraySource(vectors)))) {
      assertEquals("4 bytes per projected coordinate, in the file", (long) n * 32 * Float.BYTES, dir.fileLength(projected.fileName()));
      try (IndexOutput data = dir.createOutput("d" + dimension + "_" + n, IOContext.DEFAULT);
          ForestFileOutput out = new ForestFileOutput(data, dir, IOContext.DEFAULT, 32)) {
        ForestShape shape = builder.buildTrees(projected.vectors(), new TaskExecutor(pool), out);
        out.appendLeavesTo(data);
        return shape.peakTreeBytes();
      }
    }
  }

  public void testSpillFailureLeavesNoFile() throws IOException {
    try (MockDirectoryWrapper dir = newMockDirectory()) {
      VectorSource failing = new BufferedArraySource(TestData.clustered(random(), 200, 8, 2, 0.1f)) {
        @Override
        public float[] vector(int ord) throws IOException {
          if (ord == 150) {
            throw new IOException("injected read failure");
          }
          return super.vector(ord);
        }
      };
      IOException e = expectThrows(IOException.class, () -> SpilledVectors.write(dir, "x", IOContext.DEFAULT, failing));
      assertEquals("injected read failure", e.getMessage());
      assertNoTemporaryFiles(dir);
      // closing the directory checks that no input or output was left open
    }
  }

  public void testLeavesFileIsDeletedWhenTheBuildFails() throws IOException {
    try (MockDirectoryWrapper dir = newMockDirectory()) {
      float[][] vectors = TestData.clustered(random(), 500, 80, 4, 0.2f);
      ForestBuilder builder = new ForestBuilder(SplitRule.EUCLIDEAN, 4, 8, 32, 1L);
      Projection projection = builder.learnProjection(new BufferedArraySource(vectors));
      String[] names = new String[2];
      IOException e =
          expectThrows(IOException.class, () -> {
            try (IndexOutput data = dir.createOutput("data", IOContext.DEFAULT);
                SpilledVectors projected = SpilledVectors.write(dir, "data", IOContext.DEFAULT, projection.apply(new BufferedArraySource(vectors)));
                ForestFileOutput out = new ForestFileOutput(data, dir, IOContext.DEFAULT, 32)) {
              names[0] = projected.fileName();
              // fails in the second tree, once both temporary files exist
              builder.buildTrees(projected.vectors(), null, new io.github.luceneannoy.forest.ForestOutput() {
                int trees;

                @Override
                public void split(int left, int right, float offset, float scale, byte[] normal, int from, int length) throws IOException {
                  out.split(left, right, offset, scale, normal, from, length);
                }

                @Override
                public void leafInts(int[] ints, int from, int length) throws IOException {
                  out.leafInts(ints, from, length);
                  names[1] = out.leavesFileName();
                  if (++trees == 2) {
                    throw new IOException("injected write failure");
                  }
                }
              });
            }
          });
      assertEquals("injected write failure", e.getMessage());
      assertNotNull(names[0]);
      assertNotNull(names[1]);
      assertFalse(Arrays.asList(dir.listAll()).contains(names[0]));
      assertFalse(Arrays.asList(dir.listAll()).contains(names[1]));
      assertNoTemporaryFiles(dir);
    }
  }

  private static void assertNoTemporaryFiles(Directory dir) throws IOException {
    for (String file : dir.listAll()) {
      assertFalse("left behind: " + file + " in " + List.of(dir.listAll()), file.endsWith(".tmp"));
    }
  }

  private record Built(byte[] bytes, ForestShape shape) {}

  /** As the writer does: projection learned, projected vectors spilled, trees streamed. */
  private static Built buildThroughFiles(
      Directory dir, SplitRule rule, ForestBuilder builder, float[][] vectors, TaskExecutor executor, String name) throws IOException {
    VectorSource source = new BufferedArraySource(vectors);
    Projection projection = builder.learnProjection(source);
    ForestShape shape;
    try (IndexOutput data = dir.createOutput(name, IOContext.DEFAULT);
        SpilledVectors projected = projection == null ? null : SpilledVectors.write(dir, name, IOContext.DEFAULT, projection.apply(source));
        ForestFileOutput out =
            new ForestFileOutput(data, dir, IOContext.DEFAULT,
                rule.normalDimension(projection == null ? vectors[0].length : projection.rows()))) {
      shape = builder.buildTrees(projected == null ? source : projected.vectors(), executor, out);
      out.appendLeavesTo(data);
    }
    try (IndexInput in = dir.openInput(name, IOContext.DEFAULT)) {
      byte[] bytes = new byte[(int) in.length()];
      in.readBytes(bytes, 0, bytes.length);
      return new Built(bytes, shape);
    }
  }

  /** The split section then the leaf section, as documented in {@link AnnoyVectorsFormat}. */
  private static byte[] layout(OnHeapForest forest) {
    int d = forest.normalDimension();
    ByteBuffer out =
        ByteBuffer.allocate((int) (forest.numSplits() * FieldEntry.splitRecordBytes(d) + 4L * forest.leavesLength()))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (int node = 0; node < forest.numSplits(); node++) {
      out.putInt(forest.child(node, 0)).putInt(forest.child(node, 1));
      out.putFloat(forest.offset(node)).putFloat(forest.scale(node));
      for (int i = 0; i < d; i++) {
        out.put(forest.quantizedNormal(node, i));
      }
    }
    for (int i = 0; i < forest.leavesLength(); i++) {
      out.putInt(forest.leafInt(i));
    }
    return out.array();
  }

  /** Vectors in an array, served through one reused buffer as file-backed sources do. */
  private static class BufferedArraySource implements VectorSource {
    private final float[][] vectors;
    private final float[] buffer;

    BufferedArraySource(float[][] vectors) {
      this.vectors = vectors;
      this.buffer = new float[vectors[0].length];
    }

    @Override
    public int size() {
      return vectors.length;
    }

    @Override
    public int dimension() {
      return buffer.length;
    }

    @Override
    public float[] vector(int ord) throws IOException {
      System.arraycopy(vectors[ord], 0, buffer, 0, buffer.length);
      return buffer;
    }

    @Override
    public VectorSource copy() {
      return new BufferedArraySource(vectors);
    }
  }
}
