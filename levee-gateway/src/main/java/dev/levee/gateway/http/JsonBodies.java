/*
 * Copyright 2026 The Levee Authors
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
package dev.levee.gateway.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one way the gateway parses a JSON request body: strict about what follows the value, and refusing numbers
 * that have no finite value.
 *
 * <p>Implementation note: JSON numbers have no range, a double has. Jackson reads {@code 1e309} as
 * {@code Infinity}, which nothing downstream can take back: written out again it becomes the string
 * {@code "Infinity"} (or, elsewhere, {@code null}), so the event delivered is not the one accepted. Such a body is
 * a 400 naming the JSON Pointer of the number. ({@code NaN} and {@code Infinity} literals are not JSON and Jackson
 * already refuses them.)
 */
public final class JsonBodies {
    /** Strict: {@code {"type":"a"} trailing} is malformed, not one value. */
    private static final ObjectReader READER = JsonResponses.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {}

    /** The parsed body (a missing node for an empty one), or a 400 {@link HttpError}. */
    public static JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (JacksonException e) {
            throw HttpError.badRequest("Malformed JSON").with("detail", e.getOriginalMessage());
        } catch (IOException e) {
            throw HttpError.badRequest("Malformed JSON");
        }
        String bad = nonFinite(root);
        if (bad != null) {
            throw HttpError.badRequest("Invalid number").with("path", bad)
                    .with("detail", "not a finite number (beyond the range of a double)");
        }
        return root;
    }

    /** JSON Pointer of the first non-finite number in {@code root}, or null. Iterative: depth is the parser's bound. */
    static @Nullable String nonFinite(@Nullable JsonNode root) {
        if (root == null) {
            return null;
        }
        ArrayDeque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
        todo.push(Map.entry("", root));
        while (!todo.isEmpty()) {
            Map.Entry<String, JsonNode> e = todo.pop();
            JsonNode node = e.getValue();
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
                return e.getKey().isEmpty() ? "/" : e.getKey();
            }
            if (node.isArray()) {
                for (int i = node.size() - 1; i >= 0; i--) {
                    todo.push(Map.entry(e.getKey() + "/" + i, node.get(i)));
                }
            } else if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    String token = f.getKey().replace("~", "~0").replace("/", "~1");
                    todo.push(Map.entry(e.getKey() + "/" + token, f.getValue()));
                }
            }
        }
        return null;
    }
}
