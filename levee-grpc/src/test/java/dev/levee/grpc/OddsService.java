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

import dev.levee.core.admission.Permit;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (in-process transport, the server's default executor) with one unary method written by hand,
 * so no protoc step: {@code levee.test.Odds/Get} takes and returns a UTF-8 string. A request "slow" waits for
 * {@link #gate}; every call records the class of its permit in {@link #served}.
 */
final class OddsService implements AutoCloseable {
    static final Metadata.Key<String> CLASS = Metadata.Key.of("x-class", Metadata.ASCII_STRING_MARSHALLER);

    static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<String, String> GET = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("levee.test.Odds", "Get"))
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8)
            .build();

    private static final AtomicInteger NAMES = new AtomicInteger();

    final CountDownLatch gate = new CountDownLatch(1);
    final ConcurrentLinkedQueue<String> served = new ConcurrentLinkedQueue<>();
    private final Server server;
    private final ManagedChannel channel;

    OddsService(ServerInterceptor interceptor) throws IOException {
        ServerServiceDefinition odds = ServerServiceDefinition.builder("levee.test.Odds")
                .addMethod(GET, ServerCalls.asyncUnaryCall((request, response) -> {
                    Permit permit = AdmissionInterceptor.PERMIT.get();
                    served.add(permit == null ? "none" : permit.admissionClass());
                    if (request.equals("slow")) {
                        try {
                            gate.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    response.onNext("odds of " + request);
                    response.onCompleted();
                }))
                .build();
        String name = "levee-odds-" + NAMES.incrementAndGet();
        server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(odds, interceptor))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    /** Calls Get with the class header (none when null); the future is cancellable. */
    Future<String> get(String admissionClass, String request) {
        Metadata headers = new Metadata();
        if (admissionClass != null) {
            headers.put(CLASS, admissionClass);
        }
        var intercepted = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        return ClientCalls.futureUnaryCall(intercepted.newCall(GET, CallOptions.DEFAULT), request);
    }

    @Override
    public void close() {
        gate.countDown();
        try {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the test is being stopped: leave the rest to the JVM's exit
        }
    }
}
