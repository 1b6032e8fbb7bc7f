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
package dev.levee.gateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The build's version and commit, as the build filtered them, in {@code /health}. */
class BuildInfoTest {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder().features(List.of()).build();

    @Test
    void theBuildFilledInTheVersionAndTheCommit() {
        BuildInfo build = BuildInfo.current();
        assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(build.commit()).matches("[0-9a-f]{7,}|unknown");
    }

    @Test
    void healthShowsThem() throws Exception {
        JsonNode health = new ObjectMapper().readTree(gw.admin("/health").body());
        assertThat(health.get("version").asText()).isEqualTo(BuildInfo.current().version());
        assertThat(health.get("commit").asText()).isEqualTo(BuildInfo.current().commit());
    }
}
