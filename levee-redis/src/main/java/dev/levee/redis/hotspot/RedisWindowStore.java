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
package dev.levee.redis.hotspot;

import dev.levee.core.hotspot.WindowDecision;
import dev.levee.core.hotspot.WindowStore;
import dev.levee.redis.LuaScript;
import dev.levee.redis.RedisConnection;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * A {@link WindowStore} shared by every instance through Redis: one atomic Lua script per decision.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>The log.</b> Per key a ZSET {@code <prefix>{hs:<key>}:log}: one member per counted call (its call id),
 *       scored in microseconds. A call in flight is scored {@code start + callLease}; {@link #callEnded} re-scores
 *       it to its end time; {@link #refund} removes it. A member is counted while {@code score + window > now}, so
 *       an ended call stays counted one window after its answer (the SPI's contract) and a call in flight is
 *       counted until it ends. The lease only matters when an instance dies with calls in flight: nobody will
 *       report their end, so they are taken as ended at {@code start + callLease} and free one window later
 *       instead of never. A call that outlives its lease and then ends is scored again at its real end (counted
 *       twice for a moment: the safe direction).</li>
 *   <li><b>One clock.</b> The script reads Redis {@code TIME}, so instances with skewed clocks agree; the
 *       caller's {@code nowNanos} is ignored. A test-only entry ({@link #tryAcquireAt}) passes "now" instead, to
 *       check the boundaries exactly.</li>
 *   <li><b>Denied answers</b> carry the time until the oldest counted call leaves the window, rounded up to the
 *       millisecond; when every counted call is still in flight no slot can free before one window from now, so
 *       the answer is one window (as the in-memory store says).</li>
 *   <li><b>Cluster.</b> Both keys of a window (log and meta) carry the hash tag {@code {hs:<key>}}, so one script touches one
 *       slot and runs on Redis Cluster; different keys hash to different slots, so they spread over the
 *       primaries.</li>
 *   <li><b>Expiry.</b> Each script sets a PEXPIRE of (latest score + window - now) on both keys, so a key whose
 *       calls all left the window vanishes by itself; nothing sweeps. A meta hash {@code {hs:<key>}:meta} beside
 *       the log holds the call-id counter and the window (the SPI's {@code callEnded} carries no window); it
 *       expires with the log, and {@code callEnded} raises the counter past an id it re-adds, so ids never repeat
 *       inside one log.</li>
 *   <li><b>Scripts by SHA</b> ({@link LuaScript}): loaded once (SCRIPT LOAD) and run by EVALSHA; a NOSCRIPT
 *       answer (Redis restarted or SCRIPT FLUSH) loads them again and retries once.</li>
 * </ul>
 */
public final class RedisWindowStore implements WindowStore {
    private static final Logger log = LoggerFactory.getLogger(RedisWindowStore.class);

    /** Default prefix of every key this store writes. */
    public static final String DEFAULT_PREFIX = "levee:";

    static final String ACQUIRE = """
            -- KEYS[1] log ZSET (member: call id, score: microseconds), KEYS[2] meta HASH (seq: last call id,
            -- win: window us). ARGV[1] limit, ARGV[2] window us, ARGV[3] call lease us, ARGV[4] now us ('' = TIME)
            local now
            if ARGV[4] ~= '' then
              now = tonumber(ARGV[4])
            else
              local t = redis.call('TIME')
              now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            end
            local limit = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local lease = tonumber(ARGV[3])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local count = redis.call('ZCARD', KEYS[1])
            if count < limit then
              local id = redis.call('HINCRBY', KEYS[2], 'seq', 1)
              redis.call('HSET', KEYS[2], 'win', ARGV[2])
              redis.call('ZADD', KEYS[1], now + lease, id)
              local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
              local ttl = math.ceil((tonumber(last[2]) + window - now) / 1000) + 1
              redis.call('PEXPIRE', KEYS[1], ttl)
              redis.call('PEXPIRE', KEYS[2], ttl)
              return {1, count + 1, 0, id}
            end
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local oldest = tonumber(first[2])
            local retry = window
            if oldest <= now then
              retry = oldest + window - now
            end
            return {0, count, math.max(1, math.ceil(retry / 1000)), 0}
            """;

    static final String ENDED = """
            -- KEYS[1] log ZSET, KEYS[2] meta HASH. ARGV[1] call id, ARGV[2] window us if the meta is gone,
            -- ARGV[3] now us ('' = TIME)
            local now
            if ARGV[3] ~= '' then
              now = tonumber(ARGV[3])
            else
              local t = redis.call('TIME')
              now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            end
            local id = tonumber(ARGV[1])
            local window = tonumber(redis.call('HGET', KEYS[2], 'win') or ARGV[2])
            redis.call('ZADD', KEYS[1], now, id)
            local seq = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
            if seq < id then
              redis.call('HSET', KEYS[2], 'seq', id, 'win', window)
            end
            local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            local ttl = math.ceil((tonumber(last[2]) + window - now) / 1000) + 1
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            return 1
            """;

    private final RedisConnection redis;
    private final String prefix;
    private final long leaseMicros;
    private final LuaScript acquire = new LuaScript(ACQUIRE);
    private final LuaScript ended = new LuaScript(ENDED);

    private RedisWindowStore(RedisConnection redis, String prefix, Duration callLease) {
        this.redis = requireNonNull(redis, "redis");
        this.prefix = requireNonNull(prefix, "prefix");
        positive("callLease", callLease);
        this.leaseMicros = TimeUnit.NANOSECONDS.toMicros(callLease.toNanos());
        acquire.preload(redis);
        ended.preload(redis);
    }

    /**
     * A store on {@code redis} whose keys start with {@code prefix} ({@link #DEFAULT_PREFIX} normally; tests use
     * their own). {@code callLease}: the longest a call may stay in flight before it is taken as ended (the
     * gateway uses a multiple of its upstream timeout); it only matters for calls whose instance died.
     */
    public static RedisWindowStore create(RedisConnection redis, String prefix, Duration callLease) {
        return new RedisWindowStore(redis, prefix, callLease);
    }

    String logKey(String key) {
        return prefix + "{hs:" + key + "}:log";
    }

    String metaKey(String key) {
        return prefix + "{hs:" + key + "}:meta";
    }

    @Override
    public CompletionStage<WindowDecision> tryAcquire(String key, int limit, Duration window, long nowNanos) {
        return acquire(key, limit, window, "");
    }

    /** Test hook: the same decision with "now" given (microseconds) instead of Redis TIME. */
    CompletionStage<WindowDecision> tryAcquireAt(String key, int limit, Duration window, long nowMicros) {
        return acquire(key, limit, window, Long.toString(nowMicros));
    }

    private CompletionStage<WindowDecision> acquire(String key, int limit, Duration window, String now) {
        requireNonNull(key, "key");
        positive("limit", limit);
        String[] keys = {logKey(key), metaKey(key)};
        String[] args = {Integer.toString(limit), Long.toString(micros(window)), Long.toString(leaseMicros), now};
        return acquire.<List<Long>>eval(redis, ScriptOutputType.MULTI, keys, args).thenApply(r ->
                new WindowDecision(r.get(0) == 1L, r.get(1).intValue(),
                        TimeUnit.MILLISECONDS.toNanos(r.get(2)), r.get(3)));
    }

    @Override
    public void callEnded(String key, WindowDecision grant, long nowNanos) {
        ended(key, grant, "");
    }

    /** Test hook: {@link #callEnded} at a given "now" (microseconds). */
    CompletionStage<Void> callEndedAt(String key, WindowDecision grant, long nowMicros) {
        return ended(key, grant, Long.toString(nowMicros));
    }

    private CompletionStage<Void> ended(String key, WindowDecision grant, String now) {
        if (grant.callId() <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        String[] keys = {logKey(key), metaKey(key)};
        // the window is kept in the meta hash; if the call outlived its lease and the key expired, the lease
        // stands in for it (the call is then counted one lease after its end: long, but never too short)
        String[] args = {Long.toString(grant.callId()), Long.toString(leaseMicros), now};
        return ended.<Long>eval(redis, ScriptOutputType.INTEGER, keys, args)
                .<Void>thenApply(r -> null)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        // the call stays scored at start + lease: counted longer than needed, never shorter
                        log.debug("hot-spot callEnded for {} not recorded in Redis", key, e);
                    }
                });
    }

    @Override
    public void refund(String key, WindowDecision grant, long nowNanos) {
        if (grant.callId() <= 0) {
            return;
        }
        try {
            redis.sortedSets().zrem(logKey(key), Long.toString(grant.callId())).whenComplete((r, e) -> {
                if (e != null) {
                    log.debug("hot-spot refund for {} not recorded in Redis", key, e);
                }
            });
        } catch (RuntimeException e) {
            log.debug("hot-spot refund for {} not recorded in Redis", key, e);
        }
    }

    private static long micros(Duration d) {
        return TimeUnit.NANOSECONDS.toMicros(d.toNanos());
    }

    static String sha1ForTest(String script) {
        return new LuaScript(script).sha();
    }
}
