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
package dev.levee.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A loaded config with the tree it was bound from (the defaults, the file, the route defaults and the environment
 * overrides, merged): what {@code levee config} prints, secrets redacted, and what {@code levee validate} and
 * {@code /health} identify by {@link #hash(LeveeConfig)}.
 *
 * <p>Redacted: the value of every key whose name contains {@code password}, {@code secret} or {@code token}
 * ({@code admin.token}, {@code auth.jwt.hmac-secret}, ...), and the password in any URL ({@code redis://:pw@host}).
 *
 * @param config the bound, validated config
 * @param tree   the effective tree it was bound from (not redacted)
 */
public record EffectiveConfig(LeveeConfig config, JsonNode tree) {
    /** What a redacted value reads. */
    public static final String REDACTED = "<redacted>";

    private static final int HASH_HEX_CHARS = 12;
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());
    /** The records as JSON in one order: keys sorted, map entries sorted, durations as ISO-8601. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .addModule(new SimpleModule().addSerializer(Duration.class, ToStringSerializer.instance))
            .build();
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token");

    public EffectiveConfig {
        requireNonNull(config, "config");
        requireNonNull(tree, "tree");
    }

    /** The effective config as YAML, secrets redacted; it loads again (with the redacted values). */
    public String redactedYaml() {
        try {
            return YAML.writeValueAsString(redacted(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the effective config cannot be written as YAML", e);
        }
    }

    /** {@link #hash(LeveeConfig)} of {@link #config()}. */
    public String hash() {
        return hash(config);
    }

    /**
     * The identity of a config: the first 12 hex digits of the SHA-256 of its records as canonical JSON (keys sorted),
     * secrets redacted. Equal configs have equal hashes, whatever the order or spelling of the file ({@code 5s} or
     * {@code 5000ms}) and wherever a value came from (file, default or environment). A change of a secret alone does
     * not change it: the hash is shown in {@code /health} and must not be a way to test guesses of a secret.
     */
    public static String hash(LeveeConfig config) {
        requireNonNull(config, "config");
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(redacted(CANONICAL.valueToTree(config)));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_CHARS);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("config: cannot be written as canonical JSON (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must have it
        }
    }

    /** {@code config}'s records as the canonical tree the hash is taken of, not redacted (a reload diffs two). */
    static JsonNode canonicalTree(LeveeConfig config) {
        return CANONICAL.valueToTree(requireNonNull(config, "config"));
    }

    /** A copy of {@code tree} with every secret value redacted. */
    static JsonNode redacted(JsonNode tree) {
        JsonNode copy = tree.deepCopy();
        redactIn(copy);
        return copy;
    }

    private static void redactIn(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                JsonNode v = e.getValue();
                if (isSecretKey(e.getKey()) && !v.isNull()) {
                    e.setValue(TextNode.valueOf(REDACTED));
                } else if (v.isTextual()) {
                    e.setValue(TextNode.valueOf(withoutPassword(v.textValue())));
                } else {
                    redactIn(v);
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                JsonNode v = arr.get(i);
                if (v.isTextual()) {
                    arr.set(i, TextNode.valueOf(withoutPassword(v.textValue())));
                } else {
                    redactIn(v);
                }
            }
        }
    }

    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(k::contains);
    }

    /**
     * {@code scheme://user:pw@host...} with the password redacted ({@code user:<redacted>}); a user info without a
     * colon is redacted whole, as Redis reads {@code redis://pw@host} as a password.
     */
    static String withoutPassword(String value) {
        int scheme = value.indexOf("://");
        if (scheme < 0) {
            return value;
        }
        int start = scheme + 3;
        int end = value.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = value.indexOf(c, start);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        int at = value.lastIndexOf('@', end - 1);
        if (at < start) {
            return value;
        }
        String userInfo = value.substring(start, at);
        int colon = userInfo.indexOf(':');
        String kept = colon < 0 ? REDACTED : userInfo.substring(0, colon + 1) + REDACTED;
        return value.substring(0, start) + kept + value.substring(at);
    }

    /** For tests: the redacted tree as bytes, to look for a secret in. */
    static byte[] redactedBytes(JsonNode tree) throws JsonProcessingException {
        return CANONICAL.writeValueAsString(redacted(tree)).getBytes(StandardCharsets.UTF_8);
    }
}
