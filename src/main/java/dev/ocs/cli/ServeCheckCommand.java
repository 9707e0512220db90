package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.Connection;
import dev.ocs.http.ProxyEnv;
import dev.ocs.serve.Health;
import dev.ocs.serve.ServerLauncher;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

public final class ServeCheckCommand implements Callable<Integer> {
    private boolean start;
    private double waitSeconds;
    private Path log;
    private Path opencodeBin;

    private final Services services;
    final CommandSpec spec;

    ServeCheckCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "serve-check", false, "Check that the server answers and accepts the credentials; "
                + "with --start, start one when nothing answers.",
                "Prints 'up URL (opencode VERSION)'. Exit 0 up, 3 down, 4 credentials rejected.");
        a.flag(v -> start = v, OptionSpec.builder("--start")
                .description("Start 'opencode serve' on the --url's host and port when nothing answers."));
        a.option(Double.class, v -> waitSeconds = v, OptionSpec.builder("--wait").paramLabel("SECONDS")
                .defaultValue("30")
                .description("With --start: how long to wait for the new server to answer (default ${DEFAULT-VALUE})."));
        a.option(Path.class, v -> log = v, OptionSpec.builder("--log").paramLabel("FILE")
                .description("With --start: the server's log file (default opencode_serve.log in the temp folder)."));
        a.option(Path.class, v -> opencodeBin = v, OptionSpec.builder("--opencode-bin").paramLabel("PATH")
                .description("With --start: the opencode binary (env OPENCODE_BIN, else 'opencode' on PATH)."));
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!(waitSeconds > 0)) {
            throw OcsException.usage("--wait must be a number of seconds above 0");
        }
        Connection conn = services.connection();
        String warning = ProxyEnv.warning(services.environment(), conn.url().getHost());
        if (warning != null) {
            services.err().println("ocs: " + warning);
        }
        Api client = services.api();
        Health health = Health.check(client, null);
        ServerLauncher.Started started = null;
        if (!health.up() && start) {
            if (conn.passwordSource().equals(Services.NO_PASSWORD)) {
                // Never the well-known default on a server ocs starts: a random one, kept for the next calls.
                conn = services.newLocalServer(conn);
                client = new dev.ocs.api.V1Api(new dev.ocs.http.OpencodeClient(conn,
                        services.verbose() ? services.err() : null));
            }
            started = startServer(conn);
            health = awaitUp(client, started);
        }
        print(conn, health, started);
        if (health.ok() && health.authIgnored()) {
            services.err().println("ocs: warning: opencode " + (health.version() == null ? "1.0.x" : health.version())
                    + " does not check Basic Auth: anyone who reaches " + conn.displayUrl() + " can use it");
        }
        if (health.failure() != null && !health.ok()) {
            services.out().flush();
            services.err().println("ocs: " + health.failure().getMessage());
            return health.failure().exitCode();
        }
        return ExitCode.OK;
    }

    private ServerLauncher.Started startServer(Connection conn) {
        Path binary = ServerLauncher.findBinary(opencodeBin, services.environment());
        Path logFile = log != null ? log : Path.of(System.getProperty("java.io.tmpdir"), "opencode_serve.log");
        return ServerLauncher.start(conn, binary, logFile, services.environment());
    }

    private Health awaitUp(Api client, ServerLauncher.Started started) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (waitSeconds * 1e9);
        Duration perPoll = Duration.ofMillis(1500);
        while (true) {
            Health h = Health.check(client, perPoll);
            if (h.up()) {
                return h;
            }
            if (!started.process().isAlive()) {
                throw new OcsException(ExitCode.UNREACHABLE, "opencode exited with code " + started.process().exitValue()
                        + " before answering; log " + started.log() + ":\n" + ServerLauncher.tail(started.log(), 15));
            }
            if (System.nanoTime() > deadline) {
                throw new OcsException(ExitCode.TIMEOUT, "opencode (pid " + started.pid() + ") did not answer within "
                        + fmt(waitSeconds) + " s; it is left running (check again with 'ocs serve-check'); log "
                        + started.log() + ":\n" + ServerLauncher.tail(started.log(), 15));
            }
            Thread.sleep(200);
        }
    }

    private void print(Connection conn, Health h, ServerLauncher.Started started) {
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("url", conn.displayUrl());
            doc.put("up", h.up());
            doc.put("version", h.version());
            doc.put("authOk", h.authOk());
            doc.put("authChecked", h.up() && h.authOk() != null ? !h.authIgnored() : null);
            doc.put("started", started != null);
            if (started != null) {
                doc.put("pid", started.pid());
                doc.put("log", started.log().toString());
            }
            Output.json(services.out(), doc);
            return;
        }
        if (started != null) {
            services.out().println("started opencode (pid " + started.pid() + "), log: " + started.log());
        }
        if (h.ok()) {
            services.out().println("up " + conn.displayUrl() + " (opencode " + (h.version() == null ? "?" : h.version())
                    + ")");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
