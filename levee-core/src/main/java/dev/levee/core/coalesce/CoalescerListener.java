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
package dev.levee.core.coalesce;

/**
 * Told what a {@link RequestCoalescer} does that users act on (set with {@link RequestCoalescer.Builder#listener}).
 * Every method has a no-op default; implement those you need. Called on the thread that refused the caller (the
 * caller's, or the scheduler's for a timeout): keep it short and do not block. An exception it throws is caught
 * and logged once; it never reaches the coalescer.
 */
public interface CoalescerListener {

    /** A caller was refused at once: its key's or the total waiter bound was reached. */
    default void onOverflow(CoalescerOverflowException overflow) {}

    /** A caller waited its max wait; the shared fetch goes on for the others. */
    default void onTimeout(CoalescerTimeoutException timeout) {}
}
