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
package dev.levee.jcstress;

import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.ManualTicker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.CompletableFuture;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * One permit, held; one waiter queued for it. The holder releases (a grant to the waiter) while the waiter's client
 * goes away (cancel). Exactly one side wins the waiter's future: either the waiter holds the permit, or it went
 * back to the pool. A permit lost (nobody holds it, still counted in flight) or doubled is forbidden.
 * <p>r1: 1 if the waiter was granted; r2: permits in flight afterwards.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "grant won: the waiter holds the permit")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "cancel won: the permit went back")
@Outcome(expect = FORBIDDEN, desc = "a permit lost or doubled")
@State
public class AdmissionGrantVersusCancel {
    private final PriorityAdmission admission;
    private final Permit holder;
    private final CompletableFuture<Permit> waiter;

    public AdmissionGrantVersusCancel() {
        ManualTicker time = new ManualTicker();
        admission = PriorityAdmission.builder().addClass("c").maxConcurrent(1).queueCapacity(1)
                .ticker(time).scheduler(time).build();
        holder = admission.acquire("c").join();
        waiter = admission.acquire("c");
    }

    @Actor
    public void release() {
        holder.release();
    }

    @Actor
    public void cancel() {
        waiter.cancel(false);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = waiter.isDone() && !waiter.isCompletedExceptionally() ? 1 : 0;
        r.r2 = admission.stats().inFlight();
    }
}
