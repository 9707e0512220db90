package dev.ocs.config;

import dev.ocs.OcsException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads a password from where it is kept: the first line of a file, an environment variable, or the first line a
 * command prints (run without a shell, for at most {@value #COMMAND_SECONDS} s). Whatever goes wrong is exit 2
 * naming the server and the source, never the secret.
 */
public final class Passwords {
    public static final int COMMAND_SECONDS = 5;

    private Passwords() {}

    /** The profile's password, or null when it names no source. */
    public static String of(Profile p, Map<String, String> env, Path configFile) {
        String who = "server " + p.name() + ": ";
        if (p.passwordCommand() != null) {
            return command(who, p.passwordCommand());
        }
        if (p.passwordFile() != null) {
            return firstLine(who + "password_file ", path(p.passwordFile(), env, configFile));
        }
        if (p.passwordEnv() != null) {
            String v = env.get(p.passwordEnv());
            if (v == null || v.isEmpty()) {
                throw OcsException.usage(who + "password_env " + p.passwordEnv() + " is not set");
            }
            return v;
        }
        return null;
    }

    /** {@code ~/x} under HOME; a relative path beside the config file. */
    public static Path path(String raw, Map<String, String> env, Path configFile) {
        if (raw.equals("~") || raw.startsWith("~/")) {
            String home = env.get("HOME") != null ? env.get("HOME") : System.getProperty("user.home");
            return Path.of(home + raw.substring(1));
        }
        Path p = Path.of(raw);
        return p.isAbsolute() || configFile == null || configFile.getParent() == null ? p
                : configFile.getParent().resolve(p);
    }

    /**
     * The first line of a password file, without its line end.
     *
     * @param what how the message names the source: "--password-file " or "server x: password_file "
     */
    public static String firstLine(String what, Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String line = firstLineOf(text);
            if (line.isEmpty()) {
                throw OcsException.usage(what + file + ": the first line is empty");
            }
            return line;
        } catch (NoSuchFileException e) {
            throw OcsException.usage(what + file + ": no such file");
        } catch (MalformedInputException e) {
            throw OcsException.usage(what + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw OcsException.usage(what + file + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String firstLineOf(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String command(String who, java.util.List<String> cmd) {
        String what = who + "password_command " + String.join(" ", cmd);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw OcsException.usage(what + ": cannot run it (" + (e.getMessage() != null
                    && e.getMessage().contains("No such file") ? "no such program" : e.getClass().getSimpleName()) + ")");
        }
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        }, "ocs-password-command");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw OcsException.usage(what + ": no answer within " + COMMAND_SECONDS + " s (stopped it)");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OcsException(dev.ocs.ExitCode.INTERRUPTED, "interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw OcsException.usage(what + ": failed (exit " + p.exitValue() + ")");
        }
        String line = out[0] == null ? "" : firstLineOf(new String(out[0], StandardCharsets.UTF_8));
        if (line.isEmpty()) {
            throw OcsException.usage(what + ": printed nothing");
        }
        return line;
    }
}
