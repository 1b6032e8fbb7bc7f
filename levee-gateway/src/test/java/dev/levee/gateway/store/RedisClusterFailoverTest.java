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

import com.fasterxml.jackson.databind.JsonNode;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.testing.RedisCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failover under load on a real 3 + 3 Redis Cluster ({@code cluster-node-timeout} 2 s): two gateway instances
 * ({@code mode: cluster}) under steady event and hot-spot load; the primary holding the event queue's slot is
 * killed (SIGKILL) and its replica takes over. Checked: both gateways follow by themselves (store UP, events
 * accepted again), no hot-spot fixture was granted more than the documented bound. Events answered 202 but lost
 * with the primary are counted and printed (no {@code events-wait} on a cluster).
 */
class RedisClusterFailoverTest {
    static final int LIMIT = RedisSentinelFailoverTest.LIMIT;
    static final int INSTANCES = RedisSentinelFailoverTest.INSTANCES;
    static final int BOUND = RedisSentinelFailoverTest.BOUND;

    @Test
    void aKilledPrimarysReplicaTakesOverAndTheGatewaysFollow() throws Exception {
        List<Vertx> vertxes = new ArrayList<>();
        List<GatewayServer> gateways = new ArrayList<>();
        try (RedisCluster cluster = RedisCluster.of(3, 1).nodeTimeout(Duration.ofSeconds(2));
             FailoverLoad load = new FailoverLoad()) {
            cluster.start();
            LeveeConfig config = config(load.upstreamUrl(), cluster.nodeUrls());
            for (int i = 0; i < INSTANCES; i++) {
                Vertx v = Vertx.vertx();
                vertxes.add(v);
                gateways.add(GatewayServer.start(v, config).await(30, TimeUnit.SECONDS));
            }
            for (GatewayServer g : gateways) {
                await().atMost(Duration.ofSeconds(30)).until(() -> storeUp(load, g));
            }
            // 24 fixtures: some on every primary (all on the two others has a chance of (2/3)^24)
            List<String> fixtures = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                fixtures.add(UUID.randomUUID().toString());
            }
            load.start(gateways, fixtures);
            await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted.size() >= 100);

            int ask = cluster.ports().get(0);
            int victim = cluster.primaryFor(ask, "{ev:events}");
            assertThat(victim).as("the event queue's primary").isPositive();
            int asker = cluster.ports().stream().filter(p -> p != victim).findFirst().orElseThrow();
            int acceptedBefore = load.accepted.size();
            long killedAt = System.nanoTime();
            cluster.node(victim).kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.primaryFor(asker, "{ev:events}") > 0
                    && cluster.primaryFor(asker, "{ev:events}") != victim && cluster.cli(asker, "cluster", "info").contains("cluster_state:ok"));
            long promotedAt = System.nanoTime();
            for (GatewayServer g : gateways) {
                awaitStoreUp(load, g);
            }
            long upAt = System.nanoTime();
            int acceptedAtRecovery = load.accepted.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted.size() >= acceptedAtRecovery + 100);
            load.stop();

            await().atMost(Duration.ofSeconds(120)).until(() ->
                    load.health(gateways.get(0)).at("/components/events/depth").asInt(-1) == 0);
            Set<String> lost = new HashSet<>(load.accepted);
            lost.removeAll(load.delivered);
            System.out.printf("cluster failover (3+3, node timeout 2 s): events accepted %d (%d before the kill),"
                            + " refused 503 %d, lost %d; hot-spot requests %d, most grants of a fixture %d (limit %d,"
                            + " bound %d); kill -> replica promoted %d ms, kill -> both stores UP %d ms%n",
                    load.accepted.size(), acceptedBefore, load.refused.get(), lost.size(),
                    load.hotSpotRequests.get(), load.mostGrants(), LIMIT, BOUND,
                    TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt),
                    TimeUnit.NANOSECONDS.toMillis(upAt - killedAt));
            assertThat(load.failures()).as("answers other than 202/503 and 200/429").isZero();
            assertThat(load.mostGrants()).as("grants of the busiest fixture").isBetween(LIMIT, BOUND);
            JsonNode store = load.health(gateways.get(1)).at("/components/store");
            assertThat(store.get("status").asText()).as(store.toString()).isEqualTo("UP");
        } finally {
            for (GatewayServer g : gateways) {
                g.shutdown().await(30, TimeUnit.SECONDS);
            }
            for (Vertx v : vertxes) {
                v.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Waits up to 60 s for the store section to be UP; a timeout shows the section as it was. Each poll also asks
     * for a fresh fixture: the windows go back to Redis with the next decision that reaches it, and the load's
     * fixtures are full (decided locally from the limiter's "full until" without asking the store).
     */
    static void awaitStoreUp(FailoverLoad load, GatewayServer g) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.probe(g) && storeUp(load, g));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("store not UP within 60 s: " + load.health(g).at("/components/store"), e);
        }
    }

    static boolean storeUp(FailoverLoad load, GatewayServer g) throws Exception {
        JsonNode store = load.health(g).at("/components/store");
        return store.path("connected").asBoolean() && "UP".equals(store.path("status").asText());
    }

    static LeveeConfig config(String upstream, List<String> nodes) {
        return ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 1s, drain-period: 0s }
                admin: { port: 0 }
                access-log: { enabled: false }
                upstream: { url: "%s", timeout: 5s }
                admission: { max-concurrent: 1000, queue-capacity: 2000 }
                store:
                  type: redis
                  redis: { mode: cluster, nodes: [%s], expected-instances: %d, command-timeout: 3s }
                events: { sink: "%s/ingest", workers: 2, drain-grace: 1s, delivery-timeout: 2s,
                          journal: { enabled: false } }
                routes:
                  - path: /odds
                    public: false
                    hot-spot: { key: "query:fixture_id", limit: %d, window: 10m, queue: 0 }
                """.formatted(upstream, nodes.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", ")),
                INSTANCES, upstream, LIMIT), Map.of());
    }
}
