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
package dev.levee.grpc;

import dev.levee.core.RejectedException;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * Priority admission in front of a gRPC server: each call is classified from its {@link Metadata}, waits for a
 * {@link Permit} of the {@link PriorityAdmission} in its class's queue, and is closed with
 * {@link Status#RESOURCE_EXHAUSTED} when it is shed. The trailers of a shed call say when to retry and why:
 * <ul>
 *   <li>{@code grpc-retry-pushback-ms}: the admission's {@link RejectedException#retryAfter()} in milliseconds,
 *       the key gRPC's own retry policy (gRFC A6) honours when {@code RESOURCE_EXHAUSTED} is one of its retryable
 *       status codes;</li>
 *   <li>{@code levee-reason}: {@code queue_full}, {@code pushed_out} or {@code timeout}; {@code levee-class}: the
 *       call's class.</li>
 * </ul>
 * The status description is the gateway's error string: {@code "Server busy"}, or {@code "Queue timeout"} for a
 * call that waited its max wait.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>Nothing blocks: a call that must wait gets a listener that holds its events until the permit comes (no
 *       message arrives before that, as the handler has not asked for one). The call then starts on the thread
 *       that freed the permit; {@code startCall} of a generated stub only asks for the first message, and the
 *       handler itself runs on the server's executor when the message is delivered. The call's {@link Context}
 *       (deadline, cancellation) is the one it arrived with.</li>
 *   <li>The permit is released exactly once, when the call completes or is cancelled (by the client, a deadline
 *       or the server), or when the handler's {@code startCall} throws. gRPC tells a listener of a cancel once
 *       the handler's running callback returns (a call's events come one at a time), so the permit counts a
 *       cancelled call's work until it stops; a handler that watches {@code Context.current().isCancelled()}
 *       stops sooner. A call cancelled while it waits gives up
 *       its place in the queue; a permit granted at that moment goes straight back.</li>
 *   <li>Handlers read the call's permit (its class, how long it waited) from {@link #PERMIT}.</li>
 * </ul>
 */
