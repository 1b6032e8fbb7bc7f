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
package dev.levee.core;

/**
 * A primitive was closed while a call waited on it (for example a hot-spot waiter at shutdown). Not a
 * {@link RejectedException}: nothing will admit the call later on this instance, so a gateway answers it as
 * "shutting down" (503) and a caller sends it elsewhere. An {@link IllegalStateException}, as closing is a state.
 */
public class ClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * @param what the primitive that was closed, e.g. {@code "hot-spot limiter"}; the message is {@code what + " closed"}
     */
    public ClosedException(String what) {
        super(what + " closed");
    }
}
