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

import dev.levee.core.events.Event;
import dev.levee.redis.LuaScript;

/**
 * The Redis side of {@link RedisEventQueue}: its key layout and the Lua scripts that change it, each one atomic on
 * the queue's slot.
 *
 * <p>Implementation note: constants only. Every script takes the fourteen keys of {@link #keys} in that order
 * ({@code KEYS[1..10]} the priority streams, {@code KEYS[11]} the delayed ZSET, {@code KEYS[12]} its data HASH,
 * {@code KEYS[13]} the dead-letter stream, {@code KEYS[14]} the totals HASH); the ARGV of each is noted above it.
 */
final class EventQueueScripts {
    private EventQueueScripts() {}

    static final int LEVELS = Event.LOWEST_PRIORITY;
    static final String GROUP = "levee-workers";
    /** Index of the dead-letter stream in {@link #keys}. */
    static final int DEAD_LETTERS = 12;

    /**
     * The keys of queue {@code name}: streams p1..p10, delayed, delayed-data, dead, totals, all with the hash tag
     * {@code {ev:<name>}}.
     */
    static String[] keys(String prefix, String name) {
        String tag = prefix + "{ev:" + name + "}:";
        String[] keys = new String[14];
        for (int p = 1; p <= LEVELS; p++) {
            keys[p - 1] = tag + "p" + p;
        }
        keys[10] = tag + "delayed";
        keys[11] = tag + "delayed-data";
        keys[DEAD_LETTERS] = tag + "dead";
        keys[13] = tag + "totals";
        return keys;
    }

    /** Lua shared by the scripts: the exact depth. */
    private static final String DEPTH_FN = """
            local function depth()
              local d = redis.call('ZCARD', KEYS[11])
              for p = 1, 10 do d = d + redis.call('XLEN', KEYS[p]) end
              return d
            end
            local function nowms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function promote(now, max)
              local due = redis.call('ZRANGEBYSCORE', KEYS[11], '-inf', now, 'LIMIT', 0, max)
              for _, uid in ipairs(due) do
                local raw = redis.call('HGET', KEYS[12], uid)
                if raw then
                  local e = cjson.decode(raw)
                  redis.call('XADD', KEYS[e.p], '*', unpack(e.f))
                end
                redis.call('HDEL', KEYS[12], uid)
                redis.call('ZREM', KEYS[11], uid)
              end
              return #due
            end
            """;

    // ARGV: capacity, priority, id, type, created, has-payload, payload
    static final LuaScript ENQUEUE = new LuaScript(DEPTH_FN + """
            local d = depth()
            if d >= tonumber(ARGV[1]) then return {0, d} end
            local f = {'id', ARGV[3], 'type', ARGV[4], 'created', ARGV[5], 'a', '0'}
            if ARGV[6] == '1' then f[9] = 'payload'; f[10] = ARGV[7] end
            redis.call('XADD', KEYS[tonumber(ARGV[2])], '*', unpack(f))
            redis.call('HINCRBY', KEYS[14], 'enqueued', 1)
            return {1, d + 1}
            """);

    // ARGV: group, consumer, aging ms, reclaim (1/0), min idle ms, reclaim count. Returns {p, id, deliveries, fields,
    // depth}, {0, depth} when nothing waits, or {-1, depth, {{p, id, deliveries, fields}, ...}} for reclaimed entries
    static final LuaScript CLAIM = new LuaScript(DEPTH_FN + """
            local g, c = ARGV[1], ARGV[2]
            local now = nowms()
            promote(now, 100)
            local last = {}
            for p = 1, 10 do
              local groups = redis.pcall('XINFO', 'GROUPS', KEYS[p])
              local found = nil
              if type(groups) == 'table' and not groups.err then
                for _, gi in ipairs(groups) do
                  local name, ld
                  for i = 1, #gi, 2 do
                    if gi[i] == 'name' then name = gi[i + 1] elseif gi[i] == 'last-delivered-id' then ld = gi[i + 1] end
                  end
                  if name == g then found = ld end
                end
              end
              if not found then
                redis.call('XGROUP', 'CREATE', KEYS[p], g, '0', 'MKSTREAM')
                found = '0-0'
              end
              last[p] = found
            end
            if ARGV[4] == '1' then
              local want = tonumber(ARGV[6])
              local got = {}
              for p = 1, 10 do
                if #got >= want then break end
                local r = redis.call('XAUTOCLAIM', KEYS[p], g, c, ARGV[5], '0-0', 'COUNT', want - #got)
                for _, e in ipairs(r[2]) do
                  if type(e) == 'table' and e[2] then
                    local pend = redis.call('XPENDING', KEYS[p], g, e[1], e[1], 1)
                    got[#got + 1] = {p, e[1], pend[1][4], e[2]}
                  end
                end
              end
              if #got > 0 then return {-1, depth(), got} end
            end
            local aging = tonumber(ARGV[3])
            local best, bestEff, bestMs
            for p = 1, 10 do
              local head = redis.call('XRANGE', KEYS[p], '(' .. last[p], '+', 'COUNT', 1)
              if head[1] then
                local ms = tonumber(string.match(head[1][1], '^(%d+)'))
                local eff = math.max(1, p - math.floor((now - ms) / aging))
                if best == nil or eff < bestEff or (eff == bestEff and ms < bestMs) then
                  best, bestEff, bestMs = p, eff, ms
                end
              end
            end
            if not best then return {0, depth()} end
            local r = redis.call('XREADGROUP', 'GROUP', g, c, 'COUNT', 1, 'STREAMS', KEYS[best], '>')
            local e = r[1][2][1]
            return {best, e[1], 1, e[2], depth()}
            """);

