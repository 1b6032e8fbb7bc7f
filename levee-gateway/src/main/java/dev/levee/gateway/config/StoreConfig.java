package dev.levee.gateway.config;

/** {@code store:} where shared state lives: {@code memory} (one instance) or {@code redis} (several). */
public record StoreConfig(Type type, Redis redis) {
    public enum Type {
        memory, redis
    }

    public StoreConfig {
        Checks.required("type", type);
        Checks.required("redis", redis);
    }

    public record Redis(String url, int expectedInstances) {
        public Redis {
            Checks.required("url", url);
            if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                throw new ConfigException("url: '" + url + "' (expected: redis://host:port)");
            }
            Checks.positive("expected-instances", expectedInstances);
        }
    }
}
