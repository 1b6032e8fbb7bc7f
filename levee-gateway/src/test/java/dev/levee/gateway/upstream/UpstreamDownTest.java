package dev.levee.gateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamDownTest {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .config("upstream: { url: \"http://127.0.0.1:" + Ports.closed() + "\" }")
            .build();

    @Test
    void upstreamUnreachableIs502Json() throws Exception {
        HttpResponse<String> r = gw.get("/anything");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(new ObjectMapper().readTree(r.body()).get("error").asText()).isEqualTo("Upstream unreachable");
    }
}
