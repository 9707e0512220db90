package dev.ocs.serve;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.Connection;
import dev.ocs.http.ProxyEnv;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Starts {@code opencode serve} detached from ocs: the native binary itself (so the PID is the server's),
 * proxy variables removed, ocs's credentials given to it, output to a log file.
 */
public final class ServerLauncher {
    private ServerLauncher() {}

    public record Started(Process process, Path binary, Path log) {
        public long pid() {
            return process.pid();
        }
    }

    public static Started start(Connection conn, Path binary, Path log, Map<String, String> parentEnv) {
        int port = conn.url().getPort() > 0 ? conn.url().getPort()
                : "https".equalsIgnoreCase(conn.url().getScheme()) ? 443 : 80;
        String host = conn.url().getHost().replace("[", "").replace("]", "");
        List<String> cmd = new ArrayList<>();
        Path setsid = onPath("setsid", parentEnv);
        if (setsid != null) {
            // A new session: the server survives ocs and the terminal's Ctrl-C. setsid execs in place, same PID.
            cmd.add(setsid.toString());
        }
        cmd.addAll(List.of(binary.toString(), "serve", "--hostname", host, "--port", Integer.toString(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(parentEnv);
        ProxyEnv.strip(env);
        env.put("OPENCODE_SERVER_USERNAME", conn.username());
        env.put("OPENCODE_SERVER_PASSWORD", conn.password());
        if (conn.directory() != null && Files.isDirectory(Path.of(conn.directory()))) {
            pb.directory(new File(conn.directory()));
        }
        try {
            if (log.getParent() != null) {
                Files.createDirectories(log.getParent());
            }
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            return new Started(pb.start(), binary, log);
        } catch (IOException e) {
            throw new OcsException(ExitCode.UNREACHABLE, "could not start " + binary + ": " + e.getMessage(), e);
        }
    }

    /**
     * The opencode binary: the given path, else OPENCODE_BIN, else 'opencode' on PATH. npm installs a node
     * wrapper there; the native binary sits in the platform package beside it, and that is what we run.
     */
    public static Path findBinary(Path given, Map<String, String> env) {
        Path p = given;
        String from = "--opencode-bin";
        if (p == null && env.get("OPENCODE_BIN") != null && !env.get("OPENCODE_BIN").isBlank()) {
            p = Path.of(env.get("OPENCODE_BIN"));
            from = "OPENCODE_BIN";
        }
        if (p == null) {
            p = onPath("opencode", env);
            from = "PATH";
            if (p == null) {
                throw new OcsException(ExitCode.UNREACHABLE, "nothing answers and no 'opencode' binary is on PATH; "
                        + "install it with 'npm install -g opencode-ai' or name it with --opencode-bin / OPENCODE_BIN");
            }
        }
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new OcsException(ExitCode.UNREACHABLE, "opencode binary " + p + " (from " + from
                    + ") is not an executable file; install it with 'npm install -g opencode-ai'");
        }
        Path nativeBinary = nativeBeside(p);
        return nativeBinary != null ? nativeBinary : p;
    }

    static Path nativeBeside(Path launcher) {
        Path real;
        try {
            real = launcher.toRealPath();
        } catch (IOException e) {
            return null;
        }
        if (!isScript(real)) {
            return real;
        }
        // .../node_modules/opencode-ai/bin/opencode → .../node_modules/opencode-<os>-<arch>[-baseline]/bin/opencode
        Path pkg = real.getParent() == null ? null : real.getParent().getParent();
        if (pkg == null) {
            return null;
        }
        String platform = platformPackage();
        for (Path modules : new Path[] {pkg.resolve("node_modules"), pkg.getParent()}) {
            if (modules == null) {
                continue;
            }
            for (String name : new String[] {platform, platform + "-baseline"}) {
                Path candidate = modules.resolve(name).resolve("bin").resolve("opencode");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static boolean isScript(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == '#' && head[1] == '!';
        } catch (IOException e) {
            return false;
        }
    }

    /** The npm package that carries this platform's native binary, e.g. {@code opencode-linux-x64}. */
    public static String platformPackage() {
        return "opencode-" + os() + "-" + arch();
    }

    private static String os() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        return os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("amd64") || a.equals("x86_64") ? "x64" : a.equals("aarch64") ? "arm64" : a;
    }

    static Path onPath(String name, Map<String, String> env) {
        String path = env.get("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The last {@code n} lines of a log, for an error message. */
    public static String tail(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
