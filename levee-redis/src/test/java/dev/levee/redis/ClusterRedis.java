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
package dev.levee.redis;

import dev.levee.testing.RedisCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of the test class's own (three primaries from {@link RedisCluster}) with two
 * {@link RedisConnection#connectCluster} connections, standing for two gateway instances, and plain synchronous
 * commands to look at what was stored: through the cluster ({@link #sync()}) and on each node
 * ({@link #perNode()}).
 */
public final class ClusterRedis implements BeforeAllCallback, AfterAllCallback {
    private final RedisCluster cluster = RedisCluster.ofPrimaries(3);
    private RedisConnection a;
    private RedisConnection b;
    private RedisClusterClient client;
    private StatefulRedisClusterConnection<String, String> inspect;
    private final List<RedisClient> nodeClients = new ArrayList<>();
    private final List<StatefulRedisConnection<String, String>> nodeConnections = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster.start();
        a = RedisConnection.connectCluster(cluster.nodeUrls(), Duration.ofSeconds(2));
        b = RedisConnection.connectCluster(cluster.nodeUrls().reversed(), Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> a.isConnected() && b.isConnected());
        client = RedisClusterClient.create(cluster.nodeUrls().getFirst());
        inspect = client.connect();
        for (String url : cluster.nodeUrls()) {
            RedisClient c = RedisClient.create(url);
            nodeClients.add(c);
            nodeConnections.add(c.connect());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        nodeConnections.forEach(StatefulRedisConnection::close);
        nodeClients.forEach(RedisClient::shutdown);
        if (inspect != null) {
            inspect.close();
            client.shutdown();
        }
        if (a != null) {
            a.close();
            b.close();
        }
        cluster.close();
    }

    /** The first instance's connection. */
    public RedisConnection a() {
        return a;
    }

    /** The second instance's connection (seeded from the nodes in the other order). */
    public RedisConnection b() {
        return b;
    }

    /** Commands through the cluster (routed by slot). */
    public RedisAdvancedClusterCommands<String, String> sync() {
        return inspect.sync();
    }

    /** Commands on each node by itself (every node is a primary), in start order. */
    public List<RedisCommands<String, String>> perNode() {
        return nodeConnections.stream().map(StatefulRedisConnection::sync).toList();
    }

    /** How many nodes hold at least one key starting with {@code prefix}. */
    public int nodesHolding(String prefix) {
        int n = 0;
        for (RedisCommands<String, String> node : perNode()) {
            if (!node.keys(prefix + "*").isEmpty()) {
                n++;
            }
        }
        return n;
    }
}
