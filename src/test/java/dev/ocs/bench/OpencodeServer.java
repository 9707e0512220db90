package dev.ocs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.http.Connection;
import dev.ocs.http.Json;
import dev.ocs.api.V1Api;
import dev.ocs.http.OpencodeClient;
import dev.ocs.http.ProxyEnv;
import dev.ocs.serve.Health;
import dev.ocs.serve.ServerLauncher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code opencode serve} for tests, the demo and the benchmark: the pinned npm release, installed once
 * into a cache folder outside the repository; its own free port, random password, project folder and
 * HOME/XDG folders; proxy variables removed; a project config whose providers are the stand-in model
 * ({@code mock/mock-model}) and one whose base URL has nothing listening ({@code dead/dead-model}); bash
 * needs permission. Stopped by its PID, and gone before its folders are deleted.
 */
public final class OpencodeServer implements AutoCloseable {
    public static final String USERNAME = "opencode";
    public static final String MODEL = "mock/mock-model";
    public static final String DEAD_MODEL = "dead/dead-model";
    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    private final Path root;
    private final Path project;
    private final Path log;
    private final int port;
    private final String password;
    private final Process process;

    private OpencodeServer(Path root, Path project, Path log, int port, String password, Process process) {
        this.root = root;
        this.project = project;
        this.log = log;
        this.port = port;
        this.password = password;
        this.process = process;
    }

    /** The opencode release the project is pinned to (pom.xml's {@code opencode.version}). */
    public static String pinnedVersion() {
        return buildProperty("opencode.version");
    }

    /**
     * Every opencode release ocs is tested with (pom.xml's {@code opencode.versions}, the one list): the
     * compatibility matrix, doctor's version check and the README's table all come from it.
     */
    public static List<String> testedVersions() {
        return List.of(buildProperty("opencode.versions").split(","));
    }

    /** A value from the build: the system property of that name (the test run's), else build.properties. */
    private static String buildProperty(String name) {
        String v = System.getProperty(name);
        if (v != null && !v.isBlank()) return v;
        Properties p = new Properties();
        try (InputStream in = OpencodeServer.class.getResourceAsStream("/dev/ocs/build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // fall through to the error below
        }
        v = p.getProperty(name);
        if (v == null || v.startsWith("$")) throw new IllegalStateException(name + " is not set (build.properties)");
        return v;
    }

    /** Where pinned releases are installed: $OCS_CACHE, else $XDG_CACHE_HOME/ocs, else ~/.cache/ocs. */
    public static Path cacheRoot() {
        String c = System.getenv("OCS_CACHE");
        if (c != null && !c.isBlank()) return Path.of(c);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "ocs");
        return Path.of(System.getProperty("user.home"), ".cache", "ocs");
    }

    /**
     * The native opencode binary of the pinned release: $OPENCODE_BIN when set, else installed with npm into
     * the cache on first use (one installer at a time, under a file lock).
     */
    public static Path ensureInstalled(PrintWriter progress) {
        String given = System.getenv("OPENCODE_BIN");
        if (given != null && !given.isBlank()) return ServerLauncher.findBinary(Path.of(given), System.getenv());
        return ensureInstalled(pinnedVersion(), progress);
    }

    /**
     * The native binary of one release, installed with npm into the cache on first use. The platform package
     * itself ({@code opencode-linux-x64@V}), not the {@code opencode-ai} wrapper: the wrapper has no 1.14.48 or
     * 1.18.34 and cannot install 1.17.20, and the binary is all a server needs.
     */
    public static Path ensureInstalled(String version, PrintWriter progress) {
        if (!version.matches("[0-9]+\\.[0-9]+\\.[0-9]+")) throw new IllegalArgumentException("not a version: " + version);
        return npmInstall(ServerLauncher.platformPackage() + "@" + version, "opencode-" + version,
                Path.of("node_modules", ServerLauncher.platformPackage(), "bin", "opencode"), progress);
    }

