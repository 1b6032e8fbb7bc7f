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
package dev.levee.core.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls a primitive's listener so that a listener that throws cannot break the primitive: the exception is
 * caught, and the first one is logged (a broken listener usually throws on every event, and one line per event
 * would flood the log exactly when the primitive is busiest). Internal (see the package notes): not part of
 * Levee's API.
 */
public final class ListenerGuard {
    private static final Logger log = LoggerFactory.getLogger(ListenerGuard.class);

    private final String owner;
    private final AtomicBoolean logged = new AtomicBoolean();

    /** @param owner names the primitive in the log line, e.g. {@code "hot-spot limiter"} */
    public ListenerGuard(String owner) {
        this.owner = owner;
    }

    /** Runs {@code notification}; a RuntimeException it throws is swallowed (the first one logged). */
    public void call(Runnable notification) {
        try {
            notification.run();
        } catch (RuntimeException e) {
            if (logged.compareAndSet(false, true)) {
                log.warn("{} listener threw (ignored; later failures of this listener are not logged)", owner, e);
            }
        }
    }
}
