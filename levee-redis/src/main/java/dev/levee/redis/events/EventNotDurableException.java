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
package dev.levee.redis.events;

import dev.levee.core.RejectedException;
import dev.levee.core.RejectionReason;

/**
 * {@link RedisEventQueue#enqueue} wrote the event, but fewer replicas than required acknowledged it within the
 * wait timeout ({@code WAIT}): it is not safe from a failover, so the caller must not promise it (no 202). The
 * entry stays in the primary's stream and may still be delivered (at-least-once), so a client that retries may
 * cause a second delivery. Suggests 503 with {@link RejectedException#FALLBACK_RETRY_AFTER} (the replicas' lag
 * is not known).
 */
public final class EventNotDurableException extends RejectedException {

    /** The one reason: the write was not confirmed durable. */
    public enum Reason implements RejectionReason {
        /** Fewer replicas than required acknowledged the write in time. */
        NOT_DURABLE("not_durable");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    private final int required;
    private final int acknowledged;
    private final long timeoutMillis;

    EventNotDurableException(int required, int acknowledged, long timeoutMillis, Throwable cause) {
        super("event written to Redis, but " + (acknowledged < 0 ? "WAIT got no answer"
                : acknowledged + " of " + required + " required replica(s) acknowledged it") + " within "
                + timeoutMillis + " ms", FALLBACK_RETRY_AFTER, cause);
        this.required = required;
        this.acknowledged = acknowledged;
        this.timeoutMillis = timeoutMillis;
    }

    /** Replicas that had to acknowledge the write. */
    public int required() {
        return required;
    }

    /** Replicas that did, or -1 when WAIT itself failed (timeout, connection lost). */
    public int acknowledged() {
        return acknowledged;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public Reason reason() {
        return Reason.NOT_DURABLE;
    }

    @Override
    public int suggestedStatus() {
        return 503;
    }
}
