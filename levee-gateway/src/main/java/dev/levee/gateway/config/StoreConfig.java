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
import com.fasterxml.jackson.annotation.JsonFormat;

import org.jspecify.annotations.Nullable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code store:} where shared state lives: {@code memory} (one instance) or {@code redis} (several). */
public record StoreConfig(Type type, Redis redis) {
    public enum Type {
        memory, redis
    }

    public StoreConfig {
        Checks.required("type", type);
        Checks.required("redis", redis);
    }

    /** {@code store.redis.mode:} how Levee reaches Redis. */
    public enum Mode {
        /** One Redis at {@code url} (the default). */
        standalone,
        /** A Redis Cluster found from the seed {@code nodes}. */
        cluster,
        /** The primary that Redis Sentinel names, from a {@code redis-sentinel://} {@code url}. */
        sentinel
    }

    /**
     * {@code store.redis:}
     *
     * @param mode              {@code standalone} (default, {@code url}), {@code cluster} ({@code nodes}) or
     *                          {@code sentinel} ({@code url})
     * @param url               {@code redis://host:port[/db]} with {@code mode: standalone};
     *                          {@code redis-sentinel://host:port[,host:port...][/db]#master} with
     *                          {@code mode: sentinel}
     * @param nodes             {@code redis://host:port} of some nodes of the cluster (the client reads the rest
     *                          from the topology), with {@code mode: cluster}; from the environment a comma-separated
     *                          list ({@code LEVEE_STORE_REDIS_NODES=redis://a:7000,redis://b:7000})
     * @param expectedInstances gateway instances sharing the store; while Redis is unreachable each instance falls
     *                          back to local limits of {@code limit / expected-instances}
     * @param commandTimeout    a Redis command not answered within this fails (the decision falls back)
     * @param callLease         an upstream call still in flight after this is taken as ended (only matters for the
     *                          calls of an instance that died); keep it above the longest upstream call
     * @param eventsWait        what an accepted event waits for before its 202 ({@code replicas: 0}: nothing)
     * @param username          the ACL user ({@code AUTH username password}); null: {@code default}. Needs a
     *                          password
     * @param password          the password (of {@code username}, else of the {@code default} user, i.e.
     *                          {@code requirepass}); null: the url's user info, if any. Replaces it whole; on a
     *                          cluster, used for every node; with Sentinel, for the primary (not the sentinels)
     * @param tls               how a {@code rediss://} server's certificate is verified
     */
    public record Redis(Mode mode, String url, @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> nodes,
                        int expectedInstances, Duration commandTimeout,
                        Duration callLease, EventsWait eventsWait, @Nullable String username,
                        @Nullable String password, Tls tls) {
        public Redis {
            Checks.required("mode", mode);
            Checks.required("url", url);
            Checks.required("nodes", nodes);
            nodes = splitCommas(nodes);
            switch (mode) {
                case standalone -> {
                    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                        throw new ConfigException("url: '" + url + "' (expected: redis://host:port"
                                + (url.startsWith("redis-sentinel://") ? "; a redis-sentinel:// url needs mode: sentinel"
                                : "") + ")");
                    }
                }
                case cluster -> {
                    if (nodes.isEmpty()) {
                        throw new ConfigException("nodes: [] (expected with mode: cluster: at least one"
                                + " redis://host:port of the cluster)");
                    }
                    for (int i = 0; i < nodes.size(); i++) {
                        String n = nodes.get(i);
                        if (!n.startsWith("redis://") && !n.startsWith("rediss://")) {
                            throw new ConfigException("nodes[" + i + "]: '" + n + "' (expected: redis://host:port)");
                        }
                    }
                }
                case sentinel -> {
                    if (!url.startsWith("redis-sentinel://") || url.indexOf('#') < 0
                            || url.endsWith("#")) {
                        throw new ConfigException("url: '" + url + "' (expected with mode: sentinel:"
                                + " redis-sentinel://host:port[,host:port]#master)");
                    }
                }
            }
            Checks.positive("expected-instances", expectedInstances);
            Checks.positive("command-timeout", commandTimeout);
            Checks.positive("call-lease", callLease);
            Checks.required("events-wait", eventsWait);
            Checks.required("tls", tls);
            if (username != null && password == null) {
                throw new ConfigException("username: " + username + " (expected: with a password)");
            }
            if (tls.caFile() != null && !tls(mode, url, nodes)) {
                throw new ConfigException("tls.ca-file: " + tls.caFile() + " (expected: with a rediss:// "
                        + (mode == Mode.cluster ? "node" : "url") + "; redis:// does not use TLS)");
            }
            // WAIT runs under the command timeout like any command: a longer wait would fail as a timeout
            if (eventsWait.replicas() > 0 && eventsWait.timeout().compareTo(commandTimeout) >= 0) {
                throw new ConfigException("events-wait.timeout: " + Durations.format(eventsWait.timeout())
                        + " (expected: < command-timeout " + Durations.format(commandTimeout) + ")");
            }
            // one cluster connection writes to several primaries: WAIT on it does not say which writes it counts
            if (eventsWait.replicas() > 0 && mode == Mode.cluster) {
                throw new ConfigException("events-wait.replicas: " + eventsWait.replicas()
                        + " (expected: 0 with mode: cluster; waiting for replicas on a cluster is not supported yet)");
            }
        }

