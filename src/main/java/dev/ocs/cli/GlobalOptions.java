package dev.ocs.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/**
 * Options every command accepts, before or after the subcommand name. Values stay raw here (null when
 * not given); {@link Services} resolves them against the environment and the defaults, so tests can
 * inject an environment without touching the process's.
 */
public final class GlobalOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, order = 1,
            description = "Show this help and exit.")
    boolean help;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL", order = 100,
            description = "Server URL (env OCS_URL, default " + Services.DEFAULT_URL + ").")
    String url;

    @Option(names = {"-u", "--username"}, scope = ScopeType.INHERIT, paramLabel = "NAME", order = 101,
            description = "Basic Auth user (env OPENCODE_SERVER_USERNAME, default opencode).")
    String username;

    @Option(names = "--password-file", scope = ScopeType.INHERIT, paramLabel = "FILE", order = 102,
            description = "Read the password from the first line of FILE. Recommended, with env "
                    + "OPENCODE_SERVER_PASSWORD (default: changeme).")
    Path passwordFile;

    @Option(names = {"-p", "--password"}, scope = ScopeType.INHERIT, paramLabel = "PASSWORD", order = 103,
            arity = "1", description = "Password on the command line (visible to other users in the process "
                    + "list: prefer OPENCODE_SERVER_PASSWORD or --password-file).")
    String password;

    @Option(names = "--dir", scope = ScopeType.INHERIT, paramLabel = "PATH", order = 104,
            description = "The server's project directory (its 'directory' parameter).")
    String directory;

    @Option(names = "--request-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", order = 105,
            description = "Time limit for each HTTP request (default 30; connecting: 5).")
    Double requestTimeoutSeconds;

    @Option(names = "--json", scope = ScopeType.INHERIT, order = 106,
            description = "Machine-readable output on stdout (schemas in the README).")
    boolean json;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, order = 107,
            description = "No colour (also NO_COLOR; colour is only ever used on a terminal).")
    boolean noColor;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, order = 108,
            description = "HTTP trace on stderr (credentials masked), stack traces for unexpected errors.")
    boolean verbose;

    public boolean json() {
        return json;
    }

    public boolean verbose() {
        return verbose;
    }
}
