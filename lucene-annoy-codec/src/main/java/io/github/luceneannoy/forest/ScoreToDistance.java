package io.github.luceneannoy.forest;

/**
 * Turns a score from Lucene's similarity into the squared distance in the forest's mapped space
 * ({@link Geometry}), so that exact scores and estimated distances can be compared. Decreasing:
 * higher scores are nearer.
 */
@FunctionalInterface
public interface ScoreToDistance {
  float distance(float score);
}
