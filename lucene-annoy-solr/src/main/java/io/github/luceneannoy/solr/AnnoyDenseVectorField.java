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

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.util.Map;
import java.util.function.Function;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrException.ErrorCode;
import org.apache.solr.schema.DenseVectorField;
import org.apache.solr.schema.IndexSchema;

/**
 * A {@link DenseVectorField} stored with the Annoy format, with the format's parameters as
 * attributes of the field type. Needs {@link AnnoyCodecFactory} as the core's codec factory.
 *
 * <pre>
 * &lt;fieldType name="knn_vector_annoy" class="io.github.luceneannoy.solr.AnnoyDenseVectorField"
 *            vectorDimension="384" similarityFunction="cosine"
 *            numTrees="2" maxLeafSize="256" branching="16" targetRecall="0.95"/&gt;
 * </pre>
 *
 * <p>Every attribute of {@code solr.DenseVectorField} except the HNSW ones is accepted; {@code
 * knnAlgorithm} may be left out and, if given, must be {@code annoy}. Each Annoy parameter is
 * optional (the format's default) and checked against the format's range when the schema loads:
 *
 * <ul>
 *   <li>{@code numTrees}: trees per field and segment (a k-means tree and spilled copies of it);
 *   <li>{@code maxLeafSize}: most vectors in a leaf;
 *   <li>{@code branching}: most children of an inner node;
 *   <li>{@code targetRecall}: the recall@k, in (0, 1], each segment's default search budget is
 *       calibrated for when it is written; a request can set its own budget with {@code {!annoyknn
 *       candidatesPerHit=...}};
 *   <li>{@code seed}: the seed of the trees (the same seed and vectors give the same files).
 * </ul>
 */
public class AnnoyDenseVectorField extends DenseVectorField {

  /** Attribute: number of trees. */
  public static final String NUM_TREES = "numTrees";

  /** Attribute: largest number of vectors in a leaf. */
  public static final String MAX_LEAF_SIZE = "maxLeafSize";

  /** Attribute: most children of an inner node. */
  public static final String BRANCHING = "branching";

  /** Attribute: the recall@k the default search budget of each segment is calibrated for. */
  public static final String TARGET_RECALL = "targetRecall";

  /** Attribute: the seed of the trees. */
  public static final String SEED = "seed";

  /**
   * A former attribute: the default budget is now calibrated per segment for {@link
   * #TARGET_RECALL}; a request sets its own with {@link AnnoyKnnQParser#CANDIDATES_PER_HIT}.
   */
  static final String FORMER_CANDIDATES_PER_HIT = "candidatesPerHit";

  private static final String KNN_ALGORITHM = "knnAlgorithm";
  private static final String[] HNSW_ATTRIBUTES = {"hnswMaxConnections", "hnswBeamWidth"};

  private AnnoyVectorsFormat format;

  @Override
  public void init(IndexSchema schema, Map<String, String> args) {
    String algorithm = args.getOrDefault(KNN_ALGORITHM, AnnoyVectorFields.ANNOY_ALGORITHM);
    if (!AnnoyVectorFields.ANNOY_ALGORITHM.equals(algorithm)) {
      throw error(
          KNN_ALGORITHM
              + " must be \"annoy\" or left out, got \""
              + algorithm
              + "\" (use solr.DenseVectorField for other algorithms)");
    }
    // The HNSW parameters would be accepted by the superclass and silently do nothing here.
    for (String hnsw : HNSW_ATTRIBUTES) {
      if (args.containsKey(hnsw)) {
        throw error(hnsw + " is an HNSW parameter and has no effect on an Annoy field");
      }
    }
    if (args.containsKey(FORMER_CANDIDATES_PER_HIT)) {
      throw error(
          FORMER_CANDIDATES_PER_HIT
              + " is no longer a field type attribute: each segment calibrates its default budget"
              + " for "
              + TARGET_RECALL
              + " (in (0, 1], default "
              + AnnoyVectorsFormat.DEFAULT_TARGET_RECALL
              + "); a request can ask for its own budget with {!annoyknn "
              + AnnoyKnnQParser.CANDIDATES_PER_HIT
              + "=...}");
    }
    args.put(KNN_ALGORITHM, AnnoyVectorFields.ANNOY_ALGORITHM);
    int numTrees = intArg(args, NUM_TREES, AnnoyVectorsFormat.DEFAULT_NUM_TREES);
    int maxLeafSize = intArg(args, MAX_LEAF_SIZE, AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE);
    int branching = intArg(args, BRANCHING, AnnoyVectorsFormat.DEFAULT_BRANCHING);
    float targetRecall = floatArg(args, TARGET_RECALL, AnnoyVectorsFormat.DEFAULT_TARGET_RECALL);
    long seed = longArg(args, SEED, AnnoyVectorsFormat.DEFAULT_SEED);
    try {
      format = new AnnoyVectorsFormat(numTrees, maxLeafSize, branching, targetRecall, seed);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
    super.init(schema, args);
    AnnoyVectorFields.checkDimension(getTypeName(), getDimension());
  }

  /** The format this field type's vectors are written with. */
  public AnnoyVectorsFormat annoyFormat() {
    return format;
  }

  private int intArg(Map<String, String> args, String name, int defaultValue) {
    return arg(args, name, defaultValue, Integer::valueOf, "an integer");
  }

  private long longArg(Map<String, String> args, String name, long defaultValue) {
    return arg(args, name, defaultValue, Long::valueOf, "an integer");
  }

  private float floatArg(Map<String, String> args, String name, float defaultValue) {
    return arg(args, name, defaultValue, Float::valueOf, "a number");
  }

  /**
   * Removes attribute {@code name} from {@code args} and parses it, or returns {@code defaultValue}
   * when it is absent; a value that does not parse names the attribute and what it should be.
   */
  private <T> T arg(
      Map<String, String> args,
      String name,
      T defaultValue,
      Function<String, T> parse,
      String expected) {
    String value = args.remove(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      return parse.apply(value.trim());
    } catch (NumberFormatException e) {
      throw error(name + " must be " + expected + ", got \"" + value + "\"");
    }
  }

  private SolrException error(String message) {
    return new SolrException(
        ErrorCode.SERVER_ERROR, "fieldType \"" + getTypeName() + "\": " + message);
  }
}
