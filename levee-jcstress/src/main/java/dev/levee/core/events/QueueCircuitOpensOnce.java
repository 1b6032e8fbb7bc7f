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
package dev.levee.core.events;

import dev.levee.core.time.ManualTicker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two threads observe the critical depth at once on a CLOSED queue circuit (in this package: the circuit is
 * package-private). The CAS on the phase lets one install OPEN and record the transition; the other sees OPEN.
 * <p>r1: transitions recorded; r2: 1 if the circuit is OPEN afterwards.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "opened once, recorded once")
@Outcome(expect = FORBIDDEN, desc = "a transition recorded twice or lost")
@State
public class QueueCircuitOpensOnce {
    private final QueueCircuit circuit;

    public QueueCircuitOpensOnce() {
        ManualTicker time = new ManualTicker();
        circuit = new QueueCircuit(new Thresholds(8, 10, 4, 20, Duration.ofSeconds(30)), time, time, () -> 10);
    }

    @Actor
    public void one() {
        circuit.evaluate(10);
    }

    @Actor
    public void two() {
        circuit.evaluate(10);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = circuit.transitions().size();
        r.r2 = circuit.phase().state() == CircuitState.OPEN ? 1 : 0;
    }
}
