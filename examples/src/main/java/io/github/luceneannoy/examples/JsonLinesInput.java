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

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.luceneannoy.db.Metadata;
import io.github.luceneannoy.db.Vector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per line: {@code {"id": "img-1", "vector": [0.1, 0.2], "keywords": {"label":
 * "Bag", "tags": ["red", "leather"]}, "text": {"caption": "a red leather bag"}}}. {@code id} (a
 * string or a number) and {@code vector} are required; {@code keywords} (strings or arrays of
 * strings) and {@code text} (strings) are optional metadata. Blank lines are skipped.
 */
final class JsonLinesInput extends LineVectorInput {

  JsonLinesInput(Path path) throws IOException {
    super(path);
  }

  @Override
  Vector parseLine(String text) throws InputFormatException {
    if (text.isBlank()) {
      return null;
    }
    JsonElement element;
    try {
      element = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw error("not valid JSON (" + rootCause(e) + "); expected one object per line");
    }
    if (element.isJsonObject() == false) {
      throw error("expected a JSON object with \"id\" and \"vector\", found " + kind(element));
    }
    return parse(element.getAsJsonObject());
  }

  private Vector parse(JsonObject object) throws InputFormatException {
    JsonElement id = object.get("id");
    if (id == null || id.isJsonPrimitive() == false || id.getAsJsonPrimitive().isBoolean()) {
      throw error("expected \"id\" as a string or number, found " + kind(id));
    }
    JsonElement data = object.get("vector");
    if (data == null || data.isJsonArray() == false) {
      throw error("expected \"vector\" as an array of numbers, found " + kind(data));
    }
    JsonArray array = data.getAsJsonArray();
    checkDimension(array.size());
    float[] vector = new float[array.size()];
    for (int i = 0; i < vector.length; i++) {
      JsonElement component = array.get(i);
      if (component.isJsonPrimitive() == false
          || component.getAsJsonPrimitive().isNumber() == false) {
        throw error("\"vector\"[" + i + "] is " + kind(component) + ", expected a number");
      }
      vector[i] = component.getAsFloat();
    }
    return Vector.of(id.getAsString(), vector, metadata(object));
  }

  private Metadata metadata(JsonObject object) throws InputFormatException {
    Metadata.Builder builder = Metadata.builder();
    try {
      for (Map.Entry<String, JsonElement> e : entries(object, "keywords")) {
        if (e.getValue().isJsonArray()) {
          for (JsonElement value : e.getValue().getAsJsonArray()) {
            builder.keyword(e.getKey(), string(value, "keywords." + e.getKey()));
          }
        } else {
          builder.keyword(e.getKey(), string(e.getValue(), "keywords." + e.getKey()));
        }
      }
      for (Map.Entry<String, JsonElement> e : entries(object, "text")) {
        builder.text(e.getKey(), string(e.getValue(), "text." + e.getKey()));
      }
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
    return builder.build();
  }

  private Iterable<Map.Entry<String, JsonElement>> entries(JsonObject object, String name)
      throws InputFormatException {
    JsonElement element = object.get(name);
    if (element == null) {
      return List.of();
    }
    if (element.isJsonObject() == false) {
      throw error("expected \"" + name + "\" as an object of field names, found " + kind(element));
    }
    return element.getAsJsonObject().entrySet();
  }

  private String string(JsonElement value, String where) throws InputFormatException {
    if (value.isJsonPrimitive() && ((JsonPrimitive) value).isString()) {
      return value.getAsString();
    }
    throw error("\"" + where + "\" is " + kind(value) + ", expected a string");
  }

  private static String kind(JsonElement element) {
    if (element == null) {
      return "nothing";
    } else if (element.isJsonNull()) {
      return "null";
    } else if (element.isJsonObject()) {
      return "an object";
    } else if (element.isJsonArray()) {
      return "an array";
    }
    JsonPrimitive primitive = element.getAsJsonPrimitive();
    return primitive.isString()
        ? "a string"
        : primitive.isNumber() ? "the number " + primitive : "the boolean " + primitive;
  }

  private static String rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
