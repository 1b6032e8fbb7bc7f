package dev.levee.gateway.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway {@code redis-server} (no persistence unless {@code extraArgs} say otherwise, e.g.
 * {@code --appendonly yes}), for tests that stop, restart or freeze Redis.
 */
final class RedisServerProcess implements AutoCloseable {
    final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;
    private boolean frozen;

    /** On a free port. */
    RedisServerProcess() throws IOException {
        this(freePort());
    }

    /** On {@code port}; {@code extraArgs} come after the defaults, so they override them. */
    RedisServerProcess(int port, String... extraArgs) throws IOException {
        this.port = port;
        this.extraArgs = List.of(extraArgs);
        dir = Files.createTempDirectory("levee-redis-test");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    void start(String... moreArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no"));
        cmd.addAll(extraArgs);
        cmd.addAll(List.of(moreArgs));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        await().atMost(Duration.ofSeconds(10)).until(this::accepting);
    }

    /** SIGSTOP: the socket stays open, nothing is answered (a hung Redis). */
    void freeze() throws Exception {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT. */
    void thaw() throws Exception {
        if (frozen) {
            signal("CONT");
            frozen = false;
        }
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    void stop() throws Exception {
        thaw(); // a stopped process does not act on SIGTERM
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    private boolean accepting() {
        try {
            new Socket("127.0.0.1", port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
