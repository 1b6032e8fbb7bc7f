package dev.levee.gateway.admission;

import dev.levee.gateway.chain.Filter;
import dev.levee.gateway.chain.RequestState;
import dev.levee.gateway.chain.Stage;
import dev.levee.gateway.http.JsonResponses;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test stage behind authentication and admission (standing in for the read path, which these tests leave out):
 * shows what authentication wrote to the request state, and fails on demand.
 */
final class ProbeFeature {
    private ProbeFeature() {}

    static Filter filter() {
        return Filter.routes(Stage.READ_PATH, router -> {
            router.get("/probe").handler(ctx -> {
                RequestState state = RequestState.of(ctx);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("class", state.clientClass());
                body.put("identity", state.identity());
                JsonResponses.send(ctx, 200, body);
            });
            router.get("/boom").handler(ctx -> {
                throw new IllegalStateException("handler bug");
            });
        });
    }
}
