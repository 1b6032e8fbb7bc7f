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
package dev.levee.core.events;

/**
 * Exact counts of an {@link EventQueue}, taken atomically. Totals count since the queue was created, so for any
 * snapshot {@code enqueued + replayed == waiting + active + delayed + completed + deadLettered}.
 *
 * @param waiting       ready to be claimed
 * @param active        claimed, delivery in progress
 * @param delayed       a delivery attempt failed; waiting for its retry backoff to pass
 * @param completed     total delivered
 * @param failed        total failed delivery attempts (retried or dead-lettered)
 * @param deadLettered  total moved to the dead-letter queue
 * @param deadLetters   dead letters held now (bounded; the oldest are evicted past the bound)
 * @param evicted       total dead letters evicted from a full dead-letter queue
 * @param enqueued      total accepted by {@link EventQueue#enqueue}
 * @param replayed      total moved from the dead-letter queue back to waiting
 */
public record QueueCounts(int waiting, int active, int delayed, long completed, long failed, long deadLettered,
                          int deadLetters, long evicted, long enqueued, long replayed) {

    /** The depth thresholds act on: every accepted event not yet delivered or dead-lettered. */
    public int depth() {
        return waiting + active + delayed;
    }
}
