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

import dev.levee.gateway.ops.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code levee}: the gateway and its tools in one jar. */
@Command(name = "levee",
        mixinStandardHelpOptions = true,
        versionProvider = LeveeCli.Version.class,
        description = "Levee keeps a backend and a quota-limited upstream API alive under load.",
        subcommands = {ServeCommand.class, ValidateCommand.class, ConfigCommand.class, DemoCommand.class,
                LoadtestCommand.class, UpstreamSimCommand.class, CommandLine.HelpCommand.class})
public final class LeveeCli {

    /** The root command: its subcommands do the work. */
    public LeveeCli() {
    }

    /**
     * Runs one {@code levee} command and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if ("json".equalsIgnoreCase(System.getenv("LEVEE_LOG_FORMAT"))) {
            LogFormat.useJson(); // before the first line; a config's log.format is applied once it is loaded
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LeveeCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("levee: " + ex.getMessage());
            return 2;
        });
        return cl;
    }

    /** {@code levee -V}: the version and the commit this jar was built from ({@link BuildInfo}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo build = BuildInfo.current();
            return new String[] {"levee " + build.version() + " (commit " + build.commit() + ", Java "
                    + Runtime.version() + ")"};
        }
    }
}
