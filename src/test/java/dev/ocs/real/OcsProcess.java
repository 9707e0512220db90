package dev.ocs.real;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * ocs as a real process ({@code java dev.ocs.Main} on the test class path) pointed at the bench, its stdout and
 * stderr collected as they come, so a test can act on what it has printed so far.
 */
final class OcsProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private OcsProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.getInputStream(), out);
        this.errReader = pump(process.getErrorStream(), err);
    }

    static OcsProcess start(Map<String, String> extraEnv, String... args) {
        return start(extraEnv, false, args);
    }

    /** With a standard input the test writes to ({@link #send}, {@link #closeInput}), for ocs mcp. */
    static OcsProcess startPiped(String... args) {
        return start(Map.of(), true, args);
    }

    private static OcsProcess start(Map<String, String> extraEnv, boolean piped, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.ocs.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(RealServer.server().env());
        pb.environment().putAll(extraEnv);
        pb.environment().remove("NO_COLOR");
        if (!piped) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            return new OcsProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OcsProcess start(String... args) {
        return start(Map.of(), args);
    }

    private static Thread pump(InputStream in, StringBuffer into) {
        Thread t = new Thread(() -> {
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                char[] buf = new char[4096];
                int n;
                while ((n = r.read(buf)) >= 0) {
                    into.append(buf, 0, n);
                }
            } catch (IOException e) {
                // the process went away
            }
        }, "ocs-process-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Writes one line (UTF-8, newline added) to the process's standard input. */
    void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    long pid() {
        return process.pid();
    }

    /** Waits until stdout (or stderr) contains {@code text}; fails with what was printed when it does not. */
    void awaitOut(String text, Duration limit) {
        await(out, text, limit, "stdout");
    }

    void awaitErr(String text, Duration limit) {
        await(err, text, limit, "stderr");
    }

    private void await(StringBuffer buf, String text, Duration limit, String which) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (buf.indexOf(text) >= 0) return;
            if (!process.isAlive() && buf.indexOf(text) < 0) {
                joinReaders();
                if (buf.indexOf(text) >= 0) return;
                fail("ocs ended (exit " + process.exitValue() + ") without '" + text + "' on " + which + "\n" + this);
            }
            RealServer.sleep(50);
        }
        fail("no '" + text + "' on " + which + " within " + limit.toSeconds() + " s\n" + this);
    }

    /** Sends SIGINT, as Ctrl-C does. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) fail("kill -INT " + process.pid() + " failed");
    }

    int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("ocs did not end within " + limit.toSeconds() + " s\n" + this);
        }
        joinReaders();
        return process.exitValue();
    }

    private void joinReaders() {
        try {
            outReader.join(5_000);
            errReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
