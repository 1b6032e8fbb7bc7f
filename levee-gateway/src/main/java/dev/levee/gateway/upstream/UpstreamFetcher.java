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
