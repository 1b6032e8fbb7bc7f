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
package dev.levee.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Names a request's admission class, one of {@code levee.admission.classes}; null is the fallback class. Give a
 * bean of this type to classify by anything (a verified token's claims, the client's address); without one the
 * classes' {@code when.header} rules decide, first match wins. Called on the container thread before the request
 * waits for a permit, so it must not block.
 */
@FunctionalInterface
public interface AdmissionClassifier {
    @Nullable String classify(HttpServletRequest request);
}
