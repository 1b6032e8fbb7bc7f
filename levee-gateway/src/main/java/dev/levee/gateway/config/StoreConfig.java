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

import java.time.Duration;

/** {@code store:} where shared state lives: {@code memory} (one instance) or {@code redis} (several). */
public record StoreConfig(Type type, Redis redis) {
    public enum Type {
        memory, redis
    }

    public StoreConfig {
        Checks.required("type", type);
        Checks.required("redis", redis);
    }

    /**
     * {@code store.redis:}
     *
     * @param url               {@code redis://host:port[/db]}
     * @param expectedInstances gateway instances sharing the store; while Redis is unreachable each instance falls
     *                          back to local limits of {@code limit / expected-instances}
     * @param commandTimeout    a Redis command not answered within this fails (the decision falls back)
     * @param callLease         an upstream call still in flight after this is taken as ended (only matters for the
     *                          calls of an instance that died); keep it above the longest upstream call
     * @param eventsWait        what an accepted event waits for before its 202 ({@code replicas: 0}: nothing)
     */
    public record Redis(String url, int expectedInstances, Duration commandTimeout, Duration callLease,
                        EventsWait eventsWait) {
        public Redis {
            Checks.required("url", url);
            if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                throw new ConfigException("url: '" + url + "' (expected: redis://host:port)");
            }
            Checks.positive("expected-instances", expectedInstances);
            Checks.positive("command-timeout", commandTimeout);
            Checks.positive("call-lease", callLease);
            Checks.required("events-wait", eventsWait);
            // WAIT runs under the command timeout like any command: a longer wait would fail as a timeout
            if (eventsWait.replicas() > 0 && eventsWait.timeout().compareTo(commandTimeout) >= 0) {
                throw new ConfigException("events-wait.timeout: " + Durations.format(eventsWait.timeout())
                        + " (expected: < command-timeout " + Durations.format(commandTimeout) + ")");
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
