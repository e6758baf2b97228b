package io.github.luceneannoy.solr;

import io.github.luceneannoy.codec.AnnoyVectorsFormat;
import java.util.Map;
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
 *            numTrees="32" maxLeafSize="64" candidatesPerHit="40"/&gt;
 * </pre>
 *
 * <p>Every attribute of {@code solr.DenseVectorField} except the HNSW ones is accepted; {@code
 * knnAlgorithm} may be left out and, if given, must be {@code annoy}. Each Annoy parameter is
 * optional (the format's default) and checked against the format's range when the schema loads.
 */
public class AnnoyDenseVectorField extends DenseVectorField {

  /** Attribute: number of trees. */
  public static final String NUM_TREES = "numTrees";

  /** Attribute: largest number of vectors in a leaf. */
  public static final String MAX_LEAF_SIZE = "maxLeafSize";

  /** Attribute: the default search budget, distinct candidates scored per requested hit. */
  public static final String CANDIDATES_PER_HIT = "candidatesPerHit";

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
    args.put(KNN_ALGORITHM, AnnoyVectorFields.ANNOY_ALGORITHM);
    int numTrees = intArg(args, NUM_TREES, AnnoyVectorsFormat.DEFAULT_NUM_TREES);
    int maxLeafSize = intArg(args, MAX_LEAF_SIZE, AnnoyVectorsFormat.DEFAULT_MAX_LEAF_SIZE);
    int candidatesPerHit =
        intArg(args, CANDIDATES_PER_HIT, AnnoyVectorsFormat.DEFAULT_CANDIDATES_PER_HIT);
    try {
      format = new AnnoyVectorsFormat(numTrees, maxLeafSize, candidatesPerHit);
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
    String value = args.remove(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw error(name + " must be an integer, got \"" + value + "\"");
    }
  }

  private SolrException error(String message) {
    return new SolrException(
        ErrorCode.SERVER_ERROR, "fieldType \"" + getTypeName() + "\": " + message);
  }
}
