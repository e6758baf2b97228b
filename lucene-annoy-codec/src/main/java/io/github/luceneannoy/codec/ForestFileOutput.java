package io.github.luceneannoy.codec;

import io.github.luceneannoy.forest.CodeBlock;
import io.github.luceneannoy.forest.ForestWriter;
import java.io.Closeable;
import java.io.IOException;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOUtils;

/**
 * Writes a field's forest as the builder produces it into two temporary files of the segment's
 * directory, nodes and leaves, so that the forest can be read back (to calibrate its budget)
 * before its sections are copied into {@code .afi}. {@link #close()} deletes both files; call it
 * on failure too.
 */
final class ForestFileOutput implements ForestWriter, Closeable {
  private final Directory directory;
  private final IOContext context;
  private final IndexOutput nodes;
  private final IndexOutput leaves;
  private IndexInput nodesIn;
  private IndexInput leavesIn;
  private boolean outputsClosed;

  ForestFileOutput(Directory directory, String prefix, IOContext context) throws IOException {
    this.directory = directory;
    this.context = context;
    IndexOutput nodes = null;
    boolean success = false;
    try {
      nodes = directory.createTempOutput(prefix, "annoy_nodes", context);
      this.leaves = directory.createTempOutput(prefix, "annoy_leaves", context);
      success = true;
    } finally {
      if (success == false && nodes != null) {
        IOUtils.closeWhileHandlingException(nodes);
        IOUtils.deleteFilesIgnoringExceptions(directory, nodes.getName());
      }
    }
    this.nodes = nodes;
  }

  @Override
  public void node(int count, int[] refs, int[] sizes, int[] firstEntries, float[] separations, CodeBlock codes)
      throws IOException {
    nodes.writeInt(count);
    writeInts(nodes, refs, count);
    writeInts(nodes, sizes, count);
    writeInts(nodes, firstEntries, count);
    writeFloats(nodes, separations, count * count);
    writeCodes(nodes, codes, count);
  }

  @Override
  public void leaf(float[] centroid, int[] ords, int count, CodeBlock codes) throws IOException {
    writeFloats(leaves, centroid, centroid.length);
    writeInts(leaves, ords, count);
    writeCodes(leaves, codes, count);
  }

  private static void writeCodes(DataOutput out, CodeBlock codes, int count) throws IOException {
    writeFloats(out, codes.additive, count);
    writeFloats(out, codes.scale, count);
    writeFloats(out, codes.error, count);
    for (int i = 0; i < count * codes.words; i++) {
      out.writeLong(codes.bits[i]);
    }
  }

  private static void writeInts(DataOutput out, int[] values, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      out.writeInt(values[i]);
    }
  }

  private static void writeFloats(DataOutput out, float[] values, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      out.writeInt(Float.floatToIntBits(values[i]));
    }
  }

  /** Ends writing and opens both files for reading; returns the node section, then {@link #leaves()}. */
  IndexInput nodes() throws IOException {
    finishWriting();
    return nodesIn;
  }

  /** The leaf section, readable after {@link #nodes()}. */
  IndexInput leaves() throws IOException {
    finishWriting();
    return leavesIn;
  }

  private void finishWriting() throws IOException {
    if (outputsClosed) {
      return;
    }
    outputsClosed = true;
    IOUtils.close(nodes, leaves);
    nodesIn = directory.openInput(nodes.getName(), context);
    leavesIn = directory.openInput(leaves.getName(), context);
  }

  /** Copies the node section, then the leaf section, to {@code out}. */
  void appendTo(IndexOutput out, long nodeBytes, long leafBytes) throws IOException {
    finishWriting();
    if (nodesIn.length() != nodeBytes || leavesIn.length() != leafBytes) {
      throw new IOException(
          "temporary files hold " + nodesIn.length() + " node and " + leavesIn.length() + " leaf bytes, expected "
              + nodeBytes + " and " + leafBytes);
    }
    nodesIn.seek(0);
    out.copyBytes(nodesIn, nodeBytes);
    leavesIn.seek(0);
    out.copyBytes(leavesIn, leafBytes);
  }

  /** Names of the temporary files; for tests. */
  String[] fileNames() {
    return new String[] {nodes.getName(), leaves.getName()};
  }

  @Override
  public void close() throws IOException {
    try {
      if (outputsClosed) {
        IOUtils.close(nodesIn, leavesIn);
      } else {
        IOUtils.close(nodes, leaves);
      }
    } finally {
      IOUtils.deleteFilesIgnoringExceptions(directory, nodes.getName(), leaves.getName());
    }
  }
}
