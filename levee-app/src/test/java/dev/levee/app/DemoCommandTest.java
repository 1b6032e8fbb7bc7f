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

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-command demo, end to end in one process: simulator, gateway, a short mixed load, the report. */
class DemoCommandTest {

    @Test
    void runsTheLoadAndReportsWhatEachClassGotAndWhatTheUpstreamSaw() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = LeveeCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute("demo", "--exit", "--port", "0", "--upstream-port", "0", "--clients", "200",
                "--duration", "3s");

        String report = out.toString();
        assertThat(code).as(err.toString()).isZero();
        assertThat(report).contains("What each class of client got", "agent", "active_bettor", "browser",
                "What the upstream saw", "upstream received", "What Levee did", "admission", "read_path",
                "hot_spots", "events");
        // the simulator enforces its own quota; the gateway's hot-spot window keeps the demo under it
        assertThat(report).containsPattern("0 x 429 \\(over its quota\\)");
    }
}