    // ARGV: group, p, id
    static final LuaScript ACK = new LuaScript(DEPTH_FN + """
            local s = KEYS[tonumber(ARGV[2])]
            if redis.call('XACK', s, ARGV[1], ARGV[3]) == 1 then
              redis.call('XDEL', s, ARGV[3])
              redis.call('HINCRBY', KEYS[14], 'completed', 1)
            end
            return depth()
            """);

    // ARGV: group, p, id, delay ms, attempts so far
    static final LuaScript RETRY = new LuaScript(DEPTH_FN + """
            local p = tonumber(ARGV[2])
            local s = KEYS[p]
            local e = redis.call('XRANGE', s, ARGV[3], ARGV[3])
            if e[1] and redis.call('XACK', s, ARGV[1], ARGV[3]) == 1 then
              local f = e[1][2]
              for i = 1, #f, 2 do if f[i] == 'a' then f[i + 1] = ARGV[5] end end
              local uid = p .. ':' .. ARGV[3]
              redis.call('HSET', KEYS[12], uid, cjson.encode({p = p, f = f}))
              redis.call('ZADD', KEYS[11], nowms() + tonumber(ARGV[4]), uid)
              redis.call('XDEL', s, ARGV[3])
              redis.call('HINCRBY', KEYS[14], 'failed', 1)
            end
            return depth()
            """);

    // ARGV: group, p, id, attempts, reason, dead-letter capacity
    static final LuaScript DEAD = new LuaScript(DEPTH_FN + """
            local p = tonumber(ARGV[2])
            local s = KEYS[p]
            local e = redis.call('XRANGE', s, ARGV[3], ARGV[3])
            if e[1] and redis.call('XACK', s, ARGV[1], ARGV[3]) == 1 then
              local f = e[1][2]
              for i = 1, #f, 2 do if f[i] == 'a' then f[i + 1] = ARGV[4] end end
              f[#f + 1] = 'p'; f[#f + 1] = ARGV[2]
              f[#f + 1] = 'reason'; f[#f + 1] = ARGV[5]
              f[#f + 1] = 'at'; f[#f + 1] = tostring(nowms())
              local cap = tonumber(ARGV[6])
              local n = redis.call('XLEN', KEYS[13])
              if n >= cap then
                local gone = redis.call('XTRIM', KEYS[13], 'MAXLEN', cap - 1)
                redis.call('HINCRBY', KEYS[14], 'evicted', gone)
              end
              redis.call('XADD', KEYS[13], '*', unpack(f))
              redis.call('XDEL', s, ARGV[3])
              redis.call('HINCRBY', KEYS[14], 'failed', 1)
              redis.call('HINCRBY', KEYS[14], 'deadLettered', 1)
            end
            return depth()
            """);

    // ARGV: capacity, limit, any (1/0), ids...  Returns the event ids replayed.
    static final LuaScript REPLAY = new LuaScript(DEPTH_FN + """
            local cap, limit, any = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
            local wanted = {}
            for i = 4, #ARGV do wanted[ARGV[i]] = true end
            local done = {}
            local d = depth()
            local entries = redis.call('XRANGE', KEYS[13], '-', '+')
            for _, e in ipairs(entries) do
              if #done >= limit or d >= cap then break end
              local f = e[2]
              local m = {}
              for i = 1, #f, 2 do m[f[i]] = f[i + 1] end
              if any or wanted[m.id] then
                local nf = {'id', m.id, 'type', m.type, 'created', m.created, 'a', '0'}
                if m.payload then nf[9] = 'payload'; nf[10] = m.payload end
                redis.call('XADD', KEYS[tonumber(m.p)], '*', unpack(nf))
                redis.call('XDEL', KEYS[13], e[1])
                redis.call('HINCRBY', KEYS[14], 'replayed', 1)
                done[#done + 1] = m.id
                d = d + 1
              end
            end
            return done
            """);

    // ARGV: group, promote (1/0). Returns {waiting, active, delayed, completed, failed, deadLettered, deadLetters,
    // evicted, enqueued, replayed, due promoted}
    static final LuaScript COUNTS = new LuaScript(DEPTH_FN + """
            local promoted = 0
            if ARGV[2] == '1' then promoted = promote(nowms(), 100) end
            local len, active = 0, 0
            for p = 1, 10 do
              len = len + redis.call('XLEN', KEYS[p])
              local pend = redis.pcall('XPENDING', KEYS[p], ARGV[1])
              if type(pend) == 'table' and not pend.err then active = active + pend[1] end
            end
            local function total(name) return tonumber(redis.call('HGET', KEYS[14], name) or '0') end
            return {len - active, active, redis.call('ZCARD', KEYS[11]), total('completed'), total('failed'),
                    total('deadLettered'), redis.call('XLEN', KEYS[13]), total('evicted'), total('enqueued'),
                    total('replayed'), promoted}
            """);
}
