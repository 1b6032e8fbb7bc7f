package dev.levee.gateway.events;

import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ENABLE_BACKPRESSURE=false: the gateway does not ingest; events go to the upstream like any request. */
class EventsDisabledTest {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.post(EventsFeature.EVENTS_PATH).handler(ctx -> ctx.response().end("upstream got it")))
            .env(Map.of("ENABLE_BACKPRESSURE", "false"))
            .build();

    @Test
    void eventsAreProxiedAndTheQueueEndpointsAreAbsent() throws Exception {
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri(EventsFeature.EVENTS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"x\"}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("upstream got it");
        assertThat(gw.admin("/metrics").body()).doesNotContain("levee_events_");
        assertThat(gw.admin("/health").body()).contains("\"events\":{\"status\":\"UP\",\"enabled\":false}");
    }
}
