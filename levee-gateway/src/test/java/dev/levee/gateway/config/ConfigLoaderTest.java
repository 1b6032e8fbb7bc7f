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

import dev.levee.gateway.testing.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @Test
    void defaultsAloneAreValidAndMatchDesign() {
        LeveeConfig c = ConfigLoader.load(Map.of());
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.server().bodyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.server().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.server().bodyBufferLimit().bytes()).isEqualTo(256L << 20);
        assertThat(c.upstream().url()).isEqualTo("http://127.0.0.1:9000");
        assertThat(c.upstream().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.admission().enabled()).isTrue();
        assertThat(c.admission().maxConcurrent().value()).isEqualTo(500);
        assertThat(c.admission().queueCapacity()).isEqualTo(1000);
        assertThat(c.admission().maxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.events().warningThreshold()).isEqualTo(10_000);
        assertThat(c.events().criticalThreshold()).isEqualTo(50_000);
        assertThat(c.events().recoveryThreshold()).isEqualTo(5_000);
        assertThat(c.events().priorities()).containsEntry("batch-operation", 10).containsEntry("scheduled", 1);
        assertThat(c.store().type()).isEqualTo(StoreConfig.Type.memory);
        assertThat(c.routes()).isEmpty();
    }

    @Test
    void maxConcurrentAutoTurnsOnTheAdaptiveLimitWithOptionalBounds() {
        LeveeConfig c = ConfigLoader.load("admission: { max-concurrent: auto }", Map.of());
        assertThat(c.admission().maxConcurrent().auto()).isTrue();
        assertThat(c.admission().adaptive().min()).isNull();
        c = ConfigLoader.load("admission: { max-concurrent: auto, adaptive: { min: 5, max: 300, initial: 40 } }",
                Map.of());
        assertThat(c.admission().adaptive()).isEqualTo(new AdmissionConfig.AdaptiveConfig(5, 300, 40));
        c = ConfigLoader.load(Map.of("LEVEE_ADMISSION_MAX_CONCURRENT", "auto", "LEVEE_ADMISSION_ADAPTIVE_MAX", "64"));
        assertThat(c.admission().maxConcurrent().auto()).isTrue();
        assertThat(c.admission().adaptive().max()).isEqualTo(64);
        assertThat(ConfigLoader.load(Map.of()).admission().maxConcurrent().auto()).isFalse(); // the default: 500
    }

    @Test
    void fileOverridesDefaultsAndKeepsTheRest() {
        LeveeConfig c = ConfigLoader.load("""
                server: { port: 9090 }
                upstream: { url: "http://example.test:7000/base/", timeout: 250ms }
                admission: { max-concurrent: 800 }
                """, Map.of());
        assertThat(c.server().port()).isEqualTo(9090);
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.upstream().timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.upstream().basePath()).isEqualTo("/base");
        assertThat(c.upstream().port()).isEqualTo(7000);
        assertThat(c.admission().maxConcurrent().value()).isEqualTo(800);
        assertThat(c.admission().queueCapacity()).isEqualTo(1000);
    }

    @Test
    void routeBlocksAreFilledWithRouteDefaults() {
        LeveeConfig c = ConfigLoader.load("""
                routes:
                  - path: /api/v3/fixtures/odds
                    cache: { fresh: 2s }
                    coalesce: true
                  - path: /api/v3/fixtures
                """, Map.of());
        RouteConfig odds = c.routes().get(0);
        assertThat(odds.cache().fresh()).isEqualTo(Duration.ofSeconds(2));
        assertThat(odds.cache().stale()).isEqualTo(Duration.ofSeconds(60));
        assertThat(odds.coalesce().maxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(odds.batch()).isNull();
        assertThat(c.routes().get(1).cache()).isNull();
        assertThat(c.routeFor("/api/v3/fixtures/odds?x")).isSameAs(odds);
        assertThat(c.routeFor("/api/v3/fixtures")).isSameAs(c.routes().get(1));
        assertThat(c.routeFor("/other")).isNull();
    }

    @Test
    void environmentOverridesEveryKnownKeyWithTypedValues() {
        LeveeConfig c = ConfigLoader.load("""
                routes:
                  - path: /a
                    cache: { fresh: 2s }
                """, Map.of(
                "LEVEE_ADMISSION_MAX_CONCURRENT", "800",
                "LEVEE_ADMISSION_ENABLED", "false",
                "LEVEE_UPSTREAM_TIMEOUT", "3s",
                "LEVEE_AUTH_JWT_ISSUER", "https://issuer.test",
                "LEVEE_EVENTS_PRIORITIES_TELEMETRY_DATA", "7",
                "LEVEE_ROUTES_0_CACHE_FRESH", "9s",
                "LEVEE_STORE_TYPE", "redis",
                "UNRELATED", "x"));
        assertThat(c.admission().maxConcurrent().value()).isEqualTo(800);
        assertThat(c.admission().enabled()).isFalse();
        assertThat(c.upstream().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.auth().jwt().issuer()).isEqualTo("https://issuer.test");
        assertThat(c.events().priorities()).containsEntry("telemetry-data", 7);
        assertThat(c.routes().get(0).cache().fresh()).isEqualTo(Duration.ofSeconds(9));
        assertThat(c.store().type()).isEqualTo(StoreConfig.Type.redis);
    }

    @Test
    void everyRouteGetsTheDefaultBreakerUnlessItTurnsItOff() {
        LeveeConfig c = ConfigLoader.load("""
                routes:
                  - path: /plain
                  - path: /tuned
                    breaker: { slow-call-duration: 500ms, open-for: 5s }
                  - path: /off
                    breaker: { enabled: false }
                  - path: /off-by-env
                """, Map.of("LEVEE_ROUTES_3_BREAKER_ENABLED", "false"));
        RouteConfig.Breaker plain = c.routes().get(0).breaker();
        assertThat(plain).isEqualTo(new RouteConfig.Breaker(true, 50, 50, Duration.ofSeconds(1), 10, 20,
                Duration.ofSeconds(3), 3));
        RouteConfig.Breaker tuned = c.routes().get(1).breaker();
        assertThat(tuned.slowCallDuration()).isEqualTo(Duration.ofMillis(500));
        assertThat(tuned.openFor()).isEqualTo(Duration.ofSeconds(5));
        assertThat(tuned.minimumCalls()).isEqualTo(10); // the rest from the defaults
        assertThat(c.routes().get(2).breaker()).isNull();
        assertThat(c.routes().get(3).breaker()).isNull();
        assertThat(c.routes().get(0).cache()).isNull(); // other blocks stay off when absent
    }

    @Test
    void upstreamMaxInFlightHasADefaultAndAnOverride() {
        assertThat(ConfigLoader.load(Map.of()).upstream().maxInFlight()).isEqualTo(512);
        assertThat(ConfigLoader.load("upstream: { max-in-flight: 64 }", Map.of()).upstream().maxInFlight())
                .isEqualTo(64);
        assertThat(ConfigLoader.load(Map.of("LEVEE_UPSTREAM_MAX_IN_FLIGHT", "32")).upstream().maxInFlight())
                .isEqualTo(32);
    }

    @Test
    void legacyEventEnvironmentNamesStillWork() {
        LeveeConfig c = ConfigLoader.load(Map.of(
                "QUEUE_WARNING_THRESHOLD", "1000",
                "QUEUE_CRITICAL_THRESHOLD", "5000",
                "QUEUE_RECOVERY_THRESHOLD", "500",
                "DEFAULT_EVENT_PRIORITY", "3",
                "ENABLE_BACKPRESSURE", "false"));
        assertThat(c.events().warningThreshold()).isEqualTo(1000);
        assertThat(c.events().criticalThreshold()).isEqualTo(5000);
        assertThat(c.events().recoveryThreshold()).isEqualTo(500);
        assertThat(c.events().defaultPriority()).isEqualTo(3);
        assertThat(c.events().enabled()).isFalse();
    }

    @Test
    void leveePrefixedNameWinsOverLegacyName() {
        LeveeConfig c = ConfigLoader.load(Map.of("QUEUE_WARNING_THRESHOLD", "1000",
                "LEVEE_EVENTS_WARNING_THRESHOLD", "20000"));
        assertThat(c.events().warningThreshold()).isEqualTo(20000);
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("levee.yaml");
        Files.writeString(f, "server: { port: 7070 }\n");
        assertThat(ConfigLoader.load(f, Map.of()).server().port()).isEqualTo(7070);
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml").hasMessageContaining("cannot be read");
    }

    @Test
    void tlsDefaultsAreCleartextHttp2OnAndModernTls() {
        LeveeConfig c = ConfigLoader.load(Map.of());
        assertThat(c.server().tls().enabled()).isFalse();
        assertThat(c.server().tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(c.server().tls().cipherSuites()).allMatch(s -> s.startsWith("TLS_AES") || s.startsWith("TLS_CHACHA")
                || s.startsWith("TLS_ECDHE"));
        assertThat(c.server().http2().enabled()).isTrue();
        assertThat(c.server().http2().clearText()).isTrue();
        assertThat(c.server().http2().maxConcurrentStreams()).isEqualTo(100);
        assertThat(c.server().http2().rstFloodMaxPerWindow()).isEqualTo(200);
        assertThat(c.server().http2().rstFloodWindow()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void tlsFilesThatCannotBeServedStopStartupNamingTheKey(@TempDir Path dir) throws Exception {
        TestCerts.Pem a = TestCerts.selfSigned(dir, "a", "a");
        TestCerts.Pem b = TestCerts.selfSigned(dir, "b", "b");
        String pem = "server: { tls: { cert-file: '%s', key-file: '%s' } }";
        assertThat(ConfigLoader.load(pem.formatted(a.cert(), a.key()), Map.of()).server().tls().enabled()).isTrue();
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n"
                + "-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ConfigLoader.load(pem.formatted(a.cert(), garbage), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.tls.key-file: " + garbage + " (expected: a PEM private key");
        Path text = Files.writeString(dir.resolve("text.key"), "hello\n");
        assertThatThrownBy(() -> ConfigLoader.load(pem.formatted(a.cert(), text), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.tls.key-file: " + text + " (expected: a PEM private key");
        assertThatThrownBy(() -> ConfigLoader.load(pem.formatted(a.cert(), b.key()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.tls.key-file: " + b.key()
                        + " (expected: the private key of the certificate CN=a");
        Path missing = dir.resolve("missing.key");
        assertThatThrownBy(() -> ConfigLoader.load(pem.formatted(a.cert(), missing), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.tls.key-file: " + missing + " (expected: a readable PEM private key");
        assertThatThrownBy(() -> ConfigLoader.load(pem.formatted(a.key(), a.key()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.tls.cert-file: " + a.key());
        Path p12 = TestCerts.pkcs12(a, dir.resolve("a.p12"), "right");
        String ks = "server: { tls: { keystore-file: '%s', keystore-password: '%s' } }";
        assertThat(ConfigLoader.load(ks.formatted(p12, "right"), Map.of()).server().tls().enabled()).isTrue();
        assertThatThrownBy(() -> ConfigLoader.load(ks.formatted(p12, "wrong"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.tls.keystore-file: " + p12 + " (expected: a PKCS#12 keystore");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "admission: { max-concurrent: 0 }                 | admission.max-concurrent: 0 (expected: > 0)",
            "access-log: { target: syslog }                   | access-log.target: 'syslog' (expected: stdout or file)",
            "access-log: { target: file, path: '' }           | access-log.path: empty (expected: the access log file, with target: file)",
            "access-log: { fields: [status, colour] }         | access-log.fields: 'colour' is not an access-log field",
            "access-log: { sample-rate: 1.5 }                 | access-log.sample-rate: 1.5",
            "access-log: { queue-capacity: 0 }                | access-log.queue-capacity: 0 (expected: > 0)",
            "access-log: { enabled: sometimes }               | access-log.enabled: 'sometimes' is not a valid boolean",
            "log: { format: xml }                             | log.format: 'xml' (expected: plain or json)",
            "tracing: { otlp-endpoint: 'ftp://collector/x' }  | tracing.otlp-endpoint: 'ftp://collector/x' (expected: an http(s) URL",
            "tracing: { otlp-endpoint: collector }           | tracing.otlp-endpoint: 'collector' (expected: an http(s) URL",
            "tracing: { sample-ratio: 2 }                     | tracing.sample-ratio: 2.0 (expected: >= 0 and <= 1)",
            "tracing: { queue-capacity: 0 }                   | tracing.queue-capacity: 0 (expected: > 0)",
            "tracing: { service-name: '' }                    | tracing.service-name: empty",
            "admission: { max-concurrent: -5 }                | admission.max-concurrent: -5 (expected: > 0)",
            "admission: { max-concurrent: lots }              | admission.max-concurrent: 'lots' is not a valid whole number",
            "admission: { max-concurrent: automatic }         | admission.max-concurrent: 'automatic' is not a valid whole number or auto",
            "admission: { max-concurrent: auto, adaptive: { min: 0 } } | admission.adaptive.min: 0 (expected: > 0)",
            "admission: { max-concurrent: auto, adaptive: { max: -1 } } | admission.adaptive.max: -1 (expected: > 0)",
            "admission: { max-concurrent: auto, adaptive: { min: 50, max: 10 } } | admission.adaptive.min: 50 (expected: <= max 10)",
            "admission: { max-concurrent: auto, adaptive: { min: 5, initial: 2 } } | admission.adaptive.initial: 2 (expected: between min and max)",
            "admission: { max-concurrent: auto, adaptive: { step: 2 } } | admission.adaptive.step: unknown key",
            "admission: { max-concurrent: 100, adaptive: { min: 5 } } | admission.adaptive: { min: 5, max: ~, initial: ~ } (expected: only with max-concurrent: auto; max-concurrent is 100)",
            "admission: { queue-capacity: 0 }                 | admission.queue-capacity: 0 (expected: > 0)",
            "admission: { max-wait: 0s }                      | admission.max-wait: 0s (expected: > 0)",
            "admission: { max-wait: soon }                    | admission.max-wait: 'soon' is not a duration",
            "admission: { max-wait: 30 }                      | admission.max-wait: '30' has no unit",
            "admission: { enabled: maybe }                    | admission.enabled: 'maybe' is not a valid boolean",
            "admission: { max-concurent: 5 }                  | admission.max-concurent: unknown key",
            "server: { port: 70000 }                          | server.port: 70000 (expected: 0..65535)",
            "server: { max-body-size: 10 parsecs }            | server.max-body-size: '10 parsecs' is not a size",
            "upstream: { url: 'ftp://x' }                     | upstream.url: 'ftp://x' (expected: an http:// or https:// URL with a host)",
            "upstream: { url: ~ }                             | upstream.url: missing",
            "upstream: { timeout: -1s }                       | upstream.timeout: '-1s' is not a duration",
            "auth: { jwt: { hmac-secret: short } }            | auth.jwt.hmac-secret: 5 characters (expected: at least 32 bytes",
            "events: { warning-threshold: 100000 }            | events.thresholds: recovery 5000, warning 100000, critical 50000 (expected: recovery < warning < critical)",
            "events: { priorities: { telemetry-data: 11 } }   | events.priorities.telemetry-data: 11 (expected: 1..10)",
            "store: { type: postgres }                        | store.type: 'postgres' is not a valid choice (one of [memory, redis])",
            "store: { redis: { url: 'http://x' } }            | store.redis.url: 'http://x' (expected: redis://host:port)",
            "routes: [ { path: api } ]                        | routes[0].path: 'api' (expected: a path prefix starting with /)",
            "routes: [ { path: /a, cache: { fresh: 0s } } ]   | routes[0].cache.fresh: 0s (expected: > 0)",
            "routes: [ { path: /a, hot-spot: { key: 'cookie:x' } } ] | routes[0].hot-spot.key: 'cookie:x' (expected: query:NAME, path:N or header:NAME)",
            "routes: [ { path: /a, cache: 5 } ]               | routes[0].cache: expected a mapping",
            "routes: [ { path: /a, breaker: false } ]         | routes[0].breaker: expected a mapping (to turn it off: breaker: { enabled: false })",
            "routes: [ { path: /a, breaker: off } ]           | routes[0].breaker: expected a mapping (to turn it off: breaker: { enabled: false })",
            "routes: [ { path: /a, breaker: { enabled: maybe } } ] | routes[0].breaker.enabled: 'maybe' is not a valid boolean",
            "routes: [ { path: /a, breaker: { slow-call-duration: 0s } } ] | routes[0].breaker.slow-call-duration: 0s (expected: > 0)",
            "routes: [ { path: /a, breaker: { slow-call-rate-threshold: 0 } } ] | routes[0].breaker.slow-call-rate-threshold: 0 (expected: 1..100)",
            "routes: [ { path: /a, breaker: { minimum-calls: 0 } } ] | routes[0].breaker.minimum-calls: 0 (expected: > 0)",
            "routes: [ { path: /a, breaker: { open-for: 3 } } ] | routes[0].breaker.open-for: '3' has no unit",
            "routes: [ { path: /a, breaker: { slow-calls: 5 } } ] | routes[0].breaker.slow-calls: unknown key",
            "upstream: { max-in-flight: 0 }                   | upstream.max-in-flight: 0 (expected: 1..100000)",
            "upstream: { max-in-flight: many }                | upstream.max-in-flight: 'many' is not a valid whole number",
            "routes: { path: /a }                             | routes: expected a list of routes",
            "unknown-section: { a: 1 }                        | unknown-section: unknown key",
            "server: { trusted-proxies: [lb.example] }        | server.trusted-proxies: 'lb.example' (expected: an IP address or CIDR",
            "server: { max-headers: 0 }                       | server.max-headers: 0 (expected: 1..1000)",
            "server: { drain-period: -1s }                    | server.drain-period: '-1s' is not a duration",
            "server: { drain-period: 5 }                      | server.drain-period: '5' has no unit",
            "events: { journal: { fsync: sometimes } }        | events.journal.fsync: 'sometimes' is not a valid choice (one of [always, batch, never])",
            "events: { journal: { max-size: 1KB } }           | events.journal.max-size: 1024 bytes (expected: >= 64KB)",
            "events: { journal: { dir: '' } }                 | events.journal.dir: '' (expected: a directory path)",
            "server: { header-timeout: 0s }                   | server.header-timeout: 0s (expected: > 0)",
            "server: { body-timeout: 0s }                     | server.body-timeout: 0s (expected: > 0)",
            "server: { idle-timeout: 0s }                     | server.idle-timeout: 0s (expected: > 0)",
            "server: { body-buffer-limit: 1MB }               | server.body-buffer-limit: 1MB (expected: >= max-body-size 10MB)",
            "'[not: closed'                                   | config file: expected a mapping",
            "server: { http2: { max-concurrent-streams: 0 } } | server.http2.max-concurrent-streams: 0 (expected: > 0)",
            "server: { http2: { max-header-list-size: 100B } } | server.http2.max-header-list-size: 100B (expected: 1KB..1MB)",
            "server: { http2: { rst-flood-max-per-window: 0 } } | server.http2.rst-flood-max-per-window: 0 (expected: > 0)",
            "server: { http2: { rst-flood-window: 500ms } }   | server.http2.rst-flood-window: 500ms (expected: whole seconds",
            "server: { http2: { enabled: sometimes } }        | server.http2.enabled: 'sometimes' is not a valid boolean",
            "server: { tls: { key-file: /k.pem } }            | server.tls.cert-file: missing",
            "server: { tls: { cert-file: /c.pem } }           | server.tls.key-file: missing",
            "server: { tls: { keystore-file: /k.p12 } }       | server.tls.keystore-password: missing",
            "server: { tls: { cert-file: /c, key-file: /k, keystore-file: /s } } | server.tls.keystore-file: /s (expected: either",
            "server: { tls: { cert-file: /nope.crt, key-file: /nope.key } } | server.tls.cert-file: /nope.crt (expected: a readable PEM certificate file",
            "server: { tls: { protocols: [TLSv1.1] } }        | server.tls.protocols: [TLSv1.1] (expected: some of [TLSv1.2, TLSv1.3])",
            "server: { tls: { cipher-suites: [TLS_RSA_WITH_NULL_NOPE] } } | server.tls.cipher-suites: TLS_RSA_WITH_NULL_NOPE (expected: a cipher suite",
            "server: { tls: { reload-interval: -1s } }        | server.tls.reload-interval: '-1s' is not a duration",
    })
    void badValuesStopStartupWithAMessageNamingKeyAndValue(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void invalidYamlSyntaxIsReportedWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.load("server:\n  port: [1, 2\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file: not valid YAML");
    }

    @Test
    void badEnvironmentValueNamesTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("LEVEE_ADMISSION_MAX_CONCURRENT", "zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("admission.max-concurrent: 'zero' is not a valid whole number");
    }

    @Test
    void envNamesFollowUpperSnakeCase() {
        assertThat(ConfigLoader.envName(java.util.List.of("admission", "max-concurrent")))
                .isEqualTo("LEVEE_ADMISSION_MAX_CONCURRENT");
        assertThat(ConfigLoader.envName(java.util.List.of("routes", 0, "cache", "fresh")))
                .isEqualTo("LEVEE_ROUTES_0_CACHE_FRESH");
    }

    @Test
    void theAccessLogIsOnByDefaultOnStdoutAndTheLogFormatHasItsEnvironmentName() {
        LeveeConfig defaults = ConfigLoader.load(Map.of());
        assertThat(defaults.accessLog().enabled()).isTrue();
        assertThat(defaults.accessLog().toFile()).isFalse();
        assertThat(defaults.accessLog().fields()).isEqualTo(AccessLogConfig.FIELDS);
        assertThat(defaults.log().json()).isFalse();
        LeveeConfig env = ConfigLoader.load(Map.of("LEVEE_LOG_FORMAT", "json", "LEVEE_ACCESS_LOG_ENABLED", "false",
                "LEVEE_ACCESS_LOG_TARGET", "file"));
        assertThat(env.log().json()).isTrue();
        assertThat(env.accessLog().enabled()).isFalse();
        assertThat(env.accessLog().toFile()).isTrue();
    }

    @Test
    void everyErrorOfAFileIsReportedAtOnceEachStartingWithItsKeyPath() {
        String yaml = """
                server: { port: 70000 }
                admission: { max-concurrent: 0 }
                routes:
                  - path: /ok
                  - path: /a
                    cache: { fresh: 0s }
                """;
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        "server.port: 70000 (expected: 0..65535)",
                        "admission.max-concurrent: 0 (expected: > 0)",
                        "routes[1].cache.fresh: 0s (expected: > 0)"))
                .hasMessage("""
                        server.port: 70000 (expected: 0..65535)
                        admission.max-concurrent: 0 (expected: > 0)
                        routes[1].cache.fresh: 0s (expected: > 0)""");
    }

    @Test
    void severalErrorsInOneBlockAreAllReported() {
        String yaml = """
                server: { port: abc, max-headers: 0, drain-period: 5, idle-timeout: 0s, colour: blue }
                store: { type: postgres, redis: { url: 'http://x', expected-instances: 0 } }
                """;
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactlyInAnyOrder(
                        "server.port: 'abc' is not a valid whole number",
                        "server.max-headers: 0 (expected: 1..1000)",
                        "server.drain-period: '5' has no unit (expected: a duration such as 5s)",
                        "server.idle-timeout: 0s (expected: > 0)",
                        "server.colour: unknown key (known here: " + knownKeys("server") + ")",
                        "store.type: 'postgres' is not a valid choice (one of [memory, redis])",
                        "store.redis.url: 'http://x' (expected: redis://host:port)"));
    }

    @Test
    void anErrorIsNotEchoedByTheChecksThatDependOnIt() {
        // the thresholds' order check would see the placeholder of the refused value; the block's required check
        // would see the refused block: neither is reported
        assertThatThrownBy(() -> ConfigLoader.load("events: { warning-threshold: lots }\n", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .containsExactly("events.warning-threshold: 'lots' is not a valid whole number"));
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { url: 'http://x' } }\n", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .containsExactly("store.redis.url: 'http://x' (expected: redis://host:port)"));
        assertThatThrownBy(() -> ConfigLoader.load("admission: { queue-capacity: 0, max-wait: 0s }\n", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        "admission.queue-capacity: 0 (expected: > 0)", "admission.max-wait: 0s (expected: > 0)"));
    }

    @Test
    void structuralAndEnvironmentErrorsAreCollectedWithTheRest() {
        String yaml = """
                routes:
                  - 5
                  - path: api
                  - path: /b
                    cache: 5
                """;
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of("LEVEE_ADMISSION_MAX_CONCURRENT", "zero")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactlyInAnyOrder(
                        "routes[0]: expected a mapping with at least 'path'",
                        "routes[2].cache: expected a mapping",
                        "routes[1].path: 'api' (expected: a path prefix starting with /)",
                        "admission.max-concurrent: 'zero' is not a valid whole number or auto"));
    }

    private static String knownKeys(String section) {
        try {
            ConfigLoader.load(section + ": { no-such-key: 1 }\n", Map.of());
        } catch (ConfigException e) {
            String m = e.getMessage();
            return m.substring(m.indexOf("(known here: ") + "(known here: ".length(), m.length() - 1);
        }
        throw new AssertionError("no error for an unknown key");
    }

    @Test
    void namedUpstreamsGetTheDefaultsAndTheLegacyBlocksTimeoutsAndRoutesNameThem() {
        LeveeConfig c = ConfigLoader.load("""
                upstream: { url: "http://legacy:9000", timeout: 3s, max-in-flight: 64 }
                upstreams:
                  odds: { endpoints: ["http://a:9000", "https://b:9443/base"], balancer: least-requests }
                routes:
                  - { path: /api/odds, upstream: odds }
                  - { path: /api/other }
                """, Map.of("LEVEE_UPSTREAMS_ODDS_RETRY_BUDGET", "0.5"));
        UpstreamClusterConfig odds = c.upstreams().get("odds");
        assertThat(odds.endpoints()).containsExactly("http://a:9000", "https://b:9443/base");
        assertThat(odds.balancer()).isEqualTo("least-requests");
        assertThat(odds.timeout()).isEqualTo(Duration.ofSeconds(3)); // from upstream:
        assertThat(odds.maxInFlight()).isEqualTo(64);
        assertThat(odds.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(odds.healthCheck().enabled()).isTrue();
        assertThat(odds.healthCheck().path()).isEqualTo("/health");
        assertThat(odds.outlier().consecutiveFailures()).isEqualTo(5);
        assertThat(odds.retry().budget()).isEqualTo(0.5); // the environment reaches the filled-in keys
        assertThat(c.routes().get(0).upstream()).isEqualTo("odds");
        assertThat(c.routes().get(1).upstream()).isNull();
        // the legacy block is the default: one endpoint, nothing retried or ejected
        UpstreamClusterConfig fallback = c.upstreamClusters().get(LeveeConfig.DEFAULT_UPSTREAM);
        assertThat(fallback.endpoints()).containsExactly("http://legacy:9000");
        assertThat(fallback.healthCheck().enabled()).isFalse();
        assertThat(fallback.outlier().enabled()).isFalse();
        assertThat(c.upstreamClusters().keySet()).containsExactly("default", "odds");
    }

    @Test
    void anUpstreamNamedDefaultReplacesTheLegacyBlockAsTheDefault() {
        LeveeConfig c = ConfigLoader.load("upstreams: { default: { endpoints: [\"http://a:1\", \"http://b:1\"] } }",
                Map.of());
        assertThat(c.upstreamClusters().get("default").endpoints()).hasSize(2);
    }

    @Test
    void aRouteNamingAnUnknownUpstreamIsAnErrorNamingTheRouteAndTheKnownOnes() {
        assertThatThrownBy(() -> ConfigLoader.load("""
                upstreams: { odds: { endpoints: ["http://a:9000"] } }
                routes: [ { path: /api/odds, upstream: oddz } ]
                """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("routes[0].upstream: 'oddz' is not a configured upstream (route /api/odds; known: "
                        + "[default, odds])");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "endpoints: [\"ftp://a:1\"]|upstreams.u.endpoints[0]: 'ftp://a:1' (expected: an http:// or https:// URL with a host)",
            "endpoints: [\"http://a:1\", \"not a url\"]|upstreams.u.endpoints[1]: 'not a url' (expected: an http:// or https:// URL with a host)",
            "endpoints: []|upstreams.u.endpoints: [] (expected: at least one http:// or https:// URL)",
            "endpoints: [\"http://a:1\", \"http://a:1/x\"]|upstreams.u.endpoints[1]: 'http://a:1/x' (expected: each host and port once)",
            "{ endpoints: [\"http://a:1\"], balancer: random }|upstreams.u.balancer: 'random' (expected: round-robin or least-requests)",
            "{ endpoints: [\"http://a:1\"], health-check: { unhealthy-threshold: 0 } }|upstreams.u.health-check.unhealthy-threshold: 0 (expected: > 0)",
            "{ endpoints: [\"http://a:1\"], health-check: { healthy-threshold: -1 } }|upstreams.u.health-check.healthy-threshold: -1 (expected: > 0)",
            "{ endpoints: [\"http://a:1\"], health-check: { interval: 0s } }|upstreams.u.health-check.interval: 0s (expected: > 0)",
            "{ endpoints: [\"http://a:1\"], health-check: { path: health } }|upstreams.u.health-check.path: 'health' (expected: a path starting with /)",
            "{ endpoints: [\"http://a:1\"], outlier: { consecutive-failures: 0 } }|upstreams.u.outlier.consecutive-failures: 0 (expected: > 0)",
            "{ endpoints: [\"http://a:1\"], outlier: { ejection-time: 0s } }|upstreams.u.outlier.ejection-time: 0s (expected: > 0)",
            "{ endpoints: [\"http://a:1\"], retry: { budget: 1.5 } }|upstreams.u.retry.budget: 1.5 (expected: >= 0 and <= 1)",
            "{ endpoints: [\"http://a:1\"], retry: { budget: -0.1 } }|upstreams.u.retry.budget: -0.1 (expected: >= 0 and <= 1)",
            "{ endpoints: [\"http://a:1\"], tls: { ca-file: /no/such/ca.pem } }|upstreams.u.tls.ca-file: /no/such/ca.pem (expected: a readable PEM file)",
            "7|upstreams.u: expected a mapping with at least 'endpoints'",
    })
    void badUpstreamsAreErrorsWithTheKeyPathAndValue(String entry, String message) {
        String yaml = entry.startsWith("{") || entry.equals("7") ? "upstreams: { u: " + entry + " }"
                : "upstreams: { u: { " + entry + " } }";
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void theLegacyUpstreamTakesACaFileAndRejectsAnUnreadableOne(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        assertThat(ConfigLoader.load("upstream: { url: \"https://x:1\", tls: { ca-file: " + ca + " } }", Map.of())
                .upstream().tls().caFile()).isEqualTo(ca.toString());
        assertThat(ConfigLoader.load(Map.of()).upstream().tls().caFile()).isNull();
        assertThatThrownBy(() -> ConfigLoader.load("upstream: { tls: { ca-file: " + dir.resolve("no.pem") + " } }",
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("upstream.tls.ca-file: " + dir.resolve("no.pem") + " (expected: a readable PEM file)");
    }

    @Test
    void anUpstreamNameMustBeALabel() {
        assertThatThrownBy(() -> ConfigLoader.load("upstreams: { \"a b\": { endpoints: [\"http://a:1\"] } }",
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("upstreams.a b: 'a b' is not a valid upstream name");
    }
}
