package dev.ocs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ocs in its own JVM, as a user runs it ({@code java -cp <the test classpath> dev.ocs.Main …}): for what needs
 * a real process (a small heap, signals, the exit code of the JVM itself). Output is collected on threads so a
 * full pipe never blocks the child.
 */
public final class Fork {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private Fork(Process p) {
        this.process = p;
        this.outPump = pump(p.getInputStream(), out);
        this.errPump = pump(p.getErrorStream(), err);
    }

    /** Starts {@code java <jvmArgs> -cp <classpath> dev.ocs.Main <args>} with a clean environment plus {@code env}. */
    public static Fork start(List<String> jvmArgs, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.ocs.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("LANG"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        return new Fork(pb.start());
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** The exit code, or -1 (after killing it) when it did not end in time: a hang guard, not a measurement. */
    public int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            outPump.join(5_000);
            errPump.join(5_000);
            return -1;
        }
        outPump.join(10_000);
        errPump.join(10_000);
        return process.exitValue();
    }

    /** Sends a signal by name ("INT", "TERM") with kill(1); Process.destroy() can only send SIGTERM. */
    public void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    public String out() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public String err() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public String toString() {
        return "--- stdout ---\n" + tail(out(), 4000) + "--- stderr ---\n" + tail(err(), 4000);
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max);
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "fork-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
