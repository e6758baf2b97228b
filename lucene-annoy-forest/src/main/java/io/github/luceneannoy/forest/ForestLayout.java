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
package io.github.luceneannoy.forest;

/**
 * What a written forest looks like from outside: where each tree's root record is and how large the
 * two sections are.
 *
 * @param roots the position of each tree's root record in the node section
 * @param nodes inner nodes of all trees
 * @param nodeBytes bytes of all node records
 * @param leaves leaves of all trees
 * @param entries leaf entries of all trees: the number of trees times the number of vectors
 */
public record ForestLayout(int[] roots, int nodes, long nodeBytes, int leaves, long entries) {}