    /**
     * An npm package installed into {@code cacheRoot()/dirName} on first use (one installer at a time, under a
     * file lock); answers the installed file {@code expected} (relative to that folder).
     */
    public static Path npmInstall(String pkg, String dirName, Path expected, PrintWriter progress) {
        Path dir = cacheRoot().resolve(dirName);
        Path file = dir.resolve(expected);
        if (Files.exists(file)) return file;
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.lock(); // released when the channel closes
                if (Files.exists(file)) return file;
                progress.println("installing " + pkg + " into " + dir + " (npm, once)");
                progress.flush();
                Path npmLog = dir.resolve("npm-install.log");
                ProcessBuilder pb = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund",
                        "--no-package-lock", "--prefix", dir.toString(), pkg);
                pb.directory(dir.toFile());
                ProxyEnv.strip(pb.environment());
                pb.redirectErrorStream(true).redirectOutput(npmLog.toFile());
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                Process npm = pb.start();
                if (!npm.waitFor(10, TimeUnit.MINUTES)) {
                    npm.destroyForcibly();
                    throw new IllegalStateException("npm install " + pkg + " took over 10 minutes; log: " + npmLog);
                }
                if (npm.exitValue() != 0 || !Files.exists(file)) {
                    throw new IllegalStateException("npm install " + pkg + " failed (exit " + npm.exitValue()
                            + "); no " + file + ". Last lines of " + npmLog + ":\n" + ServerLauncher.tail(npmLog, 15));
                }
                return file;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not install " + pkg + " into " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + pkg, e);
        }
    }

    /** Starts a server that uses {@code model} as its provider, and waits until it answers its health check. */
    public static OpencodeServer start(StandInModel model, PrintWriter progress) {
        return start(model, ensureInstalled(progress), progress);
    }

    /** Starts the given binary, as {@link #start(StandInModel, PrintWriter)} does the pinned one. */
    public static OpencodeServer start(StandInModel model, Path binary, PrintWriter progress) {
        Path root;
        try {
            root = Files.createTempDirectory("ocs-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path project = root.resolve("project");
        Path home = root.resolve("home");
        Path log = root.resolve("opencode.log");
        int port = freePort();
        String password = randomPassword();
        Process process = null;
        try {
            Files.createDirectories(project);
            for (String d : List.of("home", "xdg/config", "xdg/data", "xdg/cache", "xdg/state")) {
                Files.createDirectories(root.resolve(d));
            }
            Files.writeString(project.resolve("opencode.json"), config(model.baseUrl(), freePort()));
            if (snapshotsWork(binary)) {
                gitInit(project, home);
            }
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "serve", "--hostname", "127.0.0.1", "--port",
                    Integer.toString(port));
            pb.directory(project.toFile());
            Map<String, String> env = pb.environment();
            ProxyEnv.strip(env);
            env.put("HOME", home.toString());
            env.put("XDG_CONFIG_HOME", root.resolve("xdg/config").toString());
            env.put("XDG_DATA_HOME", root.resolve("xdg/data").toString());
            env.put("XDG_CACHE_HOME", root.resolve("xdg/cache").toString());
            env.put("XDG_STATE_HOME", root.resolve("xdg/state").toString());
            env.put("OPENCODE_SERVER_USERNAME", USERNAME);
            env.put("OPENCODE_SERVER_PASSWORD", password);
            env.put("OPENCODE_DISABLE_AUTOUPDATE", "true");
            env.remove("OPENCODE_BIN");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            progress.println("starting opencode " + binary.getParent().getParent().getFileName() + " on 127.0.0.1:" + port
                    + " (project " + project + ")");
            progress.flush();
            process = pb.start();
            OpencodeServer server = new OpencodeServer(root, project, log, port, password, process);
            server.awaitHealthy();
            return server;
        } catch (IOException | RuntimeException e) {
            if (process != null) stop(process);
            String tail = Files.exists(log) ? "\nlast lines of its log:\n" + ServerLauncher.tail(log, 20) : "";
            deleteTree(root);
            throw new IllegalStateException("could not start a real opencode server: " + e.getMessage() + tail, e);
        }
    }

    /**
     * Whether the project may be a git repository for this binary: a 1.0.x server in a git project (here, with a
     * fresh HOME) answers every prompt with a NotFoundError before calling the model, so its project stays a plain
     * folder (and it records no changes). The version is read from the install folder ({@code opencode-VERSION}).
     */
    static boolean snapshotsWork(Path binary) {
        for (Path p = binary; p != null; p = p.getParent()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("opencode-([0-9]+\\.[0-9]+)\\.[0-9]+")
                    .matcher(p.getFileName() == null ? "" : p.getFileName().toString());
            if (m.matches()) {
                return !m.group(1).equals("1.0");
            }
        }
        return true;
    }

    /**
     * The project is a git repository with one commit, as a real one is: opencode keeps its snapshots (the
     * sessions' diffs) only for projects in git.
     */
    static void gitInit(Path project, Path home) throws IOException {
        for (List<String> args : List.of(List.of("init", "-q"), List.of("add", "opencode.json"),
                List.of("-c", "user.name=ocs bench", "-c", "user.email=bench@ocs.invalid", "commit", "-q", "-m",
                        "bench project"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of("git"));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true);
            pb.environment().put("HOME", home.toString());
            pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            Process git = pb.start();
            String said = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            try {
                if (git.waitFor() != 0) {
                    throw new IOException("git " + String.join(" ", args) + " failed in " + project + ": " + said.strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running git", e);
            }
        }
    }

    /** The project's opencode.json: the stand-in provider, a dead one, bash behind a permission. */
    static String config(String standInBaseUrl, int deadPort) {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("$schema", "https://opencode.ai/config.json");
        c.put("model", MODEL);
        c.put("small_model", MODEL);
        c.put("autoupdate", false);
        c.put("share", "disabled");
        ObjectNode providers = c.putObject("provider");
        ObjectNode mock = providers.putObject("mock");
        mock.put("npm", "@ai-sdk/openai-compatible").put("name", "Stand-in model");
        mock.putObject("options").put("baseURL", standInBaseUrl).put("apiKey", "stand-in");
        // A price, so that costs (export's header, --max-cost) are not all zero: USD per million tokens.
        mock.putObject("models").putObject("mock-model").put("name", "Mock model").putObject("cost")
                .put("input", 3).put("output", 15);
        ObjectNode dead = providers.putObject("dead");
        dead.put("npm", "@ai-sdk/openai-compatible").put("name", "Unreachable provider");
        dead.putObject("options").put("baseURL", "http://127.0.0.1:" + deadPort + "/v1").put("apiKey", "none");
        dead.putObject("models").putObject("dead-model").put("name", "Dead model");
        c.putObject("permission").put("bash", "ask");
        return c.toPrettyString();
    }

    private void awaitHealthy() {
        OpencodeClient client = client(Duration.ofSeconds(2));
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        Health last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("opencode exited with status " + process.exitValue() + " before answering");
            }
            last = Health.check(new V1Api(client), Duration.ofSeconds(2));
            if (last.ok()) return;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for opencode", e);
            }
        }
        throw new IllegalStateException("opencode did not answer GET /global/health within " + START_LIMIT.toSeconds()
                + " s" + (last != null && last.failure() != null ? " (" + last.failure().getMessage() + ")" : ""));
    }

    /** A client for this server, with its credentials. */
    public OpencodeClient client(Duration requestTimeout) {
        return new OpencodeClient(connection(requestTimeout), null);
    }

    public Connection connection(Duration requestTimeout) {
        return new Connection(URI.create(url()), USERNAME, password, "the bench", null,
                Duration.ofSeconds(2), requestTimeout);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    public Path project() {
        return project;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Environment variables that point ocs at this server. */
    public Map<String, String> env() {
        return Map.of("OCS_URL", url(), "OPENCODE_SERVER_USERNAME", USERNAME, "OPENCODE_SERVER_PASSWORD", password);
    }

    @Override
    public void close() {
        stop(process);
        deleteTree(root);
    }

    /** Stops the server and whatever it started (tool shells, language servers), by PID, and waits until gone. */
    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        if (process.isAlive()) {
            throw new IllegalStateException("opencode (pid " + process.pid() + ") is still running after SIGKILL");
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp folder left behind is not worth failing a run for
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
