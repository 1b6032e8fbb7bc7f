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
package dev.levee.gateway.upstream;

import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.UpstreamClusterConfig;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * Envoy-style retry budget on the cluster's ticker: a retry is allowed while the retries within the last
 * {@code window} stay at most {@code budget} x the requests in it, or below {@code min-retries}. Counted in ten
 * buckets of a tenth of the window each, so the window slides in steps of a tenth and the state is fixed in size.
 * Calls from every event loop meet on the monitor: two short critical sections per request.
 */
final class RetryBudget {
    private static final int BUCKETS = 10;

    private final Ticker ticker;
    private final double budget;
    private final int minRetries;
    private final long bucketNanos;
    private final long[] bucketOf = new long[BUCKETS]; // the bucket number each slot holds counts of
    private final long[] requests = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];

    RetryBudget(UpstreamClusterConfig.Retry config, Ticker ticker) {
        requireNonNull(config, "config");
        this.ticker = requireNonNull(ticker, "ticker");
        this.budget = config.budget();
        this.minRetries = config.minRetries();
        this.bucketNanos = Math.max(1, config.window().toNanos() / BUCKETS);
        Arrays.fill(bucketOf, Long.MIN_VALUE);
    }

    /** A request (not a retry) went to the cluster. */
    synchronized void request() {
        requests[slot()]++;
    }

    /** Takes a retry from the budget, or refuses when the window's retries are at the budget. */
    synchronized boolean tryRetry() {
        int slot = slot();
        long now = bucketOf[slot];
        long inWindowRequests = 0;
        long inWindowRetries = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long age = now - bucketOf[i]; // slots of older buckets (or none yet) hold counts outside the window
            if (age >= 0 && age < BUCKETS) {
                inWindowRequests += requests[i];
                inWindowRetries += retries[i];
            }
        }
        if (inWindowRetries + 1 > Math.max(minRetries, budget * inWindowRequests)) {
            return false;
        }
        retries[slot]++;
        return true;
    }

    /** The slot of the current bucket, cleared first if it held an older bucket's counts. */
    private int slot() {
        long bucket = Math.floorDiv(ticker.read(), bucketNanos);
        int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
        if (bucketOf[slot] != bucket) {
            bucketOf[slot] = bucket;
            requests[slot] = 0;
            retries[slot] = 0;
        }
        return slot;
    }
}
