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

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * The machine's real redis-server (127.0.0.1:6379; `.ci/run` starts one) for a test class: a {@link RedisConnection}
 * as the code under test uses it, and plain synchronous commands for the test to look at what was stored. Tests
 * keep their keys under a unique prefix and delete only those.
 */
public final class LocalRedis implements BeforeAllCallback, AfterAllCallback {
    public static final String URL = "redis://127.0.0.1:6379";

    private RedisConnection connection;
    private RedisClient client;
    private StatefulRedisConnection<String, String> inspect;

    @Override
    public void beforeAll(ExtensionContext context) {
        connection = RedisConnection.connect(URL, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
        client = RedisClient.create(URL);
        inspect = client.connect();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        inspect.close();
        client.shutdown();
        connection.close();
    }

    public RedisConnection connection() {
        return connection;
    }

    public RedisCommands<String, String> sync() {
        return inspect.sync();
    }
}
