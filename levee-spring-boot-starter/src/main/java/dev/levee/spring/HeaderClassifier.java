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
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The {@code when.header} rules of {@code levee.admission.classes}, in their order. */
final class HeaderClassifier implements AdmissionClassifier {
    private record HeaderRule(String className, String header, @Nullable String equals) {}

    private final List<HeaderRule> rules;

    HeaderClassifier(LeveeProperties.Admission admission) {
        this.rules = admission.getClasses().stream()
                .filter(c -> c.getWhen() != null)
                .map(c -> {
                    LeveeProperties.Rule when = Objects.requireNonNull(c.getWhen());
                    return new HeaderRule(Objects.requireNonNull(c.getName()),
                            Objects.requireNonNull(when.getHeader()), when.getEquals());
                })
                .toList();
    }

    @Override
    public @Nullable String classify(HttpServletRequest request) {
        for (HeaderRule rule : rules) {
            String value = request.getHeader(rule.header());
            if (value != null && (rule.equals() == null || rule.equals().equals(value))) {
                return rule.className();
            }
        }
        return null;
    }
}
