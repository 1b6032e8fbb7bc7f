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
package dev.levee.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code https://} upstream (a Vert.x server with a self-signed certificate for {@code localhost}, made by
 * openssl): verified against {@code tls.ca-file}, refused with a 502 JSON error without it (the JDK's CAs do not
 * know it) and when the host name is not the certificate's, under {@code upstreams:} and the legacy block alike.
 */
class UpstreamTlsTest {
    @TempDir
    static Path dir;
    private static Vertx vertx;
    private static HttpServer server;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(
                        new PemKeyCertOptions().setKeyPath(dir.resolve("key.pem").toString())
                                .setCertPath(dir.resolve("cert.pem").toString())))
                .requestHandler(req -> req.response().end("secure " + req.path()))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A GET of {@code path} through a gateway started with {@code upstreams} (YAML) and stopped after. */
    private static HttpResponse<String> through(String upstreams, String path) throws Exception {
        String yaml = """
                server: { host: 127.0.0.1, port: 0, event-loops: 1, shutdown-grace: 1s, drain-period: 0s }
                admin: { port: 0 }
                access-log: { enabled: false }
                events: { enabled: false }
                """ + upstreams;
        Vertx gatewayVertx = Vertx.vertx();
        try {
            GatewayServer gateway = GatewayServer.start(gatewayVertx, ConfigLoader.load(yaml, Map.of()))
                    .await(20, TimeUnit.SECONDS);
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            } finally {
                gateway.shutdown().await(30, TimeUnit.SECONDS);
            }
        } finally {
            gatewayVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static String url(String host) {
        return "https://" + host + ":" + server.actualPort();
    }

    private static String ca() {
        return dir.resolve("cert.pem").toString();
    }

    @Test
    void aNamedHttpsUpstreamIsVerifiedWithItsCaFile() throws Exception {
        HttpResponse<String> r = through("""
                upstreams:
                  secure: { endpoints: ["%s"], tls: { ca-file: "%s" }, health-check: { enabled: false } }
                routes: [ { path: /s, upstream: secure } ]
                """.formatted(url("localhost"), ca()), "/s/x");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("secure /s/x");
    }

    @Test
    void theLegacyUpstreamIsVerifiedWithItsCaFileAndProxiesPlainRequests() throws Exception {
        HttpResponse<String> r = through("upstream: { url: \"%s\", tls: { ca-file: \"%s\" } }\n"
                .formatted(url("localhost"), ca()), "/plain");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("secure /plain");
    }

    @Test
    void withoutTheCaFileTheCertificateIsRefusedWith502() throws Exception {
        HttpResponse<String> r = through("upstream: { url: \"%s\" }\n".formatted(url("localhost")), "/plain");
        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("Upstream TLS handshake failed");
        HttpResponse<String> routed = through("""
                upstreams:
                  secure: { endpoints: ["%s"], health-check: { enabled: false } }
                routes: [ { path: /s, upstream: secure } ]
                """.formatted(url("localhost")), "/s/x");
        assertThat(routed.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(routed.body()).get("error").asText()).isEqualTo("Upstream TLS handshake failed");
    }

    @Test
    void aHostNameThatIsNotTheCertificatesIsRefusedEvenWithTheCaFile() throws Exception {
        HttpResponse<String> r = through("upstream: { url: \"%s\", tls: { ca-file: \"%s\" } }\n"
                .formatted(url("127.0.0.1"), ca()), "/plain");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("Upstream TLS handshake failed");
    }
}
