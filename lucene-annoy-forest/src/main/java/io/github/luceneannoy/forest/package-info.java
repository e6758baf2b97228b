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

/**
 * The forest algorithm: build, codes, search and budget calibration, free of Lucene's index, codec
 * and store APIs, so that one jar serves the codecs of Lucene 9.12 and 10.x (they read and write
 * the files; a test checks that only Lucene types linked alike on both lines are named).
 *
 * <h2>Build</h2>
 *
 * <p>Vectors are first put into a {@link io.github.luceneannoy.forest.Geometry mapped space} where
 * every similarity is a squared Euclidean distance: cosine vectors are normalised, inner-product
 * vectors get one extra coordinate {@code sqrt(M² - |x|²)} ({@code M} the largest norm) so that
 * ranking by distance to a query (extra coordinate 0) is ranking by inner product. A forest is
 * {@code T} (default 2) trees over the same vectors. In the first ({@link
 * io.github.luceneannoy.forest.TreeBuilder}) each node is split by k-means into up to {@code B}
 * (32) children until leaves hold at most {@code L} (256) vectors. The others ({@link
 * io.github.luceneannoy.forest.SpillTreeBuilder}) have its nodes and centroids but put each vector
 * in another leaf, near it and off the direction of its residual in the first (SOAR's spilling
 * rule), where a query that misses it in the first tree tends to find it. Every vector is in one
 * leaf of every tree.
 *
 * <h2>Codes</h2>
 *
 * <p>Each leaf entry carries a one-bit code of its vector relative to the leaf's centroid ({@link
 * io.github.luceneannoy.forest.LeafCoder}): the residual is rotated by a fast random orthogonal
 * transform ({@link io.github.luceneannoy.forest.FastRotation}: random signs, Hadamard blocks of 64
 * and a permutation, three rounds) and only the signs of its coordinates are kept, with three
 * floats per vector that make the distance estimate unbiased and give its error scale (the idea of
 * RaBitQ: after a random rotation, the sign vector's angle to the residual is concentrated, so the
 * estimate's error shrinks as {@code 1/sqrt(D)}). A query is rotated once and quantised to four
 * bits per coordinate ({@link io.github.luceneannoy.forest.QueryCode}); an estimate is then four
 * popcounts per 64 coordinates: a few nanoseconds, against hundreds for an exact distance in 784
 * dimensions. Inner nodes carry the same codes of their children's centroids, so descending a tree
 * costs no full-dimension arithmetic either.
 *
 * <h2>Search</h2>
 *
 * <p>{@link io.github.luceneannoy.forest.ForestSearcher} reads leaves over all trees at once in the
 * order of {@link io.github.luceneannoy.forest.LeafTraversal} (nearest centroid first, or Annoy's
 * lower bound on the distance to a node's region; a leaf is measured exactly when it reaches the
 * front), estimates each accepted leaf entry from its code (from the query's high bits first, where
 * bit counts are scalar) until it has gathered its <em>budget</em> of entries (a vector has one per
 * tree) or a twentieth of the budget has added no candidate ({@link
 * io.github.luceneannoy.forest.CandidateBar}), then scores exactly only those whose lower bound
 * (estimate minus {@code 2.5} error scales) can still beat the k-th best exact distance found so
 * far. Exact scores go through Lucene's flat vector scorer, four at a time ({@link
 * io.github.luceneannoy.forest.ExactScores}: Lucene 10 reads their vectors together), so they use
 * Lucene's own SIMD kernels where the JVM has them.
 *
 * <h2>Calibration</h2>
 *
 * <p>The budget is what trades recall for speed. Rather than a constant, each segment measures its
 * own: {@link io.github.luceneannoy.forest.BudgetCalibration} takes some of the segment's vectors
 * as queries (each leaving itself out; 192, or all of a smaller segment), finds their exact nearest
 * 10 neighbours ({@link io.github.luceneannoy.forest.SampleNeighbours}: one tree's codes bounded
 * against each query's bar, the few below it scored), where those appear in the search order and
 * where a search would stop early ({@link io.github.luceneannoy.forest.SearchWalk}), and stores the
 * smallest budget at which the mean recall, less 1.645 standard errors, reaches the format's target
 * (default 0.95) plus a small margin; a pilot of 32 queries read in both leaf orders picks the one
 * that needs fewer candidates (or, when it finds them close, leaves the choice to the whole sample)
 * and how far the others read. A plain {@code KnnFloatVectorQuery} then reaches the target without
 * any knob; a per-query budget overrides it.
 *
 * <h2>Kernels</h2>
 *
 * <p>{@link io.github.luceneannoy.forest.ForestKernels}: dot products and distances in plain Java
 * or on the JDK's incubating vector API when {@code --add-modules jdk.incubator.vector} is given;
 * code dot products are {@link java.lang.Long#bitCount} loops, fast on any JVM.
 */
package io.github.luceneannoy.forest;
