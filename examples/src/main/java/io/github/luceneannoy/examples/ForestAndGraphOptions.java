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
package io.github.luceneannoy.examples;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The format parameters both benchmarks take: the Annoy forest's shape and calibration target, and
 * HNSW's graph and budgets.
 */
final class ForestAndGraphOptions {
  @Mixin ForestOptions forest = new ForestOptions();

  @Option(names = "--hnsw-m", description = "HNSW max connections (default: ${DEFAULT-VALUE})")
  int hnswM = 16;

  @Option(names = "--hnsw-beam", description = "HNSW beam width (default: ${DEFAULT-VALUE})")
  int hnswBeam = 100;

  @Option(
      names = "--fanouts",
      split = ",",
      paramLabel = "F",
      description =
          "fan-outs of plain k-NN queries (HNSW, annoy-default):"
              + " the k asked of the index, the top k kept (default: 10,12,15,20,30,40,60,80,120,160,240,320)")
  int[] fanouts = {10, 12, 15, 20, 30, 40, 60, 80, 120, 160, 240, 320};
}
