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
package dev.levee.core.admission;

import dev.levee.core.internal.ListenerGuard;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * The one {@link PriorityAdmission} implementation.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>One lock, short sections.</b> All state (in-flight count, the per-class queues, every statistic)
 *       is guarded by {@link #lock}. Each critical section is O(number of classes) and never calls foreign
 *       code: futures are completed and timeouts scheduled/cancelled only after unlocking, because completing
 *       a future runs its dependents synchronously (which may re-enter {@link #release} or {@link #acquire}).
 *       A single lock makes the invariants below trivially true under any interleaving; the JMH benchmark in
 *       levee-bench measures what that costs against a CAS-based semaphore.</li>
 *   <li><b>Invariants</b> (hold whenever the lock is free):
 *       (I1) {@code 0 <= inFlight <= maxConcurrent} and {@code inFlight} = sum of the classes' in-flight (with an
 *       adaptive limit that was just lowered, {@code inFlight} may exceed it: held permits are never revoked,
 *       releases just grant nothing until it is below again);
 *       (I2) {@code inFlight < maxConcurrent} implies no waiter is queued (a free permit is never left idle
 *       while someone waits), which is why the fast path may grant without looking at the queues;
 *       (I3) {@code queued} = sum of queue sizes {@code <= totalCapacity};
 *       (I4) a waiter is in a queue iff {@code waiter.queued}; it leaves it exactly once, by grant, push-out,
 *       timeout or cancellation, whichever takes the lock first.</li>
 *   <li><b>Granting races with cancellation and timeout.</b> A grant removes the waiter under the lock, counts
 *       the permit as in flight, then completes the future outside the lock. Meanwhile the caller may cancel
 *       the future. Exactly one of {@code complete} and {@code cancel} wins (CompletableFuture guarantees it).
 *       If the grant loses, the granting thread owns the permit and releases it, which passes it on to the next
 *       waiter. If the grant wins, the caller owns it and must release it. A timeout that fires after the
 *       grant finds the waiter no longer queued and does nothing, so a waiter is never both granted and shed.
 *       jcstress-style outcome table for one waiter W, one grant G, one cancel C: {G wins, C returns false,
 *       caller releases} or {C wins, G's complete returns false, G releases}; the forbidden outcomes
 *       (permit lost: both fail; permit doubled: both succeed) cannot happen because both sides race on the
 *       same future's single completion CAS.</li>
 *   <li><b>Release exactly once.</b> {@link PermitImpl#release} CASes a volatile flag before touching shared
 *       state, so any number of racing releases (response end, connection close, handler failure) decrement
 *       the in-flight count once.</li>
 *   <li><b>Queues</b> are intrusive doubly linked lists: O(1) append, poll-oldest, remove-newest (push-out)
 *       and unlink (cancel, timeout), so mass cancellation stays linear.</li>
 *   <li><b>Retry-After</b> (unless fixed) is the time the request's queue position {@code p} takes to drain:
 *       {@code ceil(p / rate)} seconds, at least 1, at most retry-after-max. {@code rate} is the class's measured
 *       drain rate ({@link DrainRate}). Before anything was measured (a cold start, or a class idle for ten
 *       seconds) it is the configured one, {@code capacity / maxWait}: every waiter leaves its queue within the
 *       default max wait (granted or timed out), so the waiters now in a full queue have all left within
 *       {@code maxWait}; {@code p} places are taken to free at the same pace, in {@code min(p, capacity) /
 *       capacity x maxWait}. For a full queue that is a bound, not a guess (for requests using the default max
 *       wait): a max wait of 500 ms yields 1 s, not the 30 s cap. (The measured rate wins as soon as there is one: it knows how fast the upstream really is.)
 *       </li>
 *   <li><b>Adaptive limit.</b> With an {@link AdaptiveLimit}, a permit remembers when it was granted; its
 *       release (unless {@link Permit#releaseWithoutSample()}) feeds the algorithm under the lock and sets
 *       {@code maxConcurrent} to its answer. A raise grants as many queued waiters as it allows at once, in
 *       priority order (keeping I2); a cut grants fewer. With a static limit none of this runs: no clock read on
 *       the fast path, no sample, the same single grant per release.</li>
 * </ul>
 */
final class DefaultPriorityAdmission implements PriorityAdmission {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(PermitImpl.class, "released", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<String> names;
    private final Map<String, Integer> indexByName;
    private final ClassState[] classes;
    private volatile int maxConcurrent; // written under the lock (adaptive limit or setMaxConcurrent); read lock-free by the accessor
    private final @Nullable AdaptiveLimit adaptive;
    private int totalCapacity; // guarded by the lock: setQueueCapacity changes it
    private final Duration defaultMaxWait;
    private final long defaultMaxWaitNanos; // saturated: the cold-start Retry-After estimate uses it
    private final long fixedRetryAfterSeconds; // -1: computed
    private final long retryAfterMaxSeconds;
    private final Ticker ticker;
    private final Scheduler scheduler;

    private int inFlight;
    private int queued;

    private final AdmissionListener listener;
    private final ListenerGuard guard = new ListenerGuard("admission");

    DefaultPriorityAdmission(List<String> names, int[] capacities, int maxConcurrent,
                             @Nullable AdaptiveLimit adaptive, Duration maxWait,
                             @Nullable Duration fixedRetryAfter, Duration retryAfterMax, Ticker ticker, Scheduler scheduler,
                             AdmissionListener listener) {
        this.listener = listener;
        this.names = List.copyOf(names);
        this.adaptive = adaptive;
        if (adaptive != null) {
            adaptive.claim();
        }
        this.maxConcurrent = adaptive != null ? adaptive.current() : maxConcurrent;
        this.defaultMaxWait = maxWait;
        this.defaultMaxWaitNanos = saturatedNanos(maxWait);
        this.fixedRetryAfterSeconds = fixedRetryAfter == null ? -1 : Math.max(1, ceilSeconds(fixedRetryAfter));
        this.retryAfterMaxSeconds = Math.max(1, ceilSeconds(retryAfterMax));
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.classes = new ClassState[names.size()];
        this.indexByName = new HashMap<>();
        long now = ticker.read();
        int total = 0;
        for (int i = 0; i < classes.length; i++) {
            classes[i] = new ClassState(i, names.get(i), capacities[i], now);
            indexByName.put(names.get(i), i);
            total = Math.addExact(total, capacities[i]);
        }
        this.totalCapacity = total;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) { // over 292 years
            return Long.MAX_VALUE;
        }
    }

    private static long ceilSeconds(Duration d) {
        long s = d.toSeconds();
        return d.minusSeconds(s).isZero() ? s : s + 1;
    }

    @Override
    public CompletableFuture<Permit> acquire(String admissionClass) {
        return acquire(admissionClass, defaultMaxWait);
    }

    @Override
    public CompletableFuture<Permit> acquire(String admissionClass, Duration maxWait) {
        requireNonNull(admissionClass, "admissionClass");
        positive("maxWait", maxWait);
        Integer index = indexByName.get(admissionClass);
        if (index == null) {
            throw new IllegalArgumentException("admissionClass: " + admissionClass + " (expected one of "
                    + names + ")");
        }
        ClassState cs = classes[index];
        Waiter waiter;
        Waiter victim = null;
        AdmissionRejectedException victimError = null;
        AdmissionRejectedException full = null;
        lock.lock();
        try {
            if (inFlight < maxConcurrent) { // by I2 nobody is queued: granting here cannot jump the queue
                // waited 0: no clock read needed, unless an adaptive limit wants the grant time for its sample
                long grantedAt = adaptive == null ? 0 : ticker.read();
                return CompletableFuture.completedFuture(grantLocked(cs, grantedAt, grantedAt));
            }
            long now = ticker.read();
            if (cs.size >= cs.capacity || queued >= totalCapacity) {
                ClassState lower = lowestNonEmptyBelow(index);
                if (lower == null) {
                    cs.shedQueueFull++;
                    full = new AdmissionRejectedException(ShedReason.QUEUE_FULL, cs.name,
                            retryAfterLocked(cs, cs.size + 1, now));
                    return CompletableFuture.failedFuture(full);
                }
                victim = lower.removeNewest();
                queued--;
                lower.shedPushedOut++;
                victimError = new AdmissionRejectedException(ShedReason.PUSHED_OUT, lower.name,
                        retryAfterLocked(lower, lower.size + 1, now));
            }
            waiter = new Waiter(cs, now);
            cs.append(waiter);
            queued++;
        } finally {
            lock.unlock();
            if (full != null) { // told here, after the unlock, on its way out: a listener never runs under the lock
                shed(full);
            }
        }
        if (victim != null) {
            AdmissionRejectedException pushedOut = requireNonNull(victimError, "victimError"); // set with victim
            victim.cancelTimeout();
            if (victim.future.completeExceptionally(pushedOut)) {
                shed(pushedOut);
            } else {
                recount(victim.cls, ShedReason.PUSHED_OUT);
            }
        }
        Waiter w = waiter;
        w.timeout = scheduler.schedule(() -> onTimeout(w), maxWait.toNanos(), TimeUnit.NANOSECONDS);
        // however the future completes (even before this line: a grant may race the scheduling above), the
        // timeout goes, so no timer outlives its waiter
        w.future.whenComplete((p, e) -> {
            w.cancelTimeout();
            if (!w.settled) { // completed by the caller (cancel), not by us: give up the place in the queue
                abandon(w);
            }
        });
        return w.future;
    }

    private @Nullable ClassState lowestNonEmptyBelow(int index) {
        for (int i = classes.length - 1; i > index; i--) {
            if (classes[i].size > 0) {
                return classes[i];
            }
        }
        return null;
    }

    private PermitImpl grantLocked(ClassState cs, long enqueuedAt, long now) {
        inFlight++;
        cs.inFlight++;
        cs.admitted++;
        long waited = now - enqueuedAt;
        cs.waits.record(waited);
        return new PermitImpl(cs, waited, now);
    }

    /** Retry-After for a request at {@code position} (1-based) of {@code cs}'s queue. */
    private Duration retryAfterLocked(ClassState cs, int position, long now) {
        if (fixedRetryAfterSeconds > 0) {
            return Duration.ofSeconds(fixedRetryAfterSeconds);
        }
        double rate = cs.drain.perSecond(now);
        long seconds = rate > 0 ? (long) Math.ceil(position / rate) : coldStartSeconds(cs, position);
        return Duration.ofSeconds(Math.min(retryAfterMaxSeconds, Math.max(1, seconds)));
    }

    /**
     * Nothing measured yet: the configured drain, {@code capacity} places per default max wait (see the class
     * notes), in exact integer arithmetic so a whole number of seconds is not rounded up by a float error.
     */
    private long coldStartSeconds(ClassState cs, int position) {
        long places = Math.min(position, cs.capacity);
        long perSecondDivisor = cs.capacity * 1_000_000_000L; // capacity <= Integer.MAX_VALUE: no overflow
        try {
            return Math.ceilDiv(Math.multiplyExact(places, defaultMaxWaitNanos), perSecondDivisor);
        } catch (ArithmeticException overflow) { // a max wait of centuries: exactness no longer matters
            return (long) Math.ceil((double) places * defaultMaxWaitNanos / perSecondDivisor);
        }
    }

    private void onTimeout(Waiter w) {
        AdmissionRejectedException error;
        lock.lock();
        try {
            if (!w.queued) {
                return; // granted, pushed out or cancelled first
            }
            ClassState cs = w.cls;
            cs.unlink(w);
            queued--;
            cs.shedTimeout++;
            long now = ticker.read();
            error = new AdmissionRejectedException(ShedReason.TIMEOUT, cs.name,
                    retryAfterLocked(cs, Math.max(1, cs.size), now));
        } finally {
            lock.unlock();
        }
        if (w.future.completeExceptionally(error)) {
            shed(error);
        } else {
            recount(w.cls, ShedReason.TIMEOUT);
        }
    }

    private void shed(AdmissionRejectedException e) {
        guard.call(() -> listener.onShed(e));
    }

    /**
     * The caller cancelled a waiter we had just taken out of the queue to shed: it left by itself, so count it as
     * cancelled, keeping "shed" to requests that were actually told so.
     */
    private void recount(ClassState cs, ShedReason reason) {
        lock.lock();
        try {
            switch (reason) {
                case PUSHED_OUT -> cs.shedPushedOut--;
                case TIMEOUT -> cs.shedTimeout--;
                case QUEUE_FULL -> cs.shedQueueFull--;
            }
            cs.cancelled++;
        } finally {
            lock.unlock();
        }
    }

    private void abandon(Waiter w) {
        lock.lock();
        try {
            if (!w.queued) {
                return;
            }
            w.cls.unlink(w);
            queued--;
            w.cls.cancelled++;
        } finally {
            lock.unlock();
        }
    }

    static final int SAMPLE = 0;
    static final int NO_SAMPLE = 1;
    static final int DROPPED = 2;

    /**
     * Returns {@code permit}'s slot and hands it to the next waiter, repeating while hand-overs fail; with an
     * adaptive limit, {@code outcome} (SAMPLE, NO_SAMPLE, DROPPED) says what the release tells it.
     */
    private void release(PermitImpl permit, int outcome) {
        PermitImpl freed = permit;
        int how = outcome;
        while (freed != null) {
            Waiter next = null;
            PermitImpl granted = null;
            List<Waiter> raisedWaiters = null; // grants beyond the first: only after an adaptive raise
            List<PermitImpl> raisedPermits = null;
            lock.lock();
            try {
                long now = Long.MIN_VALUE;
                if (adaptive != null && how != NO_SAMPLE && !freed.unused) {
                    now = ticker.read();
                    maxConcurrent = adaptive.onSample(freed.grantedAt, now - freed.grantedAt, inFlight,
                            how == DROPPED);
                }
                inFlight--;
                freed.cls.inFlight--;
                if (freed.unused) { // a grant whose waiter had already gone: it was never admitted
                    freed.cls.admitted--;
                    freed.cls.waits.remove(freed.waitedNanos);
                    freed.cls.cancelled++;
                }
                if (inFlight < maxConcurrent) { // always so with a static limit
                    next = pollHighest();
                }
                if (next != null) {
                    queued--;
                    if (now == Long.MIN_VALUE) {
                        now = ticker.read();
                    }
                    next.cls.drain.record(now);
                    granted = grantLocked(next.cls, next.enqueuedAt, now);
                    Waiter more;
                    while (adaptive != null && inFlight < maxConcurrent && (more = pollHighest()) != null) {
                        if (raisedWaiters == null) {
                            raisedWaiters = new ArrayList<>();
                            raisedPermits = new ArrayList<>();
                        }
                        queued--;
                        more.cls.drain.record(now);
                        raisedWaiters.add(more);
                        requireNonNull(raisedPermits, "raisedPermits").add(grantLocked(more.cls, more.enqueuedAt, now));
                    }
                }
            } finally {
                lock.unlock();
            }
            freed = null;
            how = NO_SAMPLE; // a permit passed on below was never used: nothing to sample
            if (next != null) {
                freed = handOver(next, requireNonNull(granted, "granted")); // granted with next
            }
            if (raisedWaiters != null) {
                List<PermitImpl> permits = requireNonNull(raisedPermits, "raisedPermits"); // set together
                for (int i = 0; i < raisedWaiters.size(); i++) {
                    PermitImpl back = handOver(raisedWaiters.get(i), permits.get(i));
                    if (back != null) {
                        release(back, NO_SAMPLE);
                    }
                }
            }
        }
    }

    /** Completes {@code w} with {@code handed}; returns the permit if {@code w} was cancelled meanwhile. */
    private static @Nullable PermitImpl handOver(Waiter w, PermitImpl handed) {
        w.cancelTimeout();
        if (w.future.complete(handed)) {
            return null;
        }
        // cancelled while we granted: the permit is ours to pass on (see class notes)
        handed.unused = true;
        handed.released = 1;
        return handed;
    }

    private @Nullable Waiter pollHighest() {
        for (ClassState cs : classes) {
            if (cs.size > 0) {
                return cs.pollOldest();
            }
        }
        return null;
    }

    @Override
    public void setMaxConcurrent(int maxConcurrent) {
        positive("maxConcurrent", maxConcurrent);
        if (adaptive != null) {
            throw new IllegalStateException("maxConcurrent: " + maxConcurrent
                    + " (expected: a static limit; this admission's limit is adaptive)");
        }
        List<Waiter> waiters = new ArrayList<>();
        List<PermitImpl> permits = new ArrayList<>();
        lock.lock();
        try {
            this.maxConcurrent = maxConcurrent;
            // a raise grants the waiters it makes room for at once; a cut grants nothing until enough permits
            // come back (in-flight requests are never revoked)
            Waiter next;
            long now = Long.MIN_VALUE;
            while (inFlight < maxConcurrent && (next = pollHighest()) != null) {
                if (now == Long.MIN_VALUE) {
                    now = ticker.read();
                }
                queued--;
                next.cls.drain.record(now);
                waiters.add(next);
                permits.add(grantLocked(next.cls, next.enqueuedAt, now));
            }
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < waiters.size(); i++) { // completed outside the lock, as every grant
            PermitImpl back = handOver(waiters.get(i), permits.get(i));
            if (back != null) {
                release(back, NO_SAMPLE);
            }
        }
    }

    @Override
    public void setQueueCapacity(String admissionClass, int queueCapacity) {
        requireNonNull(admissionClass, "admissionClass");
        positive("queueCapacity", queueCapacity);
        Integer index = indexByName.get(admissionClass);
        if (index == null) {
            throw new IllegalArgumentException("admissionClass: " + admissionClass + " (expected one of "
                    + names + ")");
        }
        lock.lock();
        try {
            ClassState cs = classes[index];
            totalCapacity = Math.addExact(totalCapacity - cs.capacity, queueCapacity);
            cs.capacity = queueCapacity; // waiters over a lowered capacity stay queued; arrivals see the new one
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> classes() {
        return names;
    }

    @Override
    public int maxConcurrent() {
        return maxConcurrent;
    }

    @Override
    public AdmissionStats stats() {
        lock.lock();
        try {
            long now = ticker.read();
            List<ClassStats> out = new ArrayList<>(classes.length);
            for (ClassState cs : classes) {
                out.add(new ClassStats(cs.name, cs.index, cs.capacity, cs.size, cs.inFlight, cs.admitted,
                        cs.shedQueueFull, cs.shedPushedOut, cs.shedTimeout, cs.cancelled, cs.waits.average(),
                        cs.waits.quantile(0.50), cs.waits.quantile(0.99), cs.drain.perSecond(now)));
            }
            return new AdmissionStats(maxConcurrent, inFlight, queued, totalCapacity, out,
                    adaptive == null ? null : adaptive.stats(now));
        } finally {
            lock.unlock();
        }
    }

    /** Per-class state; every field guarded by the admission's lock. */
    private static final class ClassState {
        final int index;
        final String name;
        int capacity; // setQueueCapacity changes it
        final WaitHistogram waits = new WaitHistogram();
        final DrainRate drain;
        @Nullable Waiter head; // oldest
        @Nullable Waiter tail; // newest
        int size;
        int inFlight;
        long admitted;
        long shedQueueFull;
        long shedPushedOut;
        long shedTimeout;
        long cancelled;

        ClassState(int index, String name, int capacity, long now) {
            this.index = index;
            this.name = name;
            this.capacity = capacity;
            this.drain = new DrainRate(now);
        }

        void append(Waiter w) {
            w.prev = tail;
            if (tail == null) {
                head = w;
            } else {
                tail.next = w;
            }
            tail = w;
            size++;
            w.queued = true;
        }

        Waiter pollOldest() {
            Waiter w = requireNonNull(head, "head"); // called when size > 0
            unlink(w);
            return w;
        }

        Waiter removeNewest() {
            Waiter w = requireNonNull(tail, "tail"); // called when size > 0
            unlink(w);
            return w;
        }

        void unlink(Waiter w) {
            if (w.prev == null) {
                head = w.next;
            } else {
                w.prev.next = w.next;
            }
            if (w.next == null) {
                tail = w.prev;
            } else {
                w.next.prev = w.prev;
            }
            w.prev = null;
            w.next = null;
            w.queued = false;
            w.settled = true;
            size--;
        }
    }

    private static final class Waiter {
        final ClassState cls;
        final long enqueuedAt;
        final CompletableFuture<Permit> future = new CompletableFuture<>();
        @Nullable Waiter prev;
        @Nullable Waiter next;
        boolean queued;          // guarded by the lock
        volatile boolean settled; // set (under the lock) once we took it out of the queue: we complete it
        volatile Scheduler.@Nullable Cancellable timeout;

        Waiter(ClassState cls, long enqueuedAt) {
            this.cls = cls;
            this.enqueuedAt = enqueuedAt;
        }

        void cancelTimeout() {
            Scheduler.Cancellable t = timeout;
            if (t != null) {
                t.cancel();
            }
        }
    }

    private final class PermitImpl implements Permit {
        final ClassState cls;
        final long waitedNanos;
        final long grantedAt; // Ticker time; 0 on the static fast path (unused there)
        @SuppressWarnings("unused") // accessed through RELEASED
        volatile int released;
        boolean unused; // written before the permit is handed to release(); never seen by callers

        PermitImpl(ClassState cls, long waitedNanos, long grantedAt) {
            this.cls = cls;
            this.waitedNanos = waitedNanos;
            this.grantedAt = grantedAt;
        }

        @Override
        public String admissionClass() {
            return cls.name;
        }

        @Override
        public Duration waited() {
            return Duration.ofNanos(waitedNanos);
        }

        @Override
        public boolean release() {
            return releaseAs(SAMPLE);
        }

        @Override
        public boolean releaseWithoutSample() {
            return releaseAs(NO_SAMPLE);
        }

        @Override
        public boolean releaseDropped() {
            return releaseAs(DROPPED);
        }

        private boolean releaseAs(int outcome) {
            if (!RELEASED.compareAndSet(this, 0, 1)) {
                return false;
            }
            DefaultPriorityAdmission.this.release(this, outcome);
            return true;
        }

        @Override
        public String toString() {
            return "Permit[" + cls.name + (released != 0 ? ", released]" : "]");
        }
    }
}
