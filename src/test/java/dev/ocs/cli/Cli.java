package dev.ocs.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Runs the real command line in-process with its own environment and captured streams. */
public final class Cli {
    private final Map<String, String> env = new HashMap<>();
    private InputStream stdin = new ByteArrayInputStream(new byte[0]);
    private boolean tty;

    public static Cli withUrl(String url) {
        Cli c = new Cli();
        c.env.put("OCS_URL", url);
        c.env.put("PATH", System.getenv("PATH"));
        return c;
    }

    public Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Cli stdin(String text) {
        stdin = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Cli tty(boolean tty) {
        this.tty = tty;
        return this;
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        Services s = new Services(env, out, new PrintWriter(err, true), stdin, tty, tty);
        int code = OcsCommand.run(s, args);
        s.out().flush();
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }

        public String all() {
            return out + err;
        }
    }
}
