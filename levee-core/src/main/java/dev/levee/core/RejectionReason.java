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
 * Why a primitive said "not now": each primitive has an enum of its reasons that implements this, so a caller
 * that handles {@link RejectedException} generically still gets a stable name for logs, metrics and responses.
 */
public interface RejectionReason {

    /** The stable lower_snake name of the reason (for example {@code queue_full}); never changes between releases. */
    String code();
}
