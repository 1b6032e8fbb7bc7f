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

import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.UpstreamClusterConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The balancers, outlier ejection and the retry budget, on a manual ticker: no sockets, no sleeps. */
class UpstreamClusterLogicTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private static UpstreamClusterConfig config(String yaml) {
        return ConfigLoader.load("upstreams:\n  c:\n" + yaml.indent(4), Map.of()).upstreams().get("c");
    }

    private UpstreamCluster cluster(String yaml) {
        return new UpstreamCluster(vertx, "c", config(yaml), 1, ticker, new SimpleMeterRegistry());
    }

    private static final String THREE = "endpoints: [\"http://a:1\", \"http://b:1\", \"http://c:1\"]\n"
            + "health-check: { enabled: false }\n";

    @Test
    void roundRobinTakesEachEndpointInTurn() {
        UpstreamCluster c = cluster(THREE);
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            picks.merge(c.choose(null).label, 1, Integer::sum);
        }
        assertThat(picks).containsOnly(Map.entry("a:1", 10), Map.entry("b:1", 10), Map.entry("c:1", 10));
    }

    @Test
    void leastRequestsPicksTheEndpointWithFewestInFlightAndRotatesAmongEquals() {
        UpstreamCluster c = cluster(THREE + "balancer: least-requests\n");
        Endpoint a = c.endpoints.get(0);
        Endpoint b = c.endpoints.get(1);
        Endpoint cc = c.endpoints.get(2);
        a.begin();
        a.begin();
        b.begin();
        assertThat(c.choose(null)).isSameAs(cc);
        cc.begin();
        cc.begin(); // a 2, b 1, c 2
        assertThat(c.choose(null)).isSameAs(b);
        a.end();
        a.end();
        b.end();
        cc.end();
        cc.end(); // all idle: spread like round robin
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            picks.merge(c.choose(null).label, 1, Integer::sum);
        }
        assertThat(picks).containsOnly(Map.entry("a:1", 3), Map.entry("b:1", 3), Map.entry("c:1", 3));
    }

    @Test
    void consecutiveFailuresEjectAnEndpointForTheEjectionTimeThenItIsPickedAgain() {
        UpstreamCluster c = cluster(THREE + "outlier: { consecutive-failures: 3, ejection-time: 10s }\n");
        Endpoint a = c.endpoints.get(0);
        c.record(a, UpstreamCluster.Outcome.ERROR_5XX);
        c.record(a, UpstreamCluster.Outcome.CONNECT_FAILURE);
        c.record(a, UpstreamCluster.Outcome.SUCCESS); // the streak ends
        c.record(a, UpstreamCluster.Outcome.ERROR_5XX);
        c.record(a, UpstreamCluster.Outcome.TIMEOUT);
        assertThat(a.available(ticker.read())).isTrue();
        c.record(a, UpstreamCluster.Outcome.CONNECT_FAILURE); // three in a row
        assertThat(a.available(ticker.read())).isFalse();
        assertThat(c.ejections(a)).isEqualTo(1);
        c.record(a, UpstreamCluster.Outcome.ERROR_5XX); // an in-flight request's late failure: still one ejection
        assertThat(c.ejections(a)).isEqualTo(1);
        for (int i = 0; i < 20; i++) {
            assertThat(c.choose(null)).isNotSameAs(a);
        }
        ticker.advance(Duration.ofSeconds(9));
        assertThat(a.available(ticker.read())).isFalse();
        assertThat(a.ejectedForNanos(ticker.read())).isEqualTo(Duration.ofSeconds(1).toNanos());
        ticker.advance(Duration.ofSeconds(1));
        assertThat(a.available(ticker.read())).isTrue();
        assertThat(a.consecutiveFailures()).isZero(); // a fresh streak
        assertThat(List.of(c.choose(null), c.choose(null), c.choose(null))).contains(a);
    }

    @Test
    void localRefusalsAndDisabledOutlierDetectionEjectNothing() {
        UpstreamCluster c = cluster(THREE + "outlier: { enabled: false, consecutive-failures: 1 }\n");
        Endpoint a = c.endpoints.get(0);
        for (int i = 0; i < 5; i++) {
            c.record(a, UpstreamCluster.Outcome.CONNECT_FAILURE);
            c.record(a, UpstreamCluster.Outcome.LOCAL);
        }
        assertThat(a.available(ticker.read())).isTrue();
        assertThat(c.ejections(a)).isZero();
    }

    @Test
    void healthCheckThresholdsMarkDownThenUp() {
        Endpoint e = new Endpoint("http://a:1");
        assertThat(e.checked(false, 2, 3)).isFalse();
        assertThat(e.checked(true, 2, 3)).isFalse(); // the failure streak is broken
        assertThat(e.checked(false, 2, 3)).isFalse();
        assertThat(e.checked(false, 2, 3)).isTrue(); // two in a row: down
        assertThat(e.available(0)).isFalse();
        assertThat(e.checked(true, 2, 3)).isFalse();
        assertThat(e.checked(true, 2, 3)).isFalse();
        assertThat(e.checked(false, 2, 3)).isFalse(); // not three passes in a row
        assertThat(e.checked(true, 2, 3)).isFalse();
        assertThat(e.checked(true, 2, 3)).isFalse();
        assertThat(e.checked(true, 2, 3)).isTrue(); // up again
        assertThat(e.available(0)).isTrue();
    }

    @Test
    void whenEveryEndpointIsOutThePickIsAmongAllOfThem() {
        UpstreamCluster c = cluster(THREE + "outlier: { consecutive-failures: 1, ejection-time: 10s }\n");
        c.endpoints.forEach(e -> c.record(e, UpstreamCluster.Outcome.CONNECT_FAILURE));
        assertThat(c.endpoints).noneMatch(e -> e.available(ticker.read()));
        assertThat(c.choose(null)).isNotNull();
        assertThat(c.choose(c.endpoints.get(0))).isNotSameAs(c.endpoints.get(0));
    }

    @Test
    void retriesGoToAnotherEndpointOnlyForIdempotentMethods() {
        UpstreamCluster c = cluster(THREE + "retry: { budget: 1.0, min-retries: 100 }\n");
        Endpoint a = c.endpoints.get(0);
        for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE)) {
            Endpoint other = c.retryTarget(m, a);
            assertThat(other).isNotNull().isNotSameAs(a);
        }
        assertThat(c.retryTarget(HttpMethod.POST, a)).isNull();
        assertThat(c.retryTarget(HttpMethod.PATCH, a)).isNull();
        assertThat(c.retries()).isEqualTo(4);
        UpstreamCluster single = cluster("endpoints: [\"http://a:1\"]\nretry: { budget: 1.0, min-retries: 100 }\n");
        assertThat(single.retryTarget(HttpMethod.GET, single.endpoints.get(0))).isNull(); // nowhere else to go
    }

    @Test
    void theRetryBudgetCapsRetriesAtItsShareOfTheWindowsRequests() {
        RetryBudget budget = new RetryBudget(new UpstreamClusterConfig.Retry(0.25, 0, Duration.ofSeconds(10)),
                ticker);
        assertThat(budget.tryRetry()).isFalse(); // no requests, no minimum: nothing to take a share of
        for (int i = 0; i < 8; i++) {
            budget.request();
        }
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse(); // 2 of 8 = 25 %
        for (int i = 0; i < 4; i++) {
            budget.request();
        }
        assertThat(budget.tryRetry()).isTrue(); // 3 of 12
        assertThat(budget.tryRetry()).isFalse();
        // the window slides: ten seconds later the old requests and retries no longer count
        ticker.advance(Duration.ofSeconds(10));
        assertThat(budget.tryRetry()).isFalse();
        for (int i = 0; i < 4; i++) {
            budget.request();
        }
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
    }

    @Test
    void minRetriesAllowsAQuietClusterToRetryAndZeroBudgetWithoutMinimumNever() {
        RetryBudget quiet = new RetryBudget(new UpstreamClusterConfig.Retry(0.1, 2, Duration.ofSeconds(10)), ticker);
        quiet.request();
        assertThat(quiet.tryRetry()).isTrue();
        assertThat(quiet.tryRetry()).isTrue();
        assertThat(quiet.tryRetry()).isFalse();
        RetryBudget never = new RetryBudget(new UpstreamClusterConfig.Retry(0, 0, Duration.ofSeconds(10)), ticker);
        for (int i = 0; i < 100; i++) {
            never.request();
        }
        assertThat(never.tryRetry()).isFalse();
    }

    @Test
    void denialsAreCounted() {
        UpstreamCluster c = cluster(THREE + "retry: { budget: 0, min-retries: 1 }\n");
        assertThat(c.retryTarget(HttpMethod.GET, c.endpoints.get(0))).isNotNull();
        assertThat(c.retryTarget(HttpMethod.GET, c.endpoints.get(0))).isNull();
        assertThat(c.retries()).isEqualTo(1);
        assertThat(c.retriesDenied()).isEqualTo(1);
    }
}