public final class AdmissionInterceptor implements ServerInterceptor {
    /** Trailer of a shed call: when a retry can succeed, in milliseconds (gRPC's retry pushback key). */
    public static final Metadata.Key<String> RETRY_PUSHBACK_MS =
            Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);
    /** Trailer of a shed call: the shed reason's code ({@code queue_full}, {@code pushed_out}, {@code timeout}). */
    public static final Metadata.Key<String> REASON = Metadata.Key.of("levee-reason", Metadata.ASCII_STRING_MARSHALLER);
    /** Trailer of a shed call: its admission class. */
    public static final Metadata.Key<String> ADMISSION_CLASS =
            Metadata.Key.of("levee-class", Metadata.ASCII_STRING_MARSHALLER);
    /** The admitted call's permit, in the call's {@link Context}. */
    public static final Context.Key<Permit> PERMIT = Context.key("levee-permit");

    private final PriorityAdmission admission;
    private final Function<? super Metadata, String> classifier;
    private final String lowestClass;
    private final Set<String> excludedServices;
    private final Duration maxWait;

    private AdmissionInterceptor(Builder b) {
        this.admission = b.admission;
        this.classifier = required("classifier", b.classifier,
                "a Function<Metadata, String>, e.g. headers -> \"browser\"");
        this.lowestClass = admission.classes().getLast();
        this.excludedServices = Set.copyOf(b.excludedServices);
        this.maxWait = b.maxWait;
    }

    /** An interceptor that admits calls through {@code admission}. */
    public static Builder builder(PriorityAdmission admission) {
        return new Builder(requireNonNull(admission, "admission"));
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        if (excludedServices.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String admissionClass = classifier.apply(headers);
        String name = admissionClass == null ? lowestClass : admissionClass;
        CompletableFuture<Permit> pending = maxWait == null ? admission.acquire(name) : admission.acquire(name, maxWait);
        Context context = Context.current();
        if (pending.isDone()) { // admitted or shed at once: the common cases need no deferred listener
            Permit permit;
            try {
                permit = pending.join();
            } catch (CompletionException e) {
                close(call, e.getCause());
                return new ServerCall.Listener<>() {};
            }
            return start(context, permit, call, headers, next);
        }
        Deferred<ReqT, RespT> deferred = new Deferred<>(context, call, headers, next, pending);
        pending.whenComplete(deferred::admissionDone);
        return deferred;
    }

    private static <ReqT, RespT> ServerCall.Listener<ReqT> start(Context context, Permit permit,
                                                                 ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        ServerCall.Listener<ReqT> listener;
        try {
            listener = Contexts.interceptCall(context.withValue(PERMIT, permit), call, headers, next);
        } catch (RuntimeException | Error e) {
            permit.release();
            throw e;
        }
        return new ReleasingListener<>(listener, permit);
    }

    private static void close(ServerCall<?, ?> call, Throwable error) {
        if (error instanceof AdmissionRejectedException shed) {
            Metadata trailers = new Metadata();
            trailers.put(RETRY_PUSHBACK_MS, Long.toString(shed.retryAfter().toMillis()));
            trailers.put(REASON, shed.reason().code());
            trailers.put(ADMISSION_CLASS, shed.admissionClass());
            call.close(Status.RESOURCE_EXHAUSTED
                    .withDescription(shed.suggestedStatus() == 503 ? "Queue timeout" : "Server busy"), trailers);
        } else {
            call.close(Status.INTERNAL.withDescription("admission failed").withCause(error), new Metadata());
        }
    }

    /** Releases the permit when the call is over, however it ends. */
    private static final class ReleasingListener<ReqT>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
        private final Permit permit;

        ReleasingListener(ServerCall.Listener<ReqT> delegate, Permit permit) {
            super(delegate);
            this.permit = permit;
        }

        @Override
        public void onComplete() {
            try {
                super.onComplete();
            } finally {
                permit.release();
            }
        }

        @Override
        public void onCancel() {
            try {
                super.onCancel();
            } finally {
                permit.release();
            }
        }
    }

    /**
     * The listener of a call waiting for its permit: holds the call's events until the call starts, or gives up
     * the place in the queue when the call is cancelled first. One lock orders the start against the events.
     */
    private static final class Deferred<ReqT, RespT> extends ServerCall.Listener<ReqT> {
        private final Context context;
        private final ServerCall<ReqT, RespT> call;
        private final Metadata headers;
        private final ServerCallHandler<ReqT, RespT> next;
        private final CompletableFuture<Permit> pending;
        private final List<Consumer<ServerCall.Listener<ReqT>>> held = new ArrayList<>();
        private ServerCall.Listener<ReqT> started; // guarded by this
        private boolean over;                      // guarded by this: cancelled while waiting, or shed

        Deferred(Context context, ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next,
                 CompletableFuture<Permit> pending) {
            this.context = context;
            this.call = call;
            this.headers = headers;
            this.next = next;
            this.pending = pending;
        }

        void admissionDone(Permit permit, Throwable error) {
            synchronized (this) {
                if (over) {
                    if (permit != null) {
                        permit.release(); // cancelled as the permit came
                    }
                    return;
                }
                if (permit == null) {
                    over = true;
                    if (!(error instanceof CancellationException)) {
                        close(call, error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
                    }
                    return;
                }
                ServerCall.Listener<ReqT> listener;
                try {
                    listener = start(context, permit, call, headers, next);
                } catch (RuntimeException | Error e) { // released by start; the call cannot go on
                    over = true;
                    call.close(Status.fromThrowable(e), new Metadata());
                    return;
                }
                // events that came meanwhile (onReady; a message only once the handler asked for it) in order
                for (Consumer<ServerCall.Listener<ReqT>> event : held) {
                    event.accept(listener);
                }
                held.clear();
                started = listener;
            }
        }

        private void event(Consumer<ServerCall.Listener<ReqT>> event) {
            ServerCall.Listener<ReqT> listener;
            synchronized (this) {
                if (started == null) {
                    if (!over) {
                        held.add(event);
                    }
                    return;
                }
                listener = started;
            }
            event.accept(listener);
        }

        @Override
        public void onMessage(ReqT message) {
            event(l -> l.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            event(ServerCall.Listener::onHalfClose);
        }

        @Override
        public void onReady() {
            event(ServerCall.Listener::onReady);
        }

        @Override
        public void onComplete() {
            event(ServerCall.Listener::onComplete);
        }

        @Override
        public void onCancel() {
            ServerCall.Listener<ReqT> listener;
            synchronized (this) {
                listener = started;
                if (listener == null) {
                    over = true; // a permit granted from here on goes straight back (admissionDone)
                    held.clear();
                }
            }
            if (listener == null) {
                pending.cancel(false); // gives up the place in the queue
            } else {
                listener.onCancel();
            }
        }
    }

    /** Builds an {@link AdmissionInterceptor}; a classifier is required. */
    public static final class Builder {
        private final PriorityAdmission admission;
        private Function<? super Metadata, String> classifier;
        private final List<String> excludedServices = new ArrayList<>();
        private Duration maxWait;

        private Builder(PriorityAdmission admission) {
            this.admission = admission;
        }

        /**
         * The call's admission class from its headers, one of the admission's classes; null (no rule matched) is
         * the lowest class. Called on the transport's thread before the call waits, so it must not block.
         */
        public Builder classifier(Function<? super Metadata, String> classifier) {
            this.classifier = requireNonNull(classifier, "classifier");
            return this;
        }

        /** Full service names that skip admission, e.g. {@code grpc.health.v1.Health}. */
        public Builder excludeServices(String... serviceNames) {
            for (String service : requireNonNull(serviceNames, "serviceNames")) {
                requireNonNull(service, "service");
                if (service.isBlank() || service.contains("/")) {
                    throw new IllegalArgumentException("excluded service: '" + service
                            + "' (expected: a full service name, e.g. grpc.health.v1.Health)");
                }
                excludedServices.add(service);
            }
            return this;
        }

        /** Longest wait in the queue (greater than zero); by default the admission's own max wait. */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = positive("maxWait", maxWait);
            return this;
        }

        public AdmissionInterceptor build() {
            return new AdmissionInterceptor(this);
        }
    }
}
