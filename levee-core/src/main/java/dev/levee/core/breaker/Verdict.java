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
package dev.levee.core.breaker;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.nonNegative;
import static java.util.Objects.requireNonNull;

/**
 * How one upstream answer counts for the breaker. An answer is not the same as success: an upstream that answers
 * {@code 500} completed the call but failed it, and a {@code 429} tells us to stop calling for a while.
 *
 * @param retryAfter for {@link Kind#RATE_LIMITED}: how long the upstream asked us to stay away, or null for the
 *                   breaker's configured open time
 */
public record Verdict(Kind kind, @Nullable Duration retryAfter) {
    public enum Kind { SUCCESS, FAILURE, RATE_LIMITED }

    public static final Verdict SUCCESS = new Verdict(Kind.SUCCESS, null);
    public static final Verdict FAILURE = new Verdict(Kind.FAILURE, null);

    public Verdict {
        requireNonNull(kind, "kind");
        if (retryAfter != null) {
            nonNegative("retryAfter", retryAfter);
        }
    }

    public static Verdict rateLimited(Duration retryAfter) {
        return new Verdict(Kind.RATE_LIMITED, retryAfter);
    }
}
