package dev.levee.gateway.upstream;

import io.vertx.core.Future;

/**
 * One buffered exchange with the upstream. The read path composes these: cache -> coalescer -> hot-spot window
 * -> breaker -> {@link UpstreamClient#fetch}. A fetcher fails its future with an
 * {@link dev.levee.gateway.http.HttpError} to answer the client with that error.
 */
@FunctionalInterface
public interface UpstreamFetcher {
    Future<UpstreamResponse> fetch(UpstreamRequest request);
}
