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
package dev.levee.gateway.auth;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of authentication: the verified claims (null without a token) and the identity that keys
 * per-client state such as caches (null without a token).
 */
public record Authenticated(@Nullable Map<String, Object> claims, @Nullable String identity) {
    public static final Authenticated ANONYMOUS = new Authenticated(null, null);

    public Authenticated {
        claims = claims == null ? null : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(claims));
    }
}
