package dev.ocs.cli;

import dev.ocs.OcsException;
import dev.ocs.api.Api;
import dev.ocs.api.V1Api;
import dev.ocs.http.Connection;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Diagnosis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Map;

/**
 * What commands are given: the streams, the environment, and the one shared client built from the
 * global options. {@code main} builds one from the real process; tests build one with their own
 * environment and captured streams.
 */
public final class Services implements AutoCloseable {
    public static final String DEFAULT_URL = "http://127.0.0.1:4999";
    static final String DEFAULT_USER = "opencode";
    static final String DEFAULT_PASSWORD = "changeme";

    private final Map<String, String> env;
    private final Stdout stdout;
    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;
    private final boolean outTty;
    private final boolean errTty;
    private GlobalOptions options = new GlobalOptions();
    private Connection connection;
    private OpencodeClient client;
    private Api api;

    /** @param stdout where data goes: {@link #out()} writes it as UTF-8 (flushed by the caller, not per line) */
    public Services(Map<String, String> env, OutputStream stdout, PrintWriter err, InputStream in,
                    boolean outTty, boolean errTty) {
        this.env = Map.copyOf(env);
        this.stdout = new Stdout(stdout);
        this.out = new PrintWriter(new OutputStreamWriter(this.stdout, StandardCharsets.UTF_8), false);
        this.err = err;
        this.in = in;
        this.outTty = outTty;
        this.errTty = errTty;
    }

    void options(GlobalOptions options) {
        this.options = options;
    }

    public GlobalOptions options() {
        return options;
    }

    public PrintWriter out() {
        return out;
    }

    /** stdout as bytes, for output that is already UTF-8; flush {@link #out()} before writing here. */
    OutputStream stdout() {
        return stdout;
    }

    /** The first error writing to stdout (a reader that went away, a full disk), or null. */
    IOException stdoutFailure() {
        return stdout.failure;
    }

    /**
     * stdout that keeps the first write error instead of throwing it (as PrintWriter does for the text written
     * through {@link #out()}), so a command always ends the same way and the end of the run reports it once.
     */
    private static final class Stdout extends OutputStream {
        private final OutputStream out;
        private IOException failure;

