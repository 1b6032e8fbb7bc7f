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
     */
    public record Redis(String url, int expectedInstances, Duration commandTimeout, Duration callLease) {
        public Redis {
            Checks.required("url", url);
            if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                throw new ConfigException("url: '" + url + "' (expected: redis://host:port)");
            }
            Checks.positive("expected-instances", expectedInstances);
            Checks.positive("command-timeout", commandTimeout);
            Checks.positive("call-lease", callLease);
        }
    }
}
