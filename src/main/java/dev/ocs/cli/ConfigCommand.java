package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.config.Config;
import dev.ocs.config.ConfigEdit;
import dev.ocs.config.Profile;
import dev.ocs.session.Style;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ocs config list | show NAME | add NAME URL | remove NAME | default NAME}: the named servers of the config
 * file. These do not connect, so the global connection options do not apply to them.
 */
public final class ConfigCommand implements Runnable {
    private final Services services;
    final CommandSpec spec;

    ConfigCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "config", false, "The named servers of the config file (" + "$XDG_CONFIG_HOME/ocs/"
                + "config.toml, default ~/.config/ocs/config.toml): list, show, add, remove, and the default.",
                "These do not connect; ocs never writes a password into the file, only where the password is kept.");
        spec = a.spec();
        spec.addSubcommand("list", new Sub("list", "The servers: name, url, username, password source; the default "
                + "marked.", null).spec);
        spec.addSubcommand("show", new Sub("show", "One server's settings (its password source, never a password).",
                "NAME").spec);
        spec.addSubcommand("add", new Add().spec);
        spec.addSubcommand("remove", new Sub("remove", "Take a server out of the file (its lines only).", "NAME").spec);
        spec.addSubcommand("default", new Sub("default", "Make a server the one used when no --server or --url is "
                + "given.", "NAME").spec);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /**
     * The config commands take no connection options: they would have nothing to apply to. ({@code add} takes
     * {@code --username} and {@code --password-file} as what to store.)
     */
    private void noConnection(boolean adding) {
        GlobalOptions o = services.options();
        List<String> given = new ArrayList<>();
        if (o.url != null) given.add("--url");
        if (o.server != null) given.add("--server");
        if (o.username != null && !adding) given.add("--username");
        if (o.password != null) given.add(adding ? "--password (ocs never stores a password; use --password-file, "
                + "--password-env or --password-command)" : "--password");
        if (o.passwordFile != null && !adding) given.add("--password-file");
        if (!given.isEmpty()) {
            throw OcsException.usage(String.join(", ", given) + " does not apply to 'config' (it does not connect)");
        }
    }

    private Config config() {
        return services.config();
    }

    private static String checkName(String name) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw OcsException.usage("'" + name + "' is not a server name: use letters, digits, '-' and '_'");
        }
        return name;
    }

    /** list, show, remove and default: a name or none. */
    private final class Sub implements Callable<Integer> {
        final CommandSpec spec;
        private final String action;
        private String name;

        Sub(String action, String description, String param) {
            this.action = action;
            Args a = new Args(this, action, false, description);
            if (param != null) {
                a.positional(String.class, v -> name = v, PositionalParamSpec.builder().index("0")
                        .paramLabel(param).description("The server's name."));
            }
            spec = a.spec();
        }

        @Override
        public Integer call() {
            noConnection(false);
            Config c = config();
            switch (action) {
                case "list" -> list(c);
                case "show" -> show(c, c.server(name));
                case "remove" -> {
                    c.server(name);
                    String text = ConfigEdit.remove(c.text(), name);
                    boolean wasDefault = name.equals(c.defaultName());
                    if (wasDefault) {
                        text = ConfigEdit.dropDefault(text);
                    }
                    save(c.file(), text);
                    services.err().println("ocs: removed server " + name + " from " + c.file()
                            + (wasDefault ? "; there is no default server now" : ""));
                }
                case "default" -> {
                    c.server(name);
                    save(c.file(), ConfigEdit.setDefault(c.text(), name));
                    services.err().println("ocs: " + name + " is the default server now");
                }
                default -> throw new IllegalStateException(action);
            }
            return ExitCode.OK;
        }
    }

    /** The text checked by reading it back, then written. */
    private static void save(Path file, String text) {
        Config.parse(file, text);
        ConfigEdit.write(file, text);
    }

    private void list(Config c) {
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", c.file().toString());
            doc.put("default", c.defaultName());
            List<Object> servers = new ArrayList<>();
            c.servers().values().forEach(p -> servers.add(json(p, c)));
            doc.put("servers", servers);
            Output.json(services.out(), doc);
            return;
        }
        if (c.servers().isEmpty()) {
            services.err().println("ocs: no servers in " + c.file() + " (add one: " + "ocs config add NAME URL)");
            return;
        }
        Style style = new Style(services.colorOut());
        Table t = new Table(style).row("NAME", "URL", "USERNAME", "PASSWORD", "");
        for (Profile p : c.servers().values()) {
            t.row(4, style::green, p.name(), p.url(), p.username() == null ? "opencode" : p.username(),
                    p.passwordSource() == null ? "(the default)" : p.passwordSource(),
                    p.name().equals(c.defaultName()) ? "default" : "");
        }
        t.print(services.out());
    }

    private void show(Config c, Profile p) {
        if (services.json()) {
            Output.json(services.out(), json(p, c));
            return;
        }
        services.out().println("name      " + p.name() + (p.name().equals(c.defaultName()) ? " (the default)" : ""));
        services.out().println("url       " + p.url());
        services.out().println("username  " + (p.username() == null ? "opencode (not set)" : p.username()));
        services.out().println("password  " + (p.passwordSource() == null ? "the default (no source set)"
                : p.passwordSource()));
        services.out().println("file      " + c.file());
    }

    private static Map<String, Object> json(Profile p, Config c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("url", p.url());
        m.put("username", p.username());
        m.put("passwordCommand", p.passwordCommand());
        m.put("passwordFile", p.passwordFile());
        m.put("passwordEnv", p.passwordEnv());
        m.put("default", p.name().equals(c.defaultName()));
        return m;
    }

    private final class Add implements Callable<Integer> {
        final CommandSpec spec;
        private String name;
        private String url;
        private String passwordEnv;
        private String passwordCommand;

        Add() {
            Args a = new Args(this, "add", false, "Add a server: its url, and where its password is kept (one of "
                    + "the three; none: the default password). The first server added becomes the default.");
            a.positional(String.class, v -> name = v, PositionalParamSpec.builder().index("0").paramLabel("NAME")
                    .description("Its name: letters, digits, '-' and '_'."));
            a.positional(String.class, v -> url = v, PositionalParamSpec.builder().index("1").paramLabel("URL")
                    .description("http://HOST:PORT or https://HOST:PORT"));
            // --username and --password-file are the global options: here they name what to store (FILE as given:
            // ~ is HOME, a relative path is beside the config file).
            OptionSpec env = Args.bind(String.class, v -> passwordEnv = v, OptionSpec.builder("--password-env")
                    .paramLabel("VAR").description("Its password is in the environment variable VAR."));
            OptionSpec command = Args.bind(String.class, v -> passwordCommand = v,
                    OptionSpec.builder("--password-command").paramLabel("'PROG ARG…'")
                            .description("Its password is the first line this command prints (run without a shell; "
                                    + "split into words at spaces, '…' and \"…\" keep words together)."));
            a.exclusive(env, command);
            a.spec().usageMessage().footer("%nWith --username NAME, the Basic Auth user (default opencode); with "
                    + "--password-file FILE, its password is the first line of FILE (stored as given: ~ is HOME, a "
                    + "relative path is beside the config file).");
            spec = a.spec();
        }

        @Override
        public Integer call() {
            noConnection(true);
            String username = services.options().username;
            String passwordFile = services.options().passwordFile == null ? null
                    : services.options().passwordFile.toString();
            if (passwordFile != null && (passwordEnv != null || passwordCommand != null)) {
                throw OcsException.usage("give one of --password-file, --password-env and --password-command");
            }
            checkName(name);
            java.net.URI u;
            try {
                u = new java.net.URI(url.trim());
            } catch (java.net.URISyntaxException e) {
                throw OcsException.usage("'" + Services.hideUserInfo(url) + "' is not a URL; expected e.g. "
                        + Services.DEFAULT_URL);
            }
            if (u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null
                    || u.getRawUserInfo() != null || u.getRawQuery() != null) {
                throw OcsException.usage("the url must be http://HOST:PORT or https://HOST:PORT, without a user, "
                        + "password or query");
            }
            if (passwordEnv != null && !passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw OcsException.usage("--password-env takes a variable's name, e.g. BUILDBOX_PASSWORD");
            }
            Config c = config();
            if (c.servers().containsKey(name)) {
                throw OcsException.usage("there is a server " + name + " in " + c.file() + " already; remove it "
                        + "first (ocs config remove " + name + ")");
            }
            String key = passwordCommand != null ? "password_command" : passwordFile != null ? "password_file"
                    : passwordEnv != null ? "password_env" : null;
            Object value = passwordCommand != null ? words(passwordCommand) : passwordFile != null ? passwordFile
                    : passwordEnv;
            String text = ConfigEdit.add(c.text(), name, url.trim(), username, key, value);
            boolean first = c.defaultName() == null && c.servers().isEmpty();
            if (first) {
                text = ConfigEdit.setDefault(text, name);
            }
            save(c.file(), text);
            services.err().println("ocs: added server " + name + " to " + c.file() + (first ? " (the default)" : ""));
            return ExitCode.OK;
        }
    }

    /** A command line split into words at spaces; '…' and "…" keep words together (no other shell rules). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    throw OcsException.usage("--password-command: a quote is not closed");
                }
                if (w == null) {
                    w = new StringBuilder();
                }
                w.append(line, i + 1, end);
                i = end;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    out.add(w.toString());
                }
                w = null;
            } else {
                if (w == null) {
                    w = new StringBuilder();
                }
                w.append(c);
            }
        }
        if (w != null) {
            out.add(w.toString());
        }
        if (out.isEmpty()) {
            throw OcsException.usage("--password-command needs a program to run");
        }
        return out;
    }
}
