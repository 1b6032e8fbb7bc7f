package dev.levee.gateway.readpath;

import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.gateway.upstream.UpstreamFetcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A feature registered after the read path (as the hot-spot window is) still decorates its fetch, and sits under
 * the coalescer: one decorated call per shared upstream call, not one per waiter.
 */
class ReadPathDecoratorTest {
    private static final HeldUpstream upstream = new HeldUpstream();
    private static final AtomicInteger decoratedCalls = new AtomicInteger();

    static final class CountingFeature implements GatewayFeature {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public UpstreamFetcher decorateFetch(RouteConfig route, UpstreamFetcher next) {
            return req -> {
                decoratedCalls.incrementAndGet();
                return next.fetch(req);
            };
        }

        @Override
        public HealthReport health() {
            return HealthReport.up(Map.of());
        }
    }

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> upstream.mount(r, "/api"))
            .features(List.of(ReadPathFeature::new, ctx -> new CountingFeature()))
            .config("""
                    routes:
                      - path: /api/odds
                        coalesce: true
                    """)
            .build();

    @Test
    void decoratorsOfLaterFeaturesWrapTheSharedFetchOnce() {
        upstream.hold = true;
        List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rs.add(gw.http().sendAsync(HttpRequest.newBuilder(gw.uri("/api/odds?t=decorated"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        RoutePipeline p = gw.gateway().feature(ReadPathFeature.class).pipeline("/api/odds");
        await().until(() -> p.coalescer.stats().currentWaiters() == 10);
        upstream.hold = false;
        upstream.release();
        rs.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        assertThat(decoratedCalls).hasValue(1);
        assertThat(upstream.calls("/api/odds?t=decorated")).isEqualTo(1);
    }
}