        /** The record's fields, the password redacted (a config may end up in a log or an assertion message). */
        @Override
        public String toString() {
            return "Redis[mode=" + mode + ", url=" + EffectiveConfig.withoutPassword(url) + ", nodes="
                    + nodes.stream().map(EffectiveConfig::withoutPassword).toList() + ", expectedInstances="
                    + expectedInstances + ", commandTimeout=" + commandTimeout + ", callLease=" + callLease
                    + ", eventsWait=" + eventsWait + ", username=" + username + ", password="
                    + (password == null ? null : EffectiveConfig.REDACTED) + ", tls=" + tls + "]";
        }

        /** True when the connection uses TLS: a {@code rediss://} url, or every node {@code rediss://}. */
        private static boolean tls(Mode mode, String url, List<String> nodes) {
            return mode == Mode.cluster ? nodes.stream().allMatch(n -> n.startsWith("rediss://"))
                    : url.startsWith("rediss://");
        }

        /** {@code ["a,b"]} (one string, as an environment variable gives it) is {@code [a, b]}. */
        private static List<String> splitCommas(List<String> nodes) {
            List<String> out = new ArrayList<>();
            for (String n : nodes) {
                Checks.required("nodes", n);
                for (String part : n.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.strip());
                    }
                }
            }
            return List.copyOf(out);
        }
    }

    /**
     * {@code store.redis.tls:} a {@code rediss://} server's certificate and host name are always verified: against
     * the JDK's trusted CAs, or with {@code ca-file} against the CA certificates in that PEM file only.
     *
     * @param caFile a readable PEM file of CA certificates, or null
     */
    public record Tls(@Nullable String caFile) {
        public Tls {
            if (caFile != null && !Files.isReadable(Path.of(caFile))) {
                throw new ConfigException("ca-file: " + caFile + " (expected: a readable PEM file)");
            }
        }
    }

    /**
     * {@code store.redis.events-wait:} before an event is answered 202, Redis must confirm it reached
     * {@code replicas} replicas within {@code timeout} ({@code WAIT}); otherwise the answer is 503. Only
     * {@code WAIT}: {@code WAITAOF} needs Redis 7.2.
     *
     * @param replicas replicas that must acknowledge each accepted event; 0 = do not wait
     * @param timeout  how long to wait for them
     */
    public record EventsWait(int replicas, Duration timeout) {
        /** The most replicas one can ask for (a bound on the input, far above real deployments). */
        static final int MAX_REPLICAS = 100;

        public EventsWait {
            Checks.inRange("replicas", replicas, 0, MAX_REPLICAS);
            Checks.positive("timeout", timeout);
        }
    }
}
