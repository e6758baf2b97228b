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

import io.github.luceneannoy.forest.CodeBlock;
import io.github.luceneannoy.forest.ForestWriter;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOUtils;

/**
 * Writes a field's forest as the builder produces it into temporary files of the segment's
 * directory: each tree's node records and leaves into files of their own (trees may be written by
 * different threads), then, in {@link #finishWriting()}, the trees' files concatenated into one
 * node file and one leaf file, so that the forest can be read back (to calibrate its budget) before
 * its sections are copied into {@code .afi}. {@link #close()} deletes every temporary file; call it
 * on failure too.
 */
final class ForestFileOutput implements ForestWriter, Closeable {
  private final Directory directory;
  private final String prefix;
  private final IOContext context;
  private final List<TreeFiles> trees = new ArrayList<>();
  private final List<String> created = new ArrayList<>();

  /** Outputs not closed yet, closed by {@link #close()} on failure. */
  private final List<IndexOutput> open = new ArrayList<>();

  private IndexInput nodesIn;
  private IndexInput leavesIn;
  private boolean finished;

  ForestFileOutput(Directory directory, String prefix, IOContext context) {
    this.directory = directory;
    this.prefix = prefix;
    this.context = context;
  }

  @Override
  public synchronized TreeWriter tree(int tree) throws IOException {
    if (tree != trees.size()) {
      throw new IllegalStateException(
          "tree " + tree + " asked for after " + trees.size() + " trees");
    }
    TreeFiles files = new TreeFiles(output("annoy_nodes"), output("annoy_leaves"));
    trees.add(files);
    return files;
  }

  private synchronized IndexOutput output(String suffix) throws IOException {
    IndexOutput out = directory.createTempOutput(prefix, suffix, context);
    created.add(out.getName());
    open.add(out);
    return out;
  }

  private synchronized void closeOutput(IndexOutput out) throws IOException {
    open.remove(out);
    out.close();
  }

  /** One tree's two files. */
  private static final class TreeFiles implements TreeWriter {
    final IndexOutput nodes;
    final IndexOutput leaves;

    TreeFiles(IndexOutput nodes, IndexOutput leaves) {
      this.nodes = nodes;
      this.leaves = leaves;
    }

    @Override
    public void node(
        int count,
        int[] refs,
        int[] sizes,
        int[] firstEntries,
        float[] separations,
        CodeBlock codes)
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
  }

  private static void writeCodes(DataOutput out, CodeBlock codes, int count) throws IOException {
    writeFloats(out, codes.additive, count);
    writeFloats(out, codes.scale, count);
    writeFloats(out, codes.error, count);
    if (CodeBlock.storesOnes(codes.words)) {
      writeInts(out, codes.ones, count);
    }
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

  /** Ends writing and opens the node section for reading. */
  IndexInput nodes() throws IOException {
    finishWriting();
    return nodesIn;
  }

  /** Ends writing and opens the leaf section for reading. */
  IndexInput leaves() throws IOException {
    finishWriting();
    return leavesIn;
  }

  /** Closes the trees' files and concatenates them, trees in order, into one file per section. */
  private void finishWriting() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    for (TreeFiles tree : trees) {
      closeOutput(tree.nodes);
      closeOutput(tree.leaves);
    }
    String nodesName =
        concatenate("annoy_forest_nodes", trees.stream().map(t -> t.nodes.getName()).toList());
    String leavesName =
        concatenate("annoy_forest_leaves", trees.stream().map(t -> t.leaves.getName()).toList());
    nodesIn = directory.openInput(nodesName, context);
    leavesIn = directory.openInput(leavesName, context);
  }

  private String concatenate(String suffix, List<String> parts) throws IOException {
    IndexOutput out = output(suffix);
    for (String part : parts) {
      try (IndexInput in = directory.openInput(part, IOContext.READONCE)) {
        out.copyBytes(in, in.length());
      }
      // the copy is all that is needed from here on
      directory.deleteFile(part);
      synchronized (this) {
        created.remove(part);
      }
    }
    closeOutput(out);
    return out.getName();
  }

  /** Copies the node section, then the leaf section, to {@code out}. */
  void appendTo(IndexOutput out, long nodeBytes, long leafBytes) throws IOException {
    finishWriting();
    if (nodesIn.length() != nodeBytes || leavesIn.length() != leafBytes) {
      throw new IOException(
          "temporary files hold "
              + nodesIn.length()
              + " node and "
              + leavesIn.length()
              + " leaf bytes, expected "
              + nodeBytes
              + " and "
              + leafBytes);
    }
    nodesIn.seek(0);
    out.copyBytes(nodesIn, nodeBytes);
    leavesIn.seek(0);
    out.copyBytes(leavesIn, leafBytes);
  }

  /** Names of the temporary files that exist now; for tests. */
  synchronized List<String> fileNames() {
    return List.copyOf(created);
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      List<java.io.Closeable> toClose = new ArrayList<>(open);
      toClose.add(nodesIn);
      toClose.add(leavesIn);
      open.clear();
      IOUtils.close(toClose);
    } finally {
      IOUtils.deleteFilesIgnoringExceptions(directory, created);
    }
  }
}
