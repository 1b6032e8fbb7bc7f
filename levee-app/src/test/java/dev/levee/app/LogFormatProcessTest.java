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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The launcher's logs, in a real {@code levee serve} process: JSON lines from logback's JsonEncoder with
 * {@code LEVEE_LOG_FORMAT=json} or {@code log.format: json}, dated plain lines otherwise; the access log on
 * stdout, one JSON line per request with the client's request id.
 */
class LogFormatProcessTest {
    private static final Pattern LISTENING = Pattern.compile("levee gateway on http://127\\.0\\.0\\.1:(\\d+) -> ");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts serve, sends one request with id {@code id}, stops it (SIGTERM); returns the stderr lines. */
    private List<String> serve(String extraYaml, Map<String, String> env, String id) throws Exception {
        Path config = dir.resolve("levee.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0, drain-period: 0s, shutdown-grace: 1s }
                admin: { port: 0 }
                upstream: { url: "http://127.0.0.1:1" }
                events: { enabled: false }
                """ + extraYaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("stdout.log");
        Path err = dir.resolve("stderr.log");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LeveeCli.class.getName(), "serve", "--config", config.toString()).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("LEVEE_LOG_FORMAT");
        pb.environment().putAll(env);
        process = pb.start();
        int port = await().atMost(60, TimeUnit.SECONDS).until(() -> port(out), p -> p > 0);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/anything?api_key=hidden")).header("X-Request-Id", id)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("no upstream on port 1").isEqualTo(502);
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue(id);
        JsonNode access = await().atMost(10, TimeUnit.SECONDS).until(() -> accessLine(out, id), l -> l != null);
        assertThat(access.get("status").asInt()).isEqualTo(502);
        assertThat(access.get("path").asText()).isEqualTo("/anything");
        assertThat(Files.readString(out)).doesNotContain("hidden");
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // the JVM's own warnings (native access by Netty's transports, "WARNING: ...") are not logback's
        List<String> lines = Files.readAllLines(err).stream().filter(l -> !l.isBlank())
                .filter(l -> !l.startsWith("WARNING: ")).toList();
        assertThat(lines).as("the gateway logs its start and shutdown").isNotEmpty();
        return lines;
    }

    private static int port(Path out) throws IOException {
        Matcher m = LISTENING.matcher(Files.exists(out) ? Files.readString(out) : "");
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static JsonNode accessLine(Path out, String id) throws IOException {
        for (String l : Files.readAllLines(out)) {
            if (l.startsWith("{")) {
                JsonNode n = JSON.readTree(l);
                if (id.equals(n.path("request_id").asText())) {
                    return n;
                }
            }
        }
        return null;
    }

    private static void assertJson(List<String> lines) throws IOException {
        for (String l : lines) {
            JsonNode n = JSON.readTree(l); // throws on anything that is not one JSON object
            assertThat(n.isObject()).as(l).isTrue();
            assertThat(n.has("level")).as(l).isTrue();
            assertThat(n.has("message")).as(l).isTrue();
            assertThat(n.has("timestamp")).as(l).isTrue();
        }
    }

    @Test
    void leveeLogFormatJsonGivesJsonLines() throws Exception {
        assertJson(serve("", Map.of("LEVEE_LOG_FORMAT", "json"), "env-json-1"));
    }

    @Test
    void theConfigKeyGivesJsonLinesToo() throws Exception {
        List<String> lines = serve("log: { format: json }\n", Map.of(), "cfg-json-1");
        // the lines before the config is loaded follow logback.xml (plain); everything after is JSON
        List<String> json = lines.stream().dropWhile(l -> !l.startsWith("{")).toList();
        assertThat(json).isNotEmpty();
        assertJson(json);
    }

    @Test
    void thePlainFormatShowsTheDateAndZone() throws Exception {
        for (String l : serve("", Map.of(), "plain-1")) {
            assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) .*");
        }
    }
}
