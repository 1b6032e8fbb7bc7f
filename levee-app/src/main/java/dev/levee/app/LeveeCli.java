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

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
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

    /**
     * {@code levee -V}: the version and the commit this jar was built from, both written into
     * {@code version.properties} by the build; "unknown" where the build saw no git checkout.
     */
    static final class Version implements CommandLine.IVersionProvider {
        static final String RESOURCE = "version.properties";

        @Override
        public String[] getVersion() throws IOException {
            Properties build = new Properties();
            try (InputStream in = LeveeCli.class.getResourceAsStream(RESOURCE)) {
                if (in != null) {
                    build.load(in);
                }
            }
            return new String[] {"levee " + value(build, "version") + " (commit " + value(build, "commit")
                    + ", Java " + Runtime.version() + ")"};
        }

        private static final String UNKNOWN = "unknown";

        /** A key the build did not fill in (run from an IDE's unfiltered resources) reads "unknown". */
        private static String value(Properties build, String key) {
            String v = build.getProperty(key, "").strip();
            return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
        }
    }
}
