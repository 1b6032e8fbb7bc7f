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
package dev.levee.gateway.chain;

import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The public listener's request chain: an ordered list of {@link Filter}s, checked when it is built. Each filter's
 * stage must come after the previous one's in {@link Stage} order, so a stage out of place or named twice fails at
 * startup with both stages in the message, never by running in the wrong order.
 */
public final class RequestChain {
    private final List<Filter> filters;

    private RequestChain(List<Filter> filters) {
        this.filters = List.copyOf(filters);
    }

    /** The chain of {@code filters}, in the order given. */
    public static RequestChain of(List<Filter> filters) {
        requireNonNull(filters, "filters");
        Filter previous = null;
        for (Filter f : filters) {
            requireNonNull(f, "filter");
            if (previous != null && f.stage().compareTo(previous.stage()) <= 0) {
                throw new IllegalStateException("request chain: " + f.stage()
                        + (f.stage() == previous.stage() ? " appears twice" : " declared after " + previous.stage())
                        + " (expected: stages in the order " + List.of(Stage.values()) + ", each at most once)");
            }
            previous = f;
        }
        return new RequestChain(filters);
    }

    /**
     * This chain with {@code extra} filters put in their stage's place (tests stand a handler in for a stage whose
     * feature they leave out); a stage already present fails as {@link #of} does.
     */
    public RequestChain with(List<Filter> extra) {
        requireNonNull(extra, "extra");
        List<Filter> all = new ArrayList<>(filters);
        for (Filter e : extra) {
            int at = 0;
            while (at < all.size() && all.get(at).stage().compareTo(e.stage()) < 0) {
                at++;
            }
            all.add(at, e);
        }
        return of(all);
    }

    /** The stages, in order. */
    public List<Stage> stages() {
        return filters.stream().map(Filter::stage).toList();
    }

    /** Mounts every filter on {@code router}, in order. */
    public void mount(Router router) {
        filters.forEach(f -> f.mount().accept(router));
    }
}
