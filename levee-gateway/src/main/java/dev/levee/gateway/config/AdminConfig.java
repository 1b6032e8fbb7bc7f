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

/**
 * {@code admin:} the operations surface (health sections, metrics, dashboard, OpenAPI, queue and coalescer figures,
 * resets). It is served on its own listener, {@code host:port} (loopback by default, like Envoy's admin port), and
 * on the public port only to a request that carries {@code token} as a bearer token. The probes
 * ({@code /health/liveness}, {@code /health/readiness}) answer on both, without a token.
 *
 * @param token  bearer token for the ops endpoints on the public port and for POST reset/replay everywhere;
 *               none: the public port serves no ops endpoint and resets answer 403
 * @param host   address the admin listener binds
 * @param port   its port (0: a free one)
 * @param listen false: no admin listener (the ops endpoints are then only on the public port, with the token)
 */
public record AdminConfig(String token, String host, int port, boolean listen) {
    public AdminConfig {
        Checks.required("host", host);
        Checks.inRange("port", port, 0, 65535);
    }
}
