package dev.ocs.cli;

import dev.ocs.OcsException;
import dev.ocs.api.Api;
import dev.ocs.api.AutoApi;
import dev.ocs.config.Config;
import dev.ocs.config.Passwords;
import dev.ocs.config.Profile;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    /** Where the password came from when none was configured: the well-known default. */
    static final String NO_PASSWORD = "the default (set OPENCODE_SERVER_PASSWORD or --password-file)";

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
    private Config config;

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
     * The server's API, of the generation {@code --api} / {@code OCS_API} names: {@code auto} (the default) speaks
     * v1 and turns to v2 once the server shows its older routes are gone ({@link AutoApi}).
     */
    public Api api() {
        if (api == null) {
            api = AutoApi.of(generation(), client(), options.verbose ? err : null, err);
        }
        return api;
    }

    /** What a call built that later calls with the same global options can use: connection, client, API. */
    public record Built(Connection connection, OpencodeClient client, Api api) {}

    /** What this call built, or null when it built no API. */
    public Built built() {
        return api == null ? null : new Built(connection, client, api);
    }

    /**
     * {@code ocs mcp}: the connection, client and API an earlier call built with the same global options, for this
     * call too (one HTTP client for the whole MCP session, the password read once).
     */
    public void adopt(Built earlier) {
        connection = earlier.connection();
        client = earlier.client();
        api = earlier.api();
    }

    private String generation() {
        return first(options.api, env("OCS_API"), "auto");
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

    /**
     * Which server a call talks to, and as whom. {@code --server}/{@code OCS_SERVER} picks a profile of the config
     * file, which then supplies url, username and password together (the environment's are ignored; flags
     * override single fields). {@code --url}/{@code OCS_URL} without one uses no profile. With neither, the
     * config's default profile, else the defaults. The config file is read only when a profile may be needed.
     */
    private Connection resolveConnection() {
        // A flag beats the environment: --url on the command line is no profile even with OCS_SERVER set.
        String name = options.server != null ? options.server : options.url == null ? env("OCS_SERVER") : null;
        boolean urlGiven = first(options.url, env("OCS_URL")) != null;
        Profile profile = null;
        if (name != null) {
            if (options.url != null) {
                throw OcsException.usage("--url and --server both say where to connect; give one (a profile's "
                        + "password goes only to its own url)");
            }
            profile = config().server(name);
        } else if (!urlGiven) {
            Config c = configIfAny();
            if (c != null && c.defaultName() != null) {
                profile = c.server(c.defaultName());
            }
        }
        return profile != null ? connectionFor(profile, true) : connection(first(options.url, env("OCS_URL"),
                DEFAULT_URL), first(options.username, env("OPENCODE_SERVER_USERNAME"), DEFAULT_USER), null);
    }

    /**
     * The connection to a profile's server: its url, username and password, with the flags overriding single
     * fields (only when {@code flags}; never --url). The environment's connection variables are not read.
     */
    Connection connectionFor(Profile p, boolean flags) {
        if (options.verbose && flags) {
            List<String> ignored = new java.util.ArrayList<>();
            for (String v : List.of("OCS_URL", "OPENCODE_SERVER_USERNAME", "OPENCODE_SERVER_PASSWORD")) {
                if (env(v) != null) {
                    ignored.add(v);
                }
            }
            err.println("ocs: server " + p.name() + " from " + config().file() + (ignored.isEmpty() ? ""
                    : " (" + String.join(", ", ignored) + " in the environment ignored)"));
        }
        String user = first(flags ? options.username : null, p.username(), DEFAULT_USER);
        String[] password = flags ? flagPassword() : null;
        if (password == null) {
            String fromProfile = Passwords.of(p, env, config().file());
            password = fromProfile != null ? new String[] {fromProfile, "server " + p.name() + "'s "
                    + p.passwordSource()} : new String[] {DEFAULT_PASSWORD, "the default (server " + p.name()
                    + " names no password source)"};
        }
        return connection(p.url(), user, password);
    }

    /** The password given by a flag ({@code --password}, {@code --password-file}) and where from, or null. */
    private String[] flagPassword() {
        if (options.password != null) {
            return new String[] {options.password, "--password"};
        }
        if (options.passwordFile != null) {
            return new String[] {Passwords.firstLine("--password-file ", options.passwordFile),
                    "--password-file " + options.passwordFile};
        }
        return null;
    }

    /** One configured server, ready to be asked: its profile, and its api (its password read already). */
    public record Target(Profile profile, Api api) {}

    /**
     * Every server of the config file, for {@code --all-servers}: each with its own connection from its profile
     * alone (the environment's connection variables and the connection flags are not used). Exit 2 when the
     * file has none, or a connection flag is given.
     */
    public List<Target> targets() {
        if (options.url != null || options.server != null) {
            throw OcsException.usage("--all-servers asks every server of the config file; drop "
                    + (options.url != null ? "--url" : "--server"));
        }
        Config c = config();
        if (c.servers().isEmpty()) {
            throw OcsException.usage("--all-servers: no servers in " + c.file() + " (add one: ocs config add NAME URL)");
        }
        List<Target> out = new java.util.ArrayList<>();
        for (Profile p : c.servers().values()) {
            Connection conn = connectionFor(p, false);
            out.add(new Target(p, AutoApi.of(generation(), new OpencodeClient(conn, options.verbose ? err : null),
                    options.verbose ? err : null, err)));
        }
        return out;
    }

    /**
     * For a server ocs is to start while no password is configured: a random password, kept in a file of mode
     * 600 under {@code $XDG_STATE_HOME/ocs/}, and a profile ({@code local}, or {@code local-2} … where that is
     * taken) whose password_file points at it, the default where there is none. Said on stderr in one line.
     *
     * @return the connection with that password
     */
    Connection newLocalServer(Connection conn) {
        Config c = config();
        String name = "local";
        for (int i = 2; c.servers().containsKey(name); i++) {
            name = "local-" + i;
        }
        String state = env("XDG_STATE_HOME") != null ? env("XDG_STATE_HOME")
                : Path.of(env("HOME") != null ? env("HOME") : System.getProperty("user.home"), ".local", "state")
                .toString();
        Path file = Path.of(state, "ocs", name + ".password");
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createDirectories(file.getParent(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            throw new OcsException(dev.ocs.ExitCode.FINDING, "cannot keep a password for the new server in " + file
                    + " (" + e.getClass().getSimpleName() + "); set OPENCODE_SERVER_PASSWORD or --password-file");
        }
        boolean makeDefault = c.defaultName() == null;
        String text = dev.ocs.config.ConfigEdit.add(c.text(), name, conn.displayUrl(), null, "password_file",
                file.toString());
        if (makeDefault) {
            text = dev.ocs.config.ConfigEdit.setDefault(text, name);
        }
        Config.parse(c.file(), text);
        dev.ocs.config.ConfigEdit.write(c.file(), text);
        config = Config.parse(c.file(), text);
        err.println("ocs: no password was configured: the server gets a random one, kept in " + file + " (mode 600),"
                + " and is server '" + name + "' in " + c.file() + (makeDefault ? " (the default)" : ""));
        err.flush();
        connection = new Connection(conn.url(), conn.username(), password, "server " + name + "'s password_file "
                + file, conn.directory(), conn.connectTimeout(), conn.requestTimeout());
        client = null;
        api = null;
        return connection;
    }

    /** The config file (an empty one when there is none), read once. */
    public Config config() {
        if (config == null) {
            config = Config.read(Config.path(env));
            for (String w : config.warnings()) {
                err.println("ocs: warning: config " + config.file() + ": " + w);
            }
        }
        return config;
    }

    /** The config when its file exists (a look at the file system, no read otherwise), else null. */
    private Config configIfAny() {
        return config != null || Files.exists(Config.path(env)) ? config() : null;
    }

    /** @param password the password and where it came from, or null for today's environment rules */
    private Connection connection(String rawUrl, String user, String[] password) {
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
        String[] given = password != null ? password : flagPassword();
        if (given == null) {
            given = env("OPENCODE_SERVER_PASSWORD") != null
                    ? new String[] {env("OPENCODE_SERVER_PASSWORD"), "OPENCODE_SERVER_PASSWORD"}
                    : new String[] {DEFAULT_PASSWORD, NO_PASSWORD};
        }
        String pass = given[0];
        String source = given[1];
        double seconds = options.requestTimeoutSeconds == null ? 30 : options.requestTimeoutSeconds;
        if (!(seconds > 0) || seconds > 86_400) {
            throw OcsException.usage("--request-timeout must be a number of seconds above 0, got " + seconds);
        }
        Duration requestTimeout = Duration.ofMillis((long) (seconds * 1000));
        Duration connectTimeout = requestTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? requestTimeout
                : Duration.ofSeconds(5);
        return new Connection(url, user, pass, source, options.directory, connectTimeout, requestTimeout);
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
