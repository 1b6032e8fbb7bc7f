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

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.ManualTicker;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The interceptor on a real gRPC server: sheds, priorities, trailers, and permits back on every ending. */
class AdmissionInterceptorTest {
    private final ManualTicker ticker = new ManualTicker();
    private OddsService odds;

    @AfterEach
    void stop() throws Exception {
        if (odds != null) {
            odds.close();
        }
    }

    private PriorityAdmission admission(int maxConcurrent, int queueCapacity) {
        return PriorityAdmission.builder()
                .addClass("agent", queueCapacity).addClass("bettor", queueCapacity).addClass("browser", queueCapacity)
                .maxConcurrent(maxConcurrent)
                .maxWait(Duration.ofSeconds(10))
                .fixedRetryAfter(Duration.ofSeconds(3))
                .ticker(ticker).scheduler(ticker)
                .build();
    }

    private void start(PriorityAdmission admission) throws Exception {
        odds = new OddsService(AdmissionInterceptor.builder(admission)
                .classifier(headers -> headers.get(OddsService.CLASS))
                .build());
    }

    private static StatusRuntimeException failure(Future<String> call) {
        Throwable e = catchThrowable(() -> call.get(30, TimeUnit.SECONDS));
        assertThat(e).isInstanceOf(ExecutionException.class).cause().isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) e.getCause();
    }

    @Test
    void aShedCallIsResourceExhaustedWithRetryPushbackAndReasonInItsTrailers() throws Exception {
        PriorityAdmission admission = admission(1, 1);
        start(admission);
        Future<String> running = odds.get("browser", "slow");
        await().until(() -> admission.stats().inFlight() == 1);
        Future<String> queued = odds.get("browser", "42");
        await().until(() -> admission.stats().queued() == 1);

        StatusRuntimeException shed = failure(odds.get("browser", "43"));
        assertThat(shed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(shed.getStatus().getDescription()).isEqualTo("Server busy");
        Metadata trailers = shed.getTrailers();
        assertThat(trailers).isNotNull();
        assertThat(trailers.get(AdmissionInterceptor.RETRY_PUSHBACK_MS)).isEqualTo("3000");
        assertThat(trailers.get(AdmissionInterceptor.REASON)).isEqualTo("queue_full");
        assertThat(trailers.get(AdmissionInterceptor.ADMISSION_CLASS)).isEqualTo("browser");

        ticker.advance(Duration.ofSeconds(10)); // the queued call waits out its max wait
        StatusRuntimeException timedOut = failure(queued);
        assertThat(timedOut.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(timedOut.getStatus().getDescription()).isEqualTo("Queue timeout");
        assertThat(timedOut.getTrailers().get(AdmissionInterceptor.REASON)).isEqualTo("timeout");

        odds.gate.countDown();
        assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo("odds of slow");
        await().until(() -> admission.stats().inFlight() == 0 && admission.stats().queued() == 0);
    }

    @Test
    void aFreedPermitGoesToTheHighestClassAndTheLowestIsPushedOutFirst() throws Exception {
        PriorityAdmission admission = admission(1, 2);
        start(admission);
        Future<String> holder = odds.get("browser", "slow");
        await().until(() -> admission.stats().inFlight() == 1);
        List<Future<String>> browsers = List.of(odds.get(null, "b1"), odds.get(null, "b2")); // none: browser
        Future<String> bettor = odds.get("bettor", "s1");
        await().until(() -> admission.stats().queued() == 3);
        List<Future<String>> agents = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // two over the agent queue: they push out both browsers
            agents.add(odds.get("agent", "a" + i));
        }
        await().until(() -> admission.stats().forClass("agent").queueDepth() == 4);
        for (Future<String> browser : browsers) {
            StatusRuntimeException shed = failure(browser);
            assertThat(shed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(shed.getTrailers().get(AdmissionInterceptor.REASON)).isEqualTo("pushed_out");
        }

        odds.gate.countDown();
        for (Future<String> agent : agents) {
            assertThat(agent.get(30, TimeUnit.SECONDS)).startsWith("odds of a");
        }
        assertThat(bettor.get(30, TimeUnit.SECONDS)).isEqualTo("odds of s1");
        holder.get(30, TimeUnit.SECONDS);
        assertThat(odds.served).containsExactly("browser", "agent", "agent", "agent", "agent", "bettor");
        await().until(() -> admission.stats().inFlight() == 0);
    }

    @Test
    void aCallCancelledWhileQueuedGivesUpItsPlaceAndOneCancelledWhileRunningReleasesItsPermitWhenItsHandlerReturns() throws Exception {
        PriorityAdmission admission = admission(1, 4);
        start(admission);
        Future<String> running = odds.get("browser", "slow");
        await().until(() -> admission.stats().inFlight() == 1);
        Future<String> queued = odds.get("agent", "42");
        await().until(() -> admission.stats().queued() == 1);

        queued.cancel(true);
        await().until(() -> admission.stats().queued() == 0);
        assertThat(admission.stats().forClass("agent").cancelled()).isEqualTo(1);

        // the client gives up the running call: gRPC tells the listener once the handler's callback returns (a
        // call's events come one at a time), so the permit counts the work until it really stops
        running.cancel(true);
        assertThat(admission.stats().inFlight()).isEqualTo(1);
        odds.gate.countDown();
        await().until(() -> admission.stats().inFlight() == 0);
        assertThat(odds.get("agent", "43").get(30, TimeUnit.SECONDS)).isEqualTo("odds of 43");
        assertThat(admission.stats().forClass("agent").admitted()).isEqualTo(1);
    }

    @Test
    void noPermitLeaksAfterThousandsOfCallsSomeCancelledSomeShed() throws Exception {
        PriorityAdmission admission = PriorityAdmission.builder()
                .addClass("agent", 20).addClass("bettor", 20).addClass("browser", 20)
                .maxConcurrent(8).maxWait(Duration.ofSeconds(30))
                .ticker(ticker).scheduler(ticker)
                .build();
        start(admission);
        odds.gate.countDown(); // "slow" calls run at once here: the load is the concurrency
        List<Future<String>> calls = new ArrayList<>();
        String[] classes = {"agent", "bettor", "browser"};
        int ok = 0;
        int shed = 0;
        int cancelled = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 100; i++) {
                calls.add(odds.get(classes[i % 3], i % 2 == 0 ? "slow" : Integer.toString(i)));
            }
            for (int i = 0; i < calls.size(); i += 7) {
                calls.get(i).cancel(true);
            }
            for (Future<String> call : calls) {
                if (call.isCancelled()) {
                    cancelled++;
                    continue;
                }
                try {
                    call.get(30, TimeUnit.SECONDS);
                    ok++;
                } catch (ExecutionException e) {
                    assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
                            .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
                    shed++;
                }
            }
            calls.clear();
        }
        assertThat(ok + shed + cancelled).isEqualTo(5_000);
        assertThat(ok).isPositive();
        await().untilAsserted(() -> {
            assertThat(admission.stats().inFlight()).as("in flight").isZero();
            assertThat(admission.stats().queued()).as("queued").isZero();
        });
    }
}
