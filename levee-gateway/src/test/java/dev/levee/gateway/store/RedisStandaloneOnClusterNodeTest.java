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
package dev.levee.gateway.store;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.RedisCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mode: standalone} pointed at a node of a real Redis Cluster: instead of a log full of MOVED errors, one
 * ERROR line and a DEGRADED store section that says {@code mode: cluster} is needed.
 */
class RedisStandaloneOnClusterNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisCluster CLUSTER = RedisCluster.ofPrimaries(3);

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    {
        logged.start();
        root.addAppender(logged);
    }

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/odds").handler(ctx -> ctx.end("{\"odds\":1.5}")))
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 1s }
                    store: { type: redis, redis: { url: "%s", command-timeout: 5s } }
                    events: { enabled: false }
                    routes:
                      - path: /odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 60s, queue: 0 }
                    """.formatted(CLUSTER.nodeUrls().get(0)))
            .build();

    @AfterEach
    void detach() {
        root.detachAppender(logged);
    }

    @Test
    void aClusterNodeBehindModeStandaloneIsAnErrorThatNamesModeCluster() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> store().has("error"));
        JsonNode s = store();
        assertThat(s.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(s.get("connected").asBoolean()).as("connected, but to the wrong kind of server").isTrue();
        assertThat(s.get("error").asText()).contains("cluster_enabled:1").contains("store.redis.mode: cluster");
        await().atMost(Duration.ofSeconds(10)).until(() -> logged.list.stream().anyMatch(e ->
                e.getLevel() == Level.ERROR && e.getFormattedMessage().contains("cluster_enabled:1")));
        assertThat(gw.get("/odds?fixture_id=f1").statusCode()).as("still serving").isEqualTo(200);
    }

    private JsonNode store() throws Exception {
        return JSON.readTree(gw.admin("/health").body()).at("/components/store");
    }
}
