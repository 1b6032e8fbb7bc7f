package dev.levee.gateway.hotspot;

import dev.levee.core.hotspot.KeyExtractor;
import dev.levee.gateway.upstream.UpstreamRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/** Adapts the gateway's request types to what {@link KeyExtractor} reads. */
final class RequestViews {
    private RequestViews() {}

    static KeyExtractor.Request of(HttpServerRequest request) {
        return new KeyExtractor.Request() {
            @Override
            public String path() {
                return request.path();
            }

            @Override
            public String queryParam(String name) {
                return request.getParam(name);
            }

            @Override
            public String header(String name) {
                return request.getHeader(name);
            }
        };
    }

    static KeyExtractor.Request of(UpstreamRequest request) {
        QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
        return new KeyExtractor.Request() {
            @Override
            public String path() {
                return decoder.path();
            }

            @Override
            public String queryParam(String name) {
                List<String> values = decoder.parameters().get(name);
                return values == null || values.isEmpty() ? null : values.get(0);
            }

            @Override
            public String header(String name) {
                return request.headers().get(name);
            }
        };
    }
}
