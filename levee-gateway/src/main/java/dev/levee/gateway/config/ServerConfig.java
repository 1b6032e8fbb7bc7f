package dev.levee.gateway.config;

import java.time.Duration;

/** {@code server:} where the gateway listens and how it bounds what clients send. */
public record ServerConfig(String host, int port, ByteSize maxBodySize, Duration shutdownGrace, int eventLoops) {
    public ServerConfig {
        Checks.required("host", host);
        Checks.inRange("port", port, 0, 65535);
        Checks.positive("max-body-size", Checks.required("max-body-size", maxBodySize).bytes());
        Checks.nonNegative("shutdown-grace", shutdownGrace);
        Checks.nonNegative("event-loops", eventLoops);
    }
}
