package io.github.luceneannoy.forest;

import java.io.IOException;

/**
 * One sketch per vector of a projected forest: a cheap stand-in for the vector that ranks the
 * candidates the trees yield, so that only the most promising ones are scored exactly.
 *
 * <p>A sketch describes the vector {@code x} as Euclidean distances see it, or for an {@link
 * SplitRule#ANGULAR angular} forest the unit vector {@code x/|x|}, whose Euclidean distances rank
 * like cosines. It holds the {@link SketchBook} code of the vector's projection {@code Px} and the
 * length {@code r = |x - PᵀPx|} of what the projection leaves out.
 */
public interface Sketches {

  /** The code book of the sketches. */
  SketchBook book();

  /** The forest's split rule: whether sketches describe the vectors or their directions. */
  SplitRule rule();

  /** Where {@link #read} puts the length the projection leaves out of a vector. */
  int RESIDUAL = 0;

  /**
   * Where {@link #read} puts the squared length of the vector a code stands for ({@link
   * SketchBook#decodedSquaredNorm}).
   */
  int DECODED_SQUARED_NORM = 1;

  /**
   * Reads the code of {@code ord} into {@code code} (of {@link SketchBook#dimension()} bytes) and
   * its two lengths into {@code lengths[RESIDUAL]} and {@code lengths[DECODED_SQUARED_NORM]}.
   */
  void read(int ord, byte[] code, float[] lengths) throws IOException;

  /**
   * A hint that the sketches of {@code ords[0..count)} are about to be read, one by one. Sketches
   * read in place from a memory-mapped file wait on their cache lines when first read; asking for
   * many at once lets those waits overlap. Does nothing by default.
   */
  default void prefetch(int[] ords, int count) throws IOException {}
}
