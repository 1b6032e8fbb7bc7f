package dev.levee.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code levee}: the gateway and its tools in one jar. */
@Command(name = "levee",
        mixinStandardHelpOptions = true,
        versionProvider = LeveeCli.Version.class,
        description = "Levee keeps a backend and a quota-limited upstream API alive under load.",
        subcommands = {ServeCommand.class, DemoCommand.class, LoadtestCommand.class, UpstreamSimCommand.class,
                CommandLine.HelpCommand.class})
public final class LeveeCli {

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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LeveeCli.class.getPackage().getImplementationVersion();
            return new String[] {"levee " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
