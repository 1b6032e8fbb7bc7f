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
