package dev.levee.app;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code levee demo}: placeholder until the simulator and load generator land (same issue). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the upstream simulator and the gateway, run a short mixed load, print the report.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("levee demo: not built yet");
        return 1;
    }
}
