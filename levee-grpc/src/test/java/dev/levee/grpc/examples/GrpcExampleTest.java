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
package dev.levee.grpc.examples;

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import dev.levee.grpc.AdmissionInterceptor;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** README "Use it as a library": the gRPC interceptor on a real (in-process) server. */
class GrpcExampleTest {
    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
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
    private static final MethodDescriptor<String, String> GET = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("levee.example.Odds/Get")
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8)
            .build();

    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    /** What protoc would generate as {@code OddsGrpc.OddsImplBase}: here one method written by hand. */
    private final BindableService oddsService = () -> ServerServiceDefinition.builder("levee.example.Odds")
            .addMethod(GET, ServerCalls.asyncUnaryCall((request, response) -> {
                response.onNext(AdmissionInterceptor.PERMIT.get().admissionClass() + ": odds of " + request);
                response.onCompleted();
            }))
            .build();

    @Test
    void theInterceptorAdmitsEachCallInItsClass() throws Exception {
        // README:begin grpc
        PriorityAdmission admission = PriorityAdmission.builder()
                .addClass("partner", 100).addClass("browser", 1_000)
                .maxConcurrent(200).maxWait(Duration.ofSeconds(2))
                .ticker(ticker).scheduler(scheduler)
                .build();
        AdmissionInterceptor levee = AdmissionInterceptor.builder(admission)
                .classifier(headers -> headers.containsKey(API_KEY) ? "partner" : null)   // null: the lowest class
                .excludeServices("grpc.health.v1.Health")
                .build();
        Server server = InProcessServerBuilder.forName("odds")     // or NettyServerBuilder.forPort(9090)
                .addService(ServerInterceptors.intercept(oddsService, levee))
                .build().start();
        // shed: RESOURCE_EXHAUSTED "Server busy", trailers grpc-retry-pushback-ms, levee-reason, levee-class
        // README:end grpc
        ManagedChannel channel = InProcessChannelBuilder.forName("odds").build();
        try {
            Metadata partner = new Metadata();
            partner.put(API_KEY, "k1");
            var withKey = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(partner));
            assertThat(ClientCalls.blockingUnaryCall(withKey, GET, CallOptions.DEFAULT, "42"))
                    .isEqualTo("partner: odds of 42");
            assertThat(ClientCalls.blockingUnaryCall(channel, GET, CallOptions.DEFAULT, "43"))
                    .isEqualTo("browser: odds of 43");
            // the permit goes back when the call has ended on the server, which may be just after the client read the answer
            await().untilAsserted(() -> assertThat(admission.stats().inFlight()).isZero());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
