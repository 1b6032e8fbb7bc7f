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
package dev.levee.gateway.readpath;

import dev.levee.gateway.upstream.UpstreamResponse;

/**
 * An upstream answer that counts as an error for the read path (5xx, 429): it fails the load, so the cache may
 * serve stale and remembers it briefly, yet every waiter still receives the upstream's own response.
 */
final class UpstreamErrorResponse extends RuntimeException {
    private final UpstreamResponse response;

    UpstreamErrorResponse(UpstreamResponse response) {
        super("upstream answered " + response.status(), null, false, false);
        this.response = response;
    }

    UpstreamResponse response() {
        return response;
    }
}
