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

import io.github.luceneannoy.db.Metadata;
import io.github.luceneannoy.db.Vector;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fashion-MNIST images as vectors with metadata: the keyword {@value #LABEL_FIELD} holds the class
 * name ({@code "Sneaker"}) and the text {@value #DESCRIPTION_FIELD} the class name with its
 * category ({@code "Sneaker footwear shoe"}), so that a filter can name a class exactly and a text
 * query can find a category. Ids are {@code train-<n>} or {@code test-<n>}, counted from 0.
 */
final class FashionMnistInput implements VectorInput {
  static final String LABEL_FIELD = "label";
  static final String DESCRIPTION_FIELD = "description";

  private static final String[] CATEGORY = {
    "top upper body", "bottom legs", "top upper body warm", "dress", "outerwear warm",
    "footwear shoe summer", "top upper body", "footwear shoe sport", "accessory",
        "footwear shoe boot"
  };

  private final Path directory;
  private final String prefix;
  private final FashionMnist.Split split;
  private int next;

  FashionMnistInput(Path directory, String prefix, FashionMnist.Split split) {
    this.directory = directory;
    this.prefix = prefix;
    this.split = split;
  }

  /** The training images of the Fashion-MNIST files in {@code directory}. */
  static FashionMnistInput train(Path directory) throws IOException {
    return new FashionMnistInput(
        directory, "train-", FashionMnist.load(directory, Integer.MAX_VALUE, 0).train());
  }

  /** The metadata of an image of class {@code label}. */
  static Metadata metadataOf(int label) {
    String name = FashionMnist.labelName(label);
    return Metadata.builder()
        .keyword(LABEL_FIELD, name)
        .text(DESCRIPTION_FIELD, name + " " + CATEGORY[label])
        .build();
  }

  /** Image {@code i} of {@code split} as a vector with id {@code prefix + i}. */
  static Vector vector(String prefix, FashionMnist.Split split, int i) {
    return Vector.of(prefix + i, split.vectors()[i], metadataOf(split.labels()[i]));
  }

  @Override
  public Vector next() {
    return next < split.size() ? vector(prefix, split, next++) : null;
  }

  @Override
  public long recordsRead() {
    return next;
  }

  @Override
  public long position() {
    return next;
  }

  @Override
  public String unit() {
    return "image";
  }

  @Override
  public Path path() {
    return directory;
  }

  @Override
  public long expectedRecords() {
    return split.size();
  }

  @Override
  public void close() {}
}
