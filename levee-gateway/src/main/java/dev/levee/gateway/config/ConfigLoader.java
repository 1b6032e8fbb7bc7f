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

import dev.levee.core.time.Durations;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Loads {@link LeveeConfig}: the defaults, then the YAML file, then environment overrides, then binding and
 * validation. Every failure is a {@link ConfigException} whose message starts with the key path; a file with several
 * mistakes gets one exception with all of them ({@link ConfigException#errors()}), each starting with its key path.
 *
 * <p>Implementation notes: overrides are matched against the keys the merged tree actually has (defaults
 * included), because an upper-snake name alone cannot tell {@code max-concurrent} from {@code max.concurrent}.
 * List elements are addressed by index ({@code LEVEE_ROUTES_0_PATH}). Values are parsed as YAML scalars, so
 * {@code LEVEE_ADMISSION_ENABLED=false} is a boolean and {@code LEVEE_SERVER_PORT=9090} a number. Errors are
 * collected in {@link ConfigErrors} while the tree is bound: each config record's deserializer is wrapped so that a
 * block that cannot be built is recorded and bound as null, and the problem handler records an unknown key or a value
 * of the wrong type and goes on.
 */
public final class ConfigLoader {

    /** The original platform's environment names, kept working: name -> key path. */
    static final Map<String, String> LEGACY_ENV = Map.of(
            "ENABLE_BACKPRESSURE", "events.enabled",
            "QUEUE_WARNING_THRESHOLD", "events.warning-threshold",
            "QUEUE_CRITICAL_THRESHOLD", "events.critical-threshold",
            "QUEUE_RECOVERY_THRESHOLD", "events.recovery-threshold",
            "DEFAULT_EVENT_PRIORITY", "events.default-priority");

    /** Route blocks every route gets, filled with their defaults, unless it says {@code block: { enabled: false }}. */
    private static final Set<String> ON_BY_DEFAULT = Set.of("breaker");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper BINDER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer())
                    .addDeserializer(AdmissionConfig.MaxConcurrent.class, new MaxConcurrentDeserializer())
                    .setDeserializerModifier(new CollectingModifier()))
            .addHandler(new CollectingProblemHandler());

    private ConfigLoader() {}

    /** The defaults alone, with environment overrides. */
    public static LeveeConfig load(Map<String, String> env) {
        return load((String) null, env);
    }

    public static LeveeConfig load(Path file, Map<String, String> env) {
        requireNonNull(file, "file");
        try {
            return load(Files.readString(file), env);
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Loads {@code yaml} (null or blank for none) over the defaults, then applies {@code env}. */
    public static LeveeConfig load(@Nullable String yaml, Map<String, String> env) {
        return loadEffective(yaml, env).config();
    }

    /** As {@link #load(Path, Map)}, with the effective tree the config was bound from. */
    public static EffectiveConfig loadEffective(Path file, Map<String, String> env) {
        requireNonNull(file, "file");
        try {
            return loadEffective(Files.readString(file), env);
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** As {@link #load(String, Map)}, with the effective tree the config was bound from. */
    public static EffectiveConfig loadEffective(@Nullable String yaml, Map<String, String> env) {
        requireNonNull(env, "env");
        ConfigErrors errors = ConfigErrors.open();
        try {
            ObjectNode tree = tree(yaml, env);
            LeveeConfig config = bind(tree);
            if (!errors.isEmpty()) {
                throw new ConfigException(errors.messages());
            }
            return new EffectiveConfig(requireNonNull(config, "config"), tree);
        } finally {
            errors.close();
        }
    }

    /** The defaults, the file, the route defaults and the environment, merged; errors go to {@link ConfigErrors}. */
    private static ObjectNode tree(@Nullable String yaml, Map<String, String> env) {
        ObjectNode tree = (ObjectNode) resource("levee-defaults.yaml");
        if (yaml != null && !yaml.isBlank()) {
            JsonNode user;
            try {
                user = YAML.readTree(yaml);
            } catch (JsonProcessingException e) {
                throw new ConfigException("config file: not valid YAML (" + e.getOriginalMessage() + " at line "
                        + e.getLocation().getLineNr() + ")", e);
            }
            if (user != null && !user.isNull() && !user.isMissingNode()) {
                if (!user.isObject()) {
                    throw new ConfigException("config file: expected a mapping of sections (server, upstream, ...)");
                }
                merge(tree, (ObjectNode) user, "");
            }
        }
        applyRouteDefaults(tree);
        applyUpstreamDefaults(tree);
        applyEnv(tree, env);
        return tree;
    }

    private static void applyRouteDefaults(ObjectNode tree) {
        JsonNode routes = tree.get("routes");
        if (routes == null || routes.isNull()) {
            return;
        }
        if (!routes.isArray()) {
            collected("routes", "routes: expected a list of routes");
            tree.remove("routes");
            return;
        }
        ObjectNode defaults = (ObjectNode) resource("levee-route-defaults.yaml");
        int i = 0;
        for (JsonNode route : routes) {
            if (!route.isObject()) {
                collected("routes[" + i + "]", "routes[" + i + "]: expected a mapping with at least 'path'");
                i++;
                continue;
            }
            ObjectNode r = (ObjectNode) route;
            if (!r.has("public")) {
                r.put("public", false);
            }
            for (Iterator<String> it = defaults.fieldNames(); it.hasNext(); ) {
                String block = it.next();
                JsonNode given = r.get(block);
                if (given == null || given.isNull()) {
                    if (ON_BY_DEFAULT.contains(block)) {
                        r.set(block, defaults.get(block).deepCopy());
                    }
                    continue;
                }
                if (given.isBoolean() && given.booleanValue()) { // "cache: true" = the defaults
                    r.set(block, defaults.get(block).deepCopy());
                    continue;
                }
                if (!given.isObject()) {
                    collected("routes[" + i + "]." + block, "routes[" + i + "]." + block + ": expected a mapping"
                            + (ON_BY_DEFAULT.contains(block)
                                    ? " (to turn it off: " + block + ": { enabled: false })" : ""));
                    r.remove(block);
                    continue;
                }
                ObjectNode filled = defaults.get(block).deepCopy();
                merge(filled, (ObjectNode) given, "routes[" + i + "]." + block + ".");
                r.set(block, filled);
            }
            i++;
        }
    }

    /** Keys an {@code upstreams:} entry takes from the {@code upstream:} block when it leaves them out. */
    private static final List<String> FROM_UPSTREAM = List.of("timeout", "connect-timeout", "max-connections",
            "max-in-flight");

    /**
     * Fills each {@code upstreams:} entry with {@code levee-upstream-defaults.yaml} and the {@code upstream:} block's
     * timeouts and pool limits, before the environment overrides (which then find every key).
     */
    private static void applyUpstreamDefaults(ObjectNode tree) {
        JsonNode upstreams = tree.get("upstreams");
        if (upstreams == null || upstreams.isNull()) {
            return;
        }
        if (!upstreams.isObject()) {
            throw new ConfigException("upstreams: expected a mapping of named upstreams");
        }
        JsonNode legacy = tree.get("upstream");
        ObjectNode defaults = (ObjectNode) resource("levee-upstream-defaults.yaml");
        for (Iterator<Map.Entry<String, JsonNode>> it = upstreams.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                throw new ConfigException("upstreams." + e.getKey() + ": expected a mapping with at least 'endpoints'");
            }
            ObjectNode filled = defaults.deepCopy();
            if (legacy != null && legacy.isObject()) {
                for (String key : FROM_UPSTREAM) {
                    if (legacy.has(key)) {
                        filled.set(key, legacy.get(key).deepCopy());
                    }
                }
            }
            merge(filled, (ObjectNode) e.getValue(), "upstreams." + e.getKey() + ".");
            e.setValue(filled);
        }
    }

    /** Deep-merges {@code over} into {@code base}: mappings merge, everything else replaces. */
    private static void merge(ObjectNode base, ObjectNode over, String path) {
        over.fields().forEachRemaining(e -> {
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode vo) {
                merge(eo, vo, path + e.getKey() + ".");
            } else {
                base.set(e.getKey(), e.getValue());
            }
        });
    }

    private static void applyEnv(ObjectNode tree, Map<String, String> env) {
        Map<String, List<Object>> byEnvName = new LinkedHashMap<>();
        collectLeaves(tree, new ArrayList<>(), byEnvName);
        LEGACY_ENV.forEach((name, path) -> {
            String value = env.get(name);
            if (value != null) {
                set(tree, List.of((Object[]) path.split("\\.")), value, name);
            }
        });
        byEnvName.forEach((name, path) -> {
            String value = env.get(name);
            if (value != null) {
                set(tree, path, value, name);
            }
        });
    }

    private static void collectLeaves(JsonNode node, List<Object> path, Map<String, List<Object>> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                List<Object> p = new ArrayList<>(path);
                p.add(e.getKey());
                collectLeaves(e.getValue(), p, out);
            });
        } else if (node.isArray() && node.size() > 0 && node.get(0).isContainerNode()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(path);
                p.add(i);
                collectLeaves(node.get(i), p, out);
            }
        } else {
            out.put(envName(path), path);
        }
    }

    static String envName(List<Object> path) {
        StringBuilder sb = new StringBuilder("LEVEE");
        for (Object part : path) {
            sb.append('_').append(part.toString().replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT));
        }
        return sb.toString();
    }

    private static void set(ObjectNode tree, List<Object> path, String raw, String envName) {
        JsonNode value;
        try {
            value = raw.isEmpty() ? NullNode.instance : YAML.readTree(raw);
            if (value == null || value.isMissingNode()) {
                value = NullNode.instance;
            }
            if (value.isContainerNode()) { // a flow mapping or list in an env var is almost always a mistake
                value = TextNode.valueOf(raw);
            }
        } catch (JsonProcessingException e) {
            value = TextNode.valueOf(raw);
        }
        JsonNode parent = tree;
        for (int i = 0; i < path.size() - 1; i++) {
            Object part = path.get(i);
            JsonNode next = part instanceof Integer idx ? parent.get(idx) : parent.get((String) part);
            if (next == null || next.isNull()) {
                next = JsonNodeFactory.instance.objectNode();
                ((ObjectNode) parent).set((String) part, next);
            }
            parent = next;
        }
        Object last = path.get(path.size() - 1);
        if (parent instanceof ArrayNode arr && last instanceof Integer idx) {
            arr.set(idx, value);
        } else if (parent instanceof ObjectNode obj) {
            obj.set(last.toString(), value);
        } else {
            collected(envName, envName + ": does not name a config key");
        }
    }

    /** Records an error of the load under way, or throws it outside one. */
    private static void collected(String path, String message) {
        ConfigErrors errors = ConfigErrors.current();
        if (errors == null) {
            throw new ConfigException(message);
        }
        errors.addAt(path, message);
    }

    /** The bound config; null when it had errors (they are in {@link ConfigErrors}). */
    private static @Nullable LeveeConfig bind(JsonNode tree) {
        try {
            return BINDER.treeToValue(tree, LeveeConfig.class);
        } catch (JsonMappingException e) {
            throw translate(e, tree, "");
        } catch (JsonProcessingException e) {
            throw new ConfigException("config: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code e}, thrown while binding {@code tree} found at {@code base}, as a config error naming the key path. */
    private static ConfigException translate(JsonMappingException e, @Nullable JsonNode tree, String base) {
        String path = ConfigErrors.join(base, pathOf(e.getPath()));
        Throwable cause = e.getCause();
        if (e instanceof ValueInstantiationException && cause instanceof ConfigException ce) {
            return new ConfigException(ConfigErrors.join(path, String.valueOf(ce.getMessage())), e);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return new ConfigException(path + ": unknown key (known here: " + u.getKnownPropertyIds() + ")", e);
        }
        if (e instanceof InvalidFormatException f) {
            return new ConfigException(path + ": '" + f.getValue() + "' is not a valid "
                    + describe(f.getTargetType()), e);
        }
        if (cause instanceof IllegalArgumentException iae) {
            return new ConfigException(path + ": " + iae.getMessage(), e);
        }
        if (e instanceof MismatchedInputException m) {
            JsonNode bad = tree == null ? null : at(tree, e.getPath());
            String shown = bad == null ? "missing" : bad.isNull() ? "empty" : "'" + bad.asText(bad.toString()) + "'";
            return new ConfigException(path + ": " + shown + " is not a valid " + describe(m.getTargetType()), e);
        }
        return new ConfigException(path + ": " + e.getOriginalMessage(), e);
    }

    private static String pathOf(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static @Nullable JsonNode at(JsonNode tree, List<JsonMappingException.Reference> refs) {
        JsonNode n = tree;
        for (JsonMappingException.Reference r : refs) {
            if (n == null) {
                return null;
            }
            n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
        }
        return n;
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "whole number";
        }
        if (type == double.class || type == Double.class) {
            return "number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean (true or false)";
        }
        if (type == Duration.class) {
            return "duration (such as 5s)";
        }
        if (type.isEnum()) {
            return "choice (one of " + List.of(type.getEnumConstants()) + ")";
        }
        if (type == String.class) {
            return "string";
        }
        return type.getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(Locale.ROOT);
    }

    private static JsonNode resource(String name) {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A scalar value that a deserializer refuses ({@code message} starts with the value): recorded at the parser's key
     * path while a load collects its errors (the value is then bound as null), else thrown.
     */
    private static <T> @Nullable T refused(JsonParser p, String message) {
        ConfigErrors errors = ConfigErrors.current();
        if (errors == null) {
            throw new IllegalArgumentException(message);
        }
        String path = pathAt(p);
        errors.addAt(path, path + ": " + message);
        return null;
    }

    /**
     * The key path of the value the parser is at ({@code routes[0].cache}): for the start of a mapping or list, or a
     * key in it, the path of that mapping or list; for a scalar, its own.
     */
    static String pathAt(JsonParser p) {
        JsonStreamContext c = p.getParsingContext();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY || t == JsonToken.FIELD_NAME) {
            c = c.getParent();
        }
        List<String> parts = new ArrayList<>();
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(c.getCurrentName());
            }
        }
        String path = "";
        for (int i = parts.size() - 1; i >= 0; i--) {
            path = ConfigErrors.join(path, parts.get(i));
        }
        return path;
    }

    /** Wraps the deserializer of every config record in a {@link CollectingDeserializer}. */
    private static final class CollectingModifier extends BeanDeserializerModifier {
        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription beanDesc,
                                                      JsonDeserializer<?> deserializer) {
            Class<?> type = beanDesc.getBeanClass();
            return type.isRecord() && type.getPackageName().startsWith("dev.levee.gateway")
                    ? new CollectingDeserializer(deserializer) : deserializer;
        }
    }

    /**
     * A config record's deserializer that, while a load collects errors, records why the block cannot be built, skips
     * the rest of it and binds it as null, so that the blocks after it are checked too.
     */
    private static final class CollectingDeserializer extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        CollectingDeserializer(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new CollectingDeserializer(newDelegatee);
        }

        @Override
        public @Nullable Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            ConfigErrors errors = ConfigErrors.current();
            if (errors == null) {
                return _delegatee.deserialize(p, ctxt);
            }
            JsonToken start = p.currentToken();
            JsonStreamContext block = p.getParsingContext();
            String path = pathAt(p);
            errors.enter(path);
            try {
                return _delegatee.deserialize(p, ctxt);
            } catch (JsonMappingException e) {
                // what the constructor throws once the block has an error may only echo that error
                if (!(e instanceof ValueInstantiationException && errors.blockHasErrors())) {
                    ConfigException ce = translate(e, null, path);
                    errors.addAt(path, String.valueOf(ce.getMessage()));
                }
                errors.failed(path); // its parent's check of the missing block would only echo this
                skipRest(p, start, block);
                return null;
            } finally {
                errors.exit();
            }
        }

        /** Moves the parser to the end of the block that started at {@code start} in {@code block}. */
        private static void skipRest(JsonParser p, JsonToken start, JsonStreamContext block) throws IOException {
            if (start != JsonToken.START_OBJECT && start != JsonToken.START_ARRAY && start != JsonToken.FIELD_NAME) {
                return; // a scalar: nothing left to skip
            }
            JsonStreamContext outside = block.getParent();
            JsonToken t = p.currentToken();
            while (t != null && !((t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY)
                    && p.getParsingContext() == outside)) {
                t = p.nextToken();
            }
        }
    }

    /**
     * While a load collects errors: an unknown key, or a value of the wrong type, is recorded (with the key path and the
     * value) and skipped, and binding goes on. The value bound instead is only a placeholder: the load fails anyway.
     */
    private static final class CollectingProblemHandler extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            ConfigErrors errors = ConfigErrors.current();
            if (errors == null) {
                return false;
            }
            Collection<Object> known = deserializer.getKnownPropertyNames();
            errors.add(propertyName, propertyName + ": unknown key (known here: " + known + ")");
            p.skipChildren();
            return true;
        }

        @Override
        public @Nullable Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType,
                                                       String valueToConvert, String failureMsg) {
            return weird(ctxt, targetType, "'" + valueToConvert + "'");
        }

        @Override
        public @Nullable Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType,
                                                       Number valueToConvert, String failureMsg) {
            return weird(ctxt, targetType, "'" + valueToConvert + "'");
        }

        @Override
        public @Nullable Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t,
                                                      JsonParser p, String failureMsg) throws IOException {
            if (ConfigErrors.current() == null || t == JsonToken.VALUE_NULL || t == JsonToken.FIELD_NAME
                    || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                return NOT_HANDLED;
            }
            String path = pathAt(p);
            JsonNode bad = ctxt.readTree(p); // consumes the value
            return weird(path, targetType.getRawClass(), "'" + bad.asText(bad.toString()) + "'");
        }

        private static @Nullable Object weird(DeserializationContext ctxt, Class<?> type, String shown) {
            if (ConfigErrors.current() == null) {
                return NOT_HANDLED;
            }
            return weird(pathAt(ctxt.getParser()), type, shown);
        }

        private static @Nullable Object weird(String path, Class<?> type, String shown) {
            ConfigErrors errors = ConfigErrors.current();
            if (errors == null) {
                return NOT_HANDLED;
            }
            errors.addAt(path, path + ": " + shown + " is not a valid " + describe(type));
            if (type == int.class || type == Integer.class) {
                return 0;
            }
            if (type == long.class || type == Long.class) {
                return 0L;
            }
            if (type == double.class || type == Double.class) {
                return 0.0;
            }
            if (type == boolean.class || type == Boolean.class) {
                return false;
            }
            if (type.isEnum()) {
                return type.getEnumConstants()[0];
            }
            return null;
        }
    }

    /** {@code max-concurrent}: a whole number > 0, or {@code auto}. */
    private static final class MaxConcurrentDeserializer extends JsonDeserializer<AdmissionConfig.MaxConcurrent> {
        @Override
        public AdmissionConfig.@Nullable MaxConcurrent deserialize(JsonParser p, DeserializationContext ctxt)
                throws IOException {
            String text = p.getText();
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                long n = p.getLongValue();
                if (n <= 0) {
                    return refused(p, text + " (expected: > 0)");
                }
                if (n > Integer.MAX_VALUE) {
                    return refused(p, text + " (expected: at most " + Integer.MAX_VALUE + ")");
                }
                return new AdmissionConfig.MaxConcurrent((int) n);
            }
            if (p.currentToken() == JsonToken.VALUE_STRING && "auto".equals(text)) {
                return AdmissionConfig.MaxConcurrent.AUTO;
            }
            return refused(p, "'" + text + "' is not a valid whole number or auto");
        }
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public @Nullable Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken().isNumeric()) {
                return refused(p, "'" + p.getText() + "' has no unit (expected: a duration such as "
                        + p.getText() + "s)");
            }
            try {
                return Durations.parse(p.getValueAsString());
            } catch (IllegalArgumentException e) {
                return refused(p, String.valueOf(e.getMessage()));
            }
        }
    }
}
