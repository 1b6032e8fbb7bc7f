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

/**
 * Told what a {@link PriorityAdmission} does that users act on (set with
 * {@link PriorityAdmission.Builder#listener}). Every method has a no-op default; implement those you need. Called
 * on the thread that made the decision, outside the admission's lock: keep it short and do not block. An exception
 * it throws is caught and logged once; it never reaches the admission.
 */
public interface AdmissionListener {

    /** A request was shed: its class queue was full, it was pushed out by a higher class, or it waited too long. */
    default void onShed(AdmissionRejectedException shed) {}
}
