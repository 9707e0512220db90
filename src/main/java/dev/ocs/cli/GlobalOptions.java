package dev.ocs.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/**
 * Options every command accepts, before or after the subcommand name. Values stay raw here (null when
 * not given); {@link Services} resolves them against the environment and the defaults, so tests can
 * inject an environment without touching the process's.
 */
public final class GlobalOptions {
    String url;
    String server;
    String username;
    Path passwordFile;
    String password;
    String directory;
    Double requestTimeoutSeconds;
    String api;
    boolean json;
    boolean noColor;
    boolean verbose;

    /** Adds them to the root command, from where picocli copies them into each subcommand. */
    void addTo(CommandSpec root) {
        root.addOption(Args.flagSpec(v -> { }, global("-h", "--help").usageHelp(true).order(1)
                .description("Show this help and exit.")));
        root.addOption(Args.bind(String.class, v -> url = v, global("--url").paramLabel("URL").order(100)
                .description("Server URL (env OCS_URL, default " + Services.DEFAULT_URL + ").")));
        root.addOption(Args.bind(String.class, v -> server = v, global("--server").paramLabel("NAME").order(99)
                .description("A server of the config file (env OCS_SERVER): its url, username and password.")));
        root.addOption(Args.bind(String.class, v -> username = v, global("-u", "--username").paramLabel("NAME")
                .order(101).description("Basic Auth user (env OPENCODE_SERVER_USERNAME, default opencode).")));
        root.addOption(Args.bind(Path.class, v -> passwordFile = v, global("--password-file").paramLabel("FILE")
                .order(102).description("Read the password from the first line of FILE. Recommended, with env "
                        + "OPENCODE_SERVER_PASSWORD (default: changeme).")));
        root.addOption(Args.bind(String.class, v -> password = v, global("-p", "--password").paramLabel("PASSWORD")
                .order(103).arity("1").description("Password on the command line (visible to other users in the "
                        + "process list: prefer OPENCODE_SERVER_PASSWORD or --password-file).")));
        root.addOption(Args.bind(String.class, v -> directory = v, global("--dir").paramLabel("PATH").order(104)
                .description("The server's project directory (its 'directory' parameter).")));
        root.addOption(Args.bind(Double.class, v -> requestTimeoutSeconds = v, global("--request-timeout")
                .paramLabel("SECONDS").order(105)
                .description("Time limit for each HTTP request (default 30; connecting: 5).")));
        root.addOption(Args.bind(String.class, v -> api = v, global("--api").paramLabel("GEN").order(106)
                .description("The server's API generation: auto (default: v1, v2 where the older routes are gone), v1 or v2 "
                        + "(env OCS_API).")));
        root.addOption(Args.flagSpec(v -> json = v, global("--json").order(106)
                .description("Machine-readable output on stdout (schemas in the README).")));
        root.addOption(Args.flagSpec(v -> noColor = v, global("--no-color").order(107)
                .description("No colour (also NO_COLOR; colour is only ever used on a terminal).")));
        root.addOption(Args.flagSpec(v -> verbose = v, global("-v", "--verbose").order(108)
                .description("HTTP trace on stderr (credentials masked), stack traces for unexpected errors.")));
    }

    private static OptionSpec.Builder global(String... names) {
        return OptionSpec.builder(names).scopeType(ScopeType.INHERIT);
    }

    public boolean json() {
        return json;
    }

    public boolean verbose() {
        return verbose;
    }
}
