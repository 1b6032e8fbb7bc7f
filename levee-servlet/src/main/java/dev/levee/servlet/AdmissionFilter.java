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
package dev.levee.servlet;

import dev.levee.core.RejectedException;
import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * Priority admission in front of a servlet application: each request is classified, waits for a
 * {@link Permit} of the {@link PriorityAdmission} in its class's queue, and is answered 429 or 503 with the
 * gateway's JSON body and {@code Retry-After} ({@link RejectionResponse}) when it is shed.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>The permit is held for the whole request and released exactly once (a {@link Permit} released again does
 *       nothing, so every exit path may release it): when the filter chain returns or throws, or, if the chain
 *       put the request in asynchronous mode, when the {@link AsyncContext} completes, times out or fails (the
 *       container completes an async request after a timeout or an error, a client that went away included).
 *       A new asynchronous cycle ({@code startAsync} again after a dispatch) drops the listeners of the last
 *       one, so the listener registers itself again on {@code onStartAsync}.</li>
 *   <li>A queued request waits on its container thread, as a synchronous servlet does anyway: with virtual
 *       threads (Tomcat's {@code useVirtualThreads}, Jetty's {@code VirtualThreadPool}) a wait costs no platform
 *       thread. The queue is bounded by the admission's capacities either way. A thread interrupted while it
 *       waits gives up its place; the admission never leaks a permit granted at that moment.</li>
 *   <li>Only the container's initial dispatch ({@link DispatcherType#REQUEST}) is admitted: an async dispatch,
 *       a forward, an include or an error dispatch of an admitted request already holds its permit (it is the
 *       request attribute {@link #PERMIT_ATTRIBUTE}), so mapping the filter to those types too changes
 *       nothing.</li>
 * </ul>
 */
public final class AdmissionFilter implements Filter {
    /** The request attribute holding the admitted request's {@link Permit} (its class, how long it waited). */
    public static final String PERMIT_ATTRIBUTE = AdmissionFilter.class.getName() + ".permit";

    private final PriorityAdmission admission;
    private final Function<? super HttpServletRequest, String> classifier;
    private final String lowestClass;
    private final List<String> excludedPaths;
    private final Duration maxWait;

    private AdmissionFilter(Builder b) {
        this.admission = b.admission;
        this.classifier = required("classifier", b.classifier,
                "a Function<HttpServletRequest, String>, e.g. request -> \"browser\"");
        this.lowestClass = admission.classes().getLast();
        this.excludedPaths = List.copyOf(b.excludedPaths);
        this.maxWait = b.maxWait;
    }

    /** A filter that admits requests through {@code admission}. */
    public static Builder builder(PriorityAdmission admission) {
        return new Builder(requireNonNull(admission, "admission"));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || req.getDispatcherType() != DispatcherType.REQUEST || req.getAttribute(PERMIT_ATTRIBUTE) != null
                || excluded(request)) {
            chain.doFilter(req, res);
            return;
        }
        String admissionClass = classifier.apply(request);
        Permit permit;
        try {
            String name = admissionClass == null ? lowestClass : admissionClass;
            permit = await(maxWait == null ? admission.acquire(name) : admission.acquire(name, maxWait));
        } catch (RejectedException shed) {
            write(response, RejectionResponse.of(shed));
            return;
        }
        request.setAttribute(PERMIT_ATTRIBUTE, permit);
        boolean releasedByAsync = false;
        try {
            chain.doFilter(request, response);
            releasedByAsync = request.isAsyncStarted() && releaseOnCompletion(request.getAsyncContext(), permit);
        } finally {
            if (!releasedByAsync) {
                permit.release();
            }
        }
    }

    private boolean excluded(HttpServletRequest request) {
        if (excludedPaths.isEmpty()) {
            return false;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        for (String prefix : excludedPaths) {
            if (path.startsWith(prefix) && (path.length() == prefix.length() || prefix.endsWith("/")
                    || path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    private static boolean releaseOnCompletion(AsyncContext async, Permit permit) {
        try {
            async.addListener(new ReleaseOnCompletion(permit));
            return true;
        } catch (IllegalStateException alreadyOver) { // the async cycle ended already: release it here
            return false;
        }
    }

    private static Permit await(CompletableFuture<Permit> pending) throws ServletException {
        try {
            return pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RejectedException shed) {
                throw shed;
            }
            throw new ServletException("admission failed", e.getCause());
        } catch (InterruptedException e) {
            // give up the place in the queue; a permit granted meanwhile goes straight back
            if (!pending.cancel(false)) {
                pending.thenAccept(Permit::release);
            }
            Thread.currentThread().interrupt();
            throw new ServletException("interrupted waiting for admission", e);
        }
    }

    private static void write(HttpServletResponse response, RejectionResponse rejection) throws IOException {
        byte[] body = rejection.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(rejection.status());
        if (rejection.retryAfterSeconds() >= 0) {
            response.setHeader("Retry-After", Long.toString(rejection.retryAfterSeconds()));
        }
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(RejectionResponse.CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Releases the permit when the async request is over, however it ends; follows it into a new async cycle. */
    private record ReleaseOnCompletion(Permit permit) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            permit.release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // the container completes the request next (onComplete); releasing now frees the slot sooner
            permit.release();
        }

        @Override
        public void onError(AsyncEvent event) {
            permit.release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            AsyncContext next = event.getAsyncContext();
            if (next != null) {
                next.addListener(this);
            }
        }
    }

    /** Builds an {@link AdmissionFilter}; a classifier is required. */
    public static final class Builder {
        private final PriorityAdmission admission;
        private Function<? super HttpServletRequest, String> classifier;
        private final List<String> excludedPaths = new ArrayList<>();
        private Duration maxWait;

        private Builder(PriorityAdmission admission) {
            this.admission = admission;
        }

        /**
         * The request's admission class, one of the admission's classes; null (no rule matched) is the lowest
         * class. Called on the container thread before the request waits, so it must not block.
         */
        public Builder classifier(Function<? super HttpServletRequest, String> classifier) {
            this.classifier = requireNonNull(classifier, "classifier");
            return this;
        }

        /**
         * Paths within the application (the request URI without the context path) that skip admission: health
         * checks, metrics. {@code "/health"} excludes {@code /health} and {@code /health/live}, not
         * {@code /healthz}.
         */
        public Builder excludePaths(String... paths) {
            for (String path : requireNonNull(paths, "paths")) {
                requireNonNull(path, "path");
                if (!path.startsWith("/")) {
                    throw new IllegalArgumentException("excluded path: '" + path + "' (expected: starting with /)");
                }
                excludedPaths.add(path);
            }
            return this;
        }

        /** Longest wait in the queue (greater than zero); by default the admission's own max wait. */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = positive("maxWait", maxWait);
            return this;
        }

        public AdmissionFilter build() {
            return new AdmissionFilter(this);
        }
    }
}
