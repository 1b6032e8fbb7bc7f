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

import dev.levee.core.events.Delivery;
import dev.levee.core.events.Event;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The deliveries {@link RedisEventQueue} claimed for this instance and not settled yet: where each one's entry is
 * in Redis (its stream and id, for the ack, retry or dead letter), and those a reclaim pass took over beyond the
 * first, held to be handed out by the next claims without a round trip (already pending for this consumer).
 *
 * <p>Implementation note: thread-safe, lock-free for the holding deque and one monitor for the map, because
 * workers claim and settle concurrently. Deliveries are keyed by identity: two deliveries of one event (a
 * redelivery) are two pending entries.
 */
final class ClaimedDeliveries {
    /** Where a claimed entry is: its priority's stream and its id there. */
    record Location(int priority, String id) {}

    private final Map<Delivery, Location> active = Collections.synchronizedMap(new IdentityHashMap<>());
    private final ConcurrentLinkedDeque<Delivery> reclaimed = new ConcurrentLinkedDeque<>();

    /**
     * Records an entry of stream {@code p} claimed in Redis, from its fields ({@code id}, {@code type},
     * {@code payload}, {@code created}, {@code a}: earlier attempts) and the pending list's delivery counter.
     */
    Delivery claimed(int p, String id, int deliveries, List<Object> fields) {
        String eventId = null, type = null, payload = null;
        long created = 0;
        int earlier = 0;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String k = (String) fields.get(i);
            String v = (String) fields.get(i + 1);
            switch (k) {
                case "id" -> eventId = v;
                case "type" -> type = v;
                case "payload" -> payload = v;
                case "created" -> created = Long.parseLong(v);
                case "a" -> earlier = Integer.parseInt(v);
                default -> { }
            }
        }
        Delivery d = new Delivery(new Event(eventId, type, p, payload, created), earlier + Math.max(1, deliveries));
        active.put(d, new Location(p, id));
        return d;
    }

    /** Holds a reclaimed delivery (already recorded by {@link #claimed}) for a later claim. */
    void holdReclaimed(Delivery d) {
        reclaimed.addLast(d);
    }

    /** A held reclaimed delivery, or null. */
    Delivery nextReclaimed() {
        return reclaimed.pollFirst();
    }

    /** Deliveries claimed and not settled, held ones included. */
    int inFlight() {
        return active.size();
    }

    /** Settles {@code d}: where its entry is; refuses a delivery this queue did not hand out (or settled already). */
    Location take(Delivery d) {
        Location l = active.remove(d);
        if (l == null) {
            throw new IllegalArgumentException("delivery: " + d + " (expected: one claimed from this queue)");
        }
        return l;
    }
}
