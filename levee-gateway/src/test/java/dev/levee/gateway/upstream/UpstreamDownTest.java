package dev.levee.gateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamDownTest {
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .config("upstream: { url: \"http://127.0.0.1:" + closedPort() + "\" }")
            .build();

    @Test
    void upstreamUnreachableIs502Json() throws Exception {
        HttpResponse<String> r = gw.get("/anything");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(new ObjectMapper().readTree(r.body()).get("error").asText()).isEqualTo("Upstream unreachable");
    }
}
