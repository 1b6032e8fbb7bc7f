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
package dev.levee.app;

import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.LeveeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServeCommandTest {

    @Test
    void presetSetsTheEventThresholdsAndPortOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("levee.yaml");
        Files.writeString(file, "server: { port: 7000 }\n");
        LeveeConfig c = ServeCommand.load(file, 7100, "dev");
        assertThat(c.server().port()).isEqualTo(7100);
        assertThat(c.events().warningThreshold()).isEqualTo(1_000);
        assertThat(c.events().criticalThreshold()).isEqualTo(5_000);
        assertThat(c.events().recoveryThreshold()).isEqualTo(500);
        assertThat(ServeCommand.load(file, null, "prod-100k").events().criticalThreshold()).isEqualTo(200_000);
    }

    @Test
    void theShutdownHookWaitsForEveryPhaseOneAfterTheOtherPlusAMargin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("levee.yaml");
        Files.writeString(file, """
                server: { drain-period: 3s, shutdown-grace: 20s }
                events: { drain-grace: 40s }
                """);
        assertThat(ServeCommand.shutdownBudget(ServeCommand.load(file, null, null)))
                .isEqualTo(java.time.Duration.ofSeconds(3 + 20 + 40).plus(ServeCommand.SHUTDOWN_MARGIN));
        assertThat(ServeCommand.shutdownBudget(ServeCommand.load(null, null, null))) // the defaults: 5 + 10 + 10
                .isEqualTo(java.time.Duration.ofSeconds(25).plus(ServeCommand.SHUTDOWN_MARGIN));
        Files.writeString(file, "server: { drain-period: 0s, shutdown-grace: 2s }\nevents: { enabled: false }\n");
        assertThat(ServeCommand.shutdownBudget(ServeCommand.load(file, null, null)))
                .isEqualTo(java.time.Duration.ofSeconds(2).plus(ServeCommand.SHUTDOWN_MARGIN));
    }

    @Test
    void unknownPresetIsAConfigError() {
        assertThatThrownBy(() -> ServeCommand.load(null, null, "huge")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("huge");
    }

    @Test
    void invalidConfigStopsWithExitCode2AndNamesTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "admission: { max-concurrent: 0 }\n");
        StringWriter err = new StringWriter();
        CommandLine cl = LeveeCli.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("serve", "--config", file.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("admission.max-concurrent: 0 (expected: > 0)");
    }

    @Test
    void helpListsEveryCommand() {
        StringWriter out = new StringWriter();
        CommandLine cl = LeveeCli.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString()).contains("serve", "demo", "loadtest", "upstream-sim");
    }
}
