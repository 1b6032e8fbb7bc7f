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
