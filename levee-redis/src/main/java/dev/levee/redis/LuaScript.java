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
package dev.levee.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static java.util.Objects.requireNonNull;

/**
 * A Lua script run by SHA: loaded once (SCRIPT LOAD) and called by EVALSHA; a NOSCRIPT answer (Redis restarted,
 * SCRIPT FLUSH, a failover to a replica without it) loads it again and retries once.
 */
public final class LuaScript {
    private final String text;
    private final String sha;

    public LuaScript(String text) {
        this.text = requireNonNull(text, "text");
        this.sha = sha1(text);
    }

    public String text() {
        return text;
    }

    public String sha() {
        return sha;
    }

    /** Loads the script now, if connected (a failure is fine: the first EVALSHA loads it on NOSCRIPT). */
    public void preload(RedisConnection redis) {
        try {
            redis.scripting().scriptLoad(text);
        } catch (RuntimeException ignored) {
            // not connected yet
        }
    }

    /** EVALSHA, with one reload-and-retry on NOSCRIPT. Never throws: failures complete the future. */
    public <T> CompletableFuture<T> eval(RedisConnection redis, ScriptOutputType type, String[] keys,
                                         String... args) {
        CompletableFuture<T> first;
        RedisScriptingAsyncCommands<String, String> c;
        try {
            c = redis.scripting();
            first = c.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return first.handle((r, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(r);
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (!(cause instanceof RedisNoScriptException)) {
                return CompletableFuture.<T>failedFuture(cause);
            }
            return c.scriptLoad(text).toCompletableFuture()
                    .thenCompose(loaded -> c.<T>evalsha(loaded, type, keys, args).toCompletableFuture());
        }).thenCompose(f -> f);
    }

    static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