        Stdout(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (failure == null) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    failure = e;
                }
            }
        }

        @Override
        public void flush() {
            if (failure == null) {
                try {
                    out.flush();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
    }

    public PrintWriter err() {
        return err;
    }

    public InputStream in() {
        return in;
    }

    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public Map<String, String> environment() {
        return env;
    }

    public boolean json() {
        return options.json;
    }

    public boolean verbose() {
        return options.verbose;
    }

    /** Colour on stdout: only on a terminal, never with --no-color or NO_COLOR. */
    public boolean colorOut() {
        return outTty && colorAllowed();
    }

    public boolean colorErr() {
        return errTty && colorAllowed();
    }

    public boolean errIsTty() {
        return errTty;
    }

    private boolean colorAllowed() {
        return !options.noColor && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }

    public Connection connection() {
        if (connection == null) {
            connection = resolveConnection();
        }
        return connection;
    }

    public OpencodeClient client() {
        if (client == null) {
            Connection c = connection();
            if ("http".equalsIgnoreCase(c.url().getScheme()) && !c.isLoopback()) {
                err.println("ocs: warning: credentials go to " + c.url().getHost() + " over plain http; anyone on "
                        + "the network path can read them (use https, or an SSH tunnel to a loopback port)");
            }
            client = new OpencodeClient(c, options.verbose ? err : null);
        }
        return client;
    }

    /**
     * The server's API, of the generation {@code --api} / {@code OCS_API} names. {@code auto} is v1 for now: the
     * only generation there is; what an old v1 server lacks, {@link V1Api} finds out from its answers.
     */
    public Api api() {
        if (api == null) {
            String gen = first(options.api, env("OCS_API"), "auto");
            api = switch (gen) {
                case "auto", "v1" -> new V1Api(client());
                default -> throw OcsException.usage("--api '" + OpencodeClient.oneLine(gen, 40)
                        + "' is not an API generation; use auto or v1");
            };
        }
        return api;
    }

    /** Text for stderr with the password and the Basic credentials hidden, once they are known. */
    String redact(String text) {
        return connection == null ? text : connection.redact(text);
    }

    /** The diagnosis, with advice that names the ocs command line the user needs (with --url when not default). */
    public Diagnosis diagnosis(String expectModel) {
        return new Diagnosis(ocsCommand(), expectModel);
    }

    /** "ocs", with --url when the server is not the default: advice must work when pasted. */
    public String ocsCommand() {
        String url = connection().displayUrl();
        return url.equals(DEFAULT_URL) ? "ocs" : "ocs --url " + url;
    }

    private Connection resolveConnection() {
        String rawUrl = first(options.url, env("OCS_URL"), DEFAULT_URL);
        URI url;
        try {
            url = new URI(rawUrl.trim());
        } catch (URISyntaxException e) {
            throw OcsException.usage("--url '" + hideUserInfo(rawUrl) + "' is not a URL; expected e.g. " + DEFAULT_URL);
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || url.getHost() == null) {
            throw OcsException.usage("--url '" + hideUserInfo(rawUrl) + "' must be http://HOST:PORT or "
                    + "https://HOST:PORT");
        }
        if (url.getRawUserInfo() != null) {
            throw OcsException.usage("--url must not carry credentials; use -u and OPENCODE_SERVER_PASSWORD");
        }
        if ((url.getRawQuery() != null) || url.getRawFragment() != null) {
            throw OcsException.usage("--url '" + url.getScheme() + "://" + url.getHost()
                    + "…' must not have a query or fragment");
        }
        String user = first(options.username, env("OPENCODE_SERVER_USERNAME"), DEFAULT_USER);
        String password;
        String source;
        if (options.password != null) {
            password = options.password;
            source = "--password";
        } else if (options.passwordFile != null) {
            password = readPasswordFile();
            source = "--password-file " + options.passwordFile;
        } else if (env("OPENCODE_SERVER_PASSWORD") != null) {
            password = env("OPENCODE_SERVER_PASSWORD");
            source = "OPENCODE_SERVER_PASSWORD";
        } else {
            password = DEFAULT_PASSWORD;
            source = "the default (set OPENCODE_SERVER_PASSWORD or --password-file)";
        }
        double seconds = options.requestTimeoutSeconds == null ? 30 : options.requestTimeoutSeconds;
        if (!(seconds > 0) || seconds > 86_400) {
            throw OcsException.usage("--request-timeout must be a number of seconds above 0, got " + seconds);
        }
        Duration requestTimeout = Duration.ofMillis((long) (seconds * 1000));
        Duration connectTimeout = requestTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? requestTimeout
                : Duration.ofSeconds(5);
        return new Connection(url, user, password, source, options.directory, connectTimeout, requestTimeout);
    }

    /** A URL as typed, for an error: whatever stands before its last '@' (user and password) shown as ****. */
    static String hideUserInfo(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int start = url.indexOf("//");
        start = start < 0 || start > at ? 0 : start + 2;
        return url.substring(0, start) + "****" + url.substring(at);
    }

    private String readPasswordFile() {
        try {
            String text = Files.readString(options.passwordFile, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            String line = nl < 0 ? text : text.substring(0, nl);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw OcsException.usage("--password-file " + options.passwordFile + ": the first line is empty");
            }
            return line;
        } catch (NoSuchFileException e) {
            throw OcsException.usage("--password-file " + options.passwordFile + ": no such file");
        } catch (MalformedInputException e) {
            throw OcsException.usage("--password-file " + options.passwordFile + ": not UTF-8 text");
        } catch (IOException e) {
            throw OcsException.usage("--password-file " + options.passwordFile + ": cannot read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    @Override
    public void close() {
        out.flush();
        err.flush();
    }
}
