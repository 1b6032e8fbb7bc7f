package dev.levee.gateway.config;

/** {@code admin:} the bearer token POST reset and replay endpoints require. With no token they answer 403. */
public record AdminConfig(String token) {}
