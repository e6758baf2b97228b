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

import java.util.Objects;
import java.util.function.Function;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;

/**
 * Lucene's default codec ({@link Lucene104Codec}) with vectors stored by {@link
 * AnnoyVectorsFormat}: every vector field uses the Annoy format unless {@link
 * #getKnnVectorsFormatForField(String)} chooses otherwise.
 *
 * <p>Registered as {@value #NAME}, so indexes written with it reopen with a plain {@code
 * DirectoryReader.open}. Formats are recorded per field in the segment, so a field written with a
 * non-default format (or non-default Annoy parameters) reopens with what it was written with.
 *
 * <pre class="prettyprint">
 * IndexWriterConfig config = new IndexWriterConfig().setCodec(new AnnoyCodec());
 * // or per field:
 * new AnnoyCodec(field -&gt; field.equals("title_vector")
 *     ? new Lucene99HnswVectorsFormat()
 *     : new AnnoyVectorsFormat(0.99f)); // a higher recall target
 * </pre>
 */
public class AnnoyCodec extends FilterCodec {

  /** The SPI name. */
  public static final String NAME = "AnnoyCodec";

  private final Function<String, KnnVectorsFormat> formatForField;

  private final KnnVectorsFormat knnVectorsFormat =
      new PerFieldKnnVectorsFormat() {
        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
          return AnnoyCodec.this.getKnnVectorsFormatForField(field);
        }
      };

  /** Every vector field uses an {@link AnnoyVectorsFormat} with default parameters. */
  public AnnoyCodec() {
    this(new AnnoyVectorsFormat());
  }

  /** Every vector field uses {@code format}. */
  public AnnoyCodec(KnnVectorsFormat format) {
    this(field -> format);
    Objects.requireNonNull(format, "format");
  }

  /** Each vector field uses the format {@code formatForField} returns for its name. */
  public AnnoyCodec(Function<String, KnnVectorsFormat> formatForField) {
    this(formatForField, new Lucene104Codec());
  }

  /** As {@link #AnnoyCodec(Function)}, over another delegate for everything but vectors. */
  protected AnnoyCodec(Function<String, KnnVectorsFormat> formatForField, Codec delegate) {
    super(NAME, delegate);
    this.formatForField = Objects.requireNonNull(formatForField, "formatForField");
  }

  @Override
  public final KnnVectorsFormat knnVectorsFormat() {
    return knnVectorsFormat;
  }

  /** The vector format of {@code field}; override to choose per field. */
  public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
    KnnVectorsFormat format = formatForField.apply(field);
    if (format == null) {
      throw new IllegalStateException("no vector format for field \"" + field + "\"");
    }
    return format;
  }
}
