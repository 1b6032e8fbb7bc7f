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
package dev.levee.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.EffectiveConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code levee validate} and {@code levee config}: exit codes, every error, the hash, and redaction. */
class ValidateCommandTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String HMAC = "an-hmac-secret-of-at-least-32-bytes-for-hs256";

    /** One run of the CLI: exit status, stdout, stderr. */
    record Run(int code, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = command == null ? LeveeCli.commandLine() : new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aValidFileIsOkWithTheHashTheGatewayShows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("levee.yaml");
        Files.writeString(file, "admission: { max-concurrent: 50 }\n");
        Run r = run(null, "validate", "--config", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String hash = EffectiveConfig.hash(ConfigLoader.load(file, System.getenv()));
        assertThat(r.out()).isEqualTo("config OK, hash " + hash + " (" + file + ")" + System.lineSeparator());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aBrokenFileGetsExit2WithEveryError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, """
                server: { port: 70000 }
                admission: { max-concurrent: 0 }
                routes:
                  - path: /a
                    cache: { fresh: 0s }
                """);
        for (String command : List.of("validate", "config")) {
            Run r = run(null, command, "--config", file.toString());
            assertThat(r.code()).as(command).isEqualTo(2);
            assertThat(r.out()).as(command).isEmpty();
            assertThat(r.err().lines()).as(command).containsExactly(
                    "levee: invalid config " + file + " (3 errors):",
                    "  server.port: 70000 (expected: 0..65535)",
                    "  admission.max-concurrent: 0 (expected: > 0)",
                    "  routes[0].cache.fresh: 0s (expected: > 0)");
        }
        Files.writeString(file, "server: { port: [1, 2\n");
        Run r = run(null, "validate", "--config", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("(1 error):", "config file: not valid YAML");
        r = run(null, "validate", "--config", dir.resolve("missing.yaml").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("missing.yaml: cannot be read");
    }

    @Test
    void serveReportsEveryErrorToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "server: { port: 70000 }\nadmission: { max-concurrent: 0 }\n");
        Run r = run(null, "serve", "--config", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).containsExactly("levee: invalid config: server.port: 70000 (expected: 0..65535)",
                "levee: invalid config: admission.max-concurrent: 0 (expected: > 0)");
    }

    @Test
    void configPrintsTheEffectiveConfigWithDefaultsAndEnvironmentAndNoSecret(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("levee.yaml");
        Files.writeString(file, """
                admin: { token: "admin-token-value" }
                auth: { jwt: { hmac-secret: "%s" } }
                upstream: { url: "http://svc:pw-in-upstream@upstream:9000" }
                store:
                  type: redis
                  redis: { url: "redis://:redis-password-value@redis:6379/0" }
                admission: { max-concurrent: 77 }
                """.formatted(HMAC));
        Map<String, String> env = Map.of("LEVEE_SERVER_PORT", "9123",
                "LEVEE_EVENTS_SINK", "https://sink-user:sink-pass@sink:9100/ingest");
        Run r = run(new ConfigCommand(env), "--config", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String secret : List.of("admin-token-value", HMAC, "pw-in-upstream", "redis-password-value", "sink-pass")) {
            assertThat(r.out()).as("the output shows no secret").doesNotContain(secret);
        }
        JsonNode printed = YAML.readTree(r.out());
        assertThat(printed.at("/server/port").asInt()).as("environment").isEqualTo(9123);
        assertThat(printed.at("/admission/max-concurrent").asInt()).as("file").isEqualTo(77);
        assertThat(printed.at("/admission/queue-capacity").asInt()).as("default").isPositive();
        assertThat(printed.at("/admin/token").asText()).isEqualTo(EffectiveConfig.REDACTED);
        assertThat(printed.at("/auth/jwt/hmac-secret").asText()).isEqualTo(EffectiveConfig.REDACTED);
        assertThat(printed.at("/upstream/url").asText()).isEqualTo("http://svc:<redacted>@upstream:9000");
        assertThat(printed.at("/store/redis/url").asText()).isEqualTo("redis://:<redacted>@redis:6379/0");
        assertThat(printed.at("/events/sink").asText()).isEqualTo("https://sink-user:<redacted>@sink:9100/ingest");
        String hash = EffectiveConfig.hash(ConfigLoader.load(file, env));
        assertThat(r.out()).startsWith("# effective config of " + file + ", hash " + hash);

        // what it prints loads again, to the same config but for the redacted values
        Path printedFile = dir.resolve("printed.yaml");
        Files.writeString(printedFile, r.out().replace("<redacted>", "x").replace("hmac-secret: x",
                "hmac-secret: " + HMAC));
        Run again = run(new ValidateCommand(Map.of()), "--config", printedFile.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).startsWith("config OK, hash " + hash);
    }

    @Test
    void aRedisPasswordInTheUrlOrInThePasswordKeyIsRedactedAndLeavesTheHashAlone(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("levee.yaml");
        String yaml = """
                store:
                  type: redis
                  redis: { mode: cluster, nodes: ["redis://levee:node-password-value@r1:7000"], username: levee,
                           password: "%s" }
                """;
        Files.writeString(file, yaml.formatted("key-password-value"));
        Run r = run(new ConfigCommand(Map.of()), "--config", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("node-password-value").doesNotContain("key-password-value");
        JsonNode printed = YAML.readTree(r.out());
        assertThat(printed.at("/store/redis/nodes/0").asText()).isEqualTo("redis://levee:<redacted>@r1:7000");
        assertThat(printed.at("/store/redis/password").asText()).isEqualTo(EffectiveConfig.REDACTED);
        assertThat(printed.at("/store/redis/username").asText()).as("not a secret").isEqualTo("levee");

        // the hash (shown in /health) does not move with the password: no way to test guesses against it
        String hash = EffectiveConfig.hash(ConfigLoader.load(file, Map.of()));
        Files.writeString(file, yaml.formatted("another-password"));
        assertThat(EffectiveConfig.hash(ConfigLoader.load(file, Map.of()))).isEqualTo(hash);
        assertThat(EffectiveConfig.hash(ConfigLoader.load(file, Map.of("LEVEE_STORE_REDIS_PASSWORD", "env-pw"))))
                .isEqualTo(hash);
    }

    @Test
    void theHashIsTheSameWhateverTheSpellingAndChangesWithTheConfig() {
        String a = EffectiveConfig.hash(ConfigLoader.load("server: { drain-period: 5s }\n", Map.of()));
        String b = EffectiveConfig.hash(ConfigLoader.load("server:\n  drain-period: 5000ms\n", Map.of()));
        String c = EffectiveConfig.hash(ConfigLoader.load("server: { drain-period: 6s }\n", Map.of()));
        assertThat(a).isEqualTo(b).isNotEqualTo(c).matches("[0-9a-f]{12}");
        assertThat(EffectiveConfig.hash(ConfigLoader.load(Map.of("LEVEE_SERVER_DRAIN_PERIOD", "5s")))).isEqualTo(a);
    }

    /** Every Levee config in etc/ and deploy/ passes {@code levee validate}; other YAML there is left alone. */
    @Test
    void everyLeveeConfigUnderEtcAndDeployValidates() throws Exception {
        List<Path> configs = new ArrayList<>();
        for (String root : List.of("etc", "deploy")) {
            Path dir = Path.of("..", root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                        .filter(ValidateCommandTest::isLeveeConfig).forEach(configs::add);
            }
        }
        assertThat(configs).as("deploy/k8s base and overlay configs").hasSizeGreaterThanOrEqualTo(2);
        for (Path config : configs) {
            Run r = run(new ValidateCommand(Map.of()), "--config", config.toString());
            assertThat(r.code()).as(config + ": " + r.err()).isZero();
            assertThat(r.out()).startsWith("config OK, hash ");
        }
    }

    /** Kubernetes objects ({@code apiVersion} and {@code kind}) and Prometheus rules ({@code groups}) are not. */
    private static boolean isLeveeConfig(Path file) {
        try {
            JsonNode doc = YAML.readTree(file.toFile());
            return doc != null && doc.isObject() && !(doc.has("apiVersion") && doc.has("kind")) && !doc.has("groups");
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is not valid YAML", e);
        }
    }
}
