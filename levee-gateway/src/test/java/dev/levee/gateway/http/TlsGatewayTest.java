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

import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.testing.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the public port through the real gateway, with self-signed certificates made by openssl: HTTP/2 by ALPN
 * and HTTP/1.1, a certificate replaced on disk served to the next handshake, a PKCS#12 keystore, and no TLS 1.1.
 */
class TlsGatewayTest {
    @TempDir
    static Path dir;

    static Vertx vertx;
    static HttpServer upstream;
    static GatewayServer gateway;
    static TestCerts.Pem served; // the files the gateway reads
    static TestCerts.Pem first;

    @BeforeAll
    static void start() throws Exception {
        first = TestCerts.selfSigned(dir, "first", "levee-first");
        served = new TestCerts.Pem(dir.resolve("served.crt"), dir.resolve("served.key"));
        Files.copy(first.cert(), served.cert());
        Files.copy(first.key(), served.key());
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(r -> r.response().end("hi over " + r.version()))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        gateway = GatewayServer.start(vertx, config("""
                server: { tls: { cert-file: "%s", key-file: "%s", reload-interval: 100ms } }
                """.formatted(served.cert(), served.key()))).await(30, TimeUnit.SECONDS);
    }

    static LeveeConfig config(String yaml) {
        return config(yaml, "journal");
    }

    static LeveeConfig config(String yaml, String journal) {
        return ConfigLoader.load("upstream: { url: \"http://127.0.0.1:" + upstream.actualPort() + "\" }\n" + yaml,
                Map.of("LEVEE_SERVER_HOST", "127.0.0.1", "LEVEE_SERVER_PORT", "0", "LEVEE_ADMIN_PORT", "0",
                        "LEVEE_SERVER_DRAIN_PERIOD", "0s", "LEVEE_ACCESS_LOG_ENABLED", "false",
                        "LEVEE_EVENTS_JOURNAL_DIR", dir.resolve(journal).toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.shutdown().await(30, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(GatewayServer g, HttpClient.Version version, Path trusted)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().version(version).sslContext(TestCerts.trusting(trusted))
                .connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + g.port() + "/hello"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The certificate a fresh handshake is given (trusting anything: the test decides by subject). */
    private static X509Certificate handshake() throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void jdkClientGetsHttp2ByAlpnAndHttp11WhenItAsksForIt() throws Exception {
        HttpResponse<String> h2 = get(gateway, HttpClient.Version.HTTP_2, first.cert());
        assertThat(h2.statusCode()).isEqualTo(200);
        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(h2.body()).isEqualTo("hi over HTTP_1_1"); // the upstream is spoken to as before
        HttpResponse<String> h1 = get(gateway, HttpClient.Version.HTTP_1_1, first.cert());
        assertThat(h1.statusCode()).isEqualTo(200);
        assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void replacedCertificateFilesAreServedToTheNextHandshake() throws Exception {
        assertThat(handshake().getSubjectX500Principal().getName()).isEqualTo("CN=levee-first");
        TestCerts.Pem second = TestCerts.selfSigned(dir, "second", "levee-second");
        try {
            replaceServed(second);
            // the gateway reports the new certificate once every server instance has it
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(
                    () -> gateway.servedCertificate().getSubjectX500Principal().getName().equals("CN=levee-second"));
            X509Certificate next = handshake();
            assertThat(next.getSubjectX500Principal().getName()).isEqualTo("CN=levee-second");
            assertThat(next.getSerialNumber()).isEqualTo(gateway.servedCertificate().getSerialNumber());
            assertThat(get(gateway, HttpClient.Version.HTTP_2, second.cert()).version())
                    .as("ALPN still offered after the reload").isEqualTo(HttpClient.Version.HTTP_2);
            // a key that does not fit the certificate (half of a replacement): the served one stays
            Files.copy(first.key(), served.key(), StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(served.key(), FileTime.fromMillis(
                    Files.getLastModifiedTime(served.key()).toMillis() + 5_000));
            X509Certificate still = handshake();
            assertThat(still.getSubjectX500Principal().getName()).isEqualTo("CN=levee-second");
        } finally {
            replaceServed(first);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(
                    () -> gateway.servedCertificate().getSubjectX500Principal().getName().equals("CN=levee-first"));
        }
    }

    /** Copies {@code pem} over the served files and moves their modification times on, whatever the clock. */
    private static void replaceServed(TestCerts.Pem pem) throws IOException {
        long later = Math.max(Files.getLastModifiedTime(served.cert()).toMillis(),
                Files.getLastModifiedTime(served.key()).toMillis()) + 10_000;
        Files.copy(pem.key(), served.key(), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pem.cert(), served.cert(), StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(served.key(), FileTime.fromMillis(later));
        Files.setLastModifiedTime(served.cert(), FileTime.fromMillis(later));
    }

    @Test
    void tls11IsRefusedAndTls12Accepted() throws Exception {
        String target = "127.0.0.1:" + gateway.port();
        String tls12 = TestCerts.openssl("s_client", "-connect", target, "-tls1_2", "-brief");
        assertThat(tls12).contains("TLSv1.2");
        // the client is allowed TLS 1.1 (security level 0); the gateway must refuse it
        assertThatThrownBy(() -> TestCerts.openssl("s_client", "-connect", target, "-tls1_1",
                "-cipher", "DEFAULT@SECLEVEL=0", "-brief"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("alert protocol version"); // the server's alert, not a client-side refusal
    }

    @Test
    void pkcs12KeystoreIsServed() throws Exception {
        Path p12 = TestCerts.pkcs12(first, dir.resolve("first.p12"), "changeit");
        GatewayServer g = GatewayServer.start(vertx, config("""
                server: { tls: { keystore-file: "%s", keystore-password: changeit } }
                admin: { listen: false }
                """.formatted(p12), "journal-p12")).await(30, TimeUnit.SECONDS);
        try {
            HttpResponse<String> r = get(g, HttpClient.Version.HTTP_2, first.cert());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        } finally {
            g.shutdown().await(30, TimeUnit.SECONDS);
        }
    }
}
