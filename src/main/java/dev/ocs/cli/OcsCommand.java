package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** The root command: the global options, the subcommands, and how errors become one line and an exit code. */
public final class OcsCommand implements Runnable {
    /** The subcommands, in the order help lists them. Only the one a call names is built (see commandLine). */
    static final List<String> COMMANDS = List.of("inspect", "send", "wait", "abort", "approve", "answer", "list",
            "watch", "export", "diff", "todo", "fork", "rename", "delete", "models", "serve-check", "doctor",
            "config", "mcp", "completion", "help");

    /** A subcommand's model: each command declares its own options ({@link Args}). */
    private static CommandSpec command(String name, Services services) {
        switch (name) {
            case "inspect": return new InspectCommand(services).spec;
            case "send": return new SendCommand(services).spec;
            case "wait": return new WaitCommand(services).spec;
            case "abort": return new AbortCommand(services).spec;
            case "approve": return new ApproveCommand(services).spec;
            case "answer": return new AnswerCommand(services).spec;
            case "serve-check": return new ServeCheckCommand(services).spec;
            case "list": return new ListCommand(services).spec;
            case "watch": return new WatchCommand(services).spec;
            case "export": return new ExportCommand(services).spec;
            case "diff": return new DiffCommand(services).spec;
            case "todo": return new TodoCommand(services).spec;
            case "fork": return new ForkCommand(services).spec;
            case "rename": return new RenameCommand(services).spec;
            case "delete": return new DeleteCommand(services).spec;
            case "models": return new ModelsCommand(services).spec;
            case "doctor": return new DoctorCommand(services).spec;
            case "config": return new ConfigCommand(services).spec;
            case "mcp": return new McpCommand(services).spec;
            case "completion": return new CompletionCommand(services).spec;
            case "help": return new HelpCommand(services).spec;
            default: throw new IllegalArgumentException(name);
        }
    }

    /** Commands that need the whole tree to do their job. */
    private static final Set<String> NEED_ALL = Set.of("help", "completion");

    /**
     * picocli's start-up work that ocs does not need, turned off by its own system properties: it registers
     * converters for java.sql and java.time types by reflection (loading and initialising some hundred classes;
     * no ocs option has such a type), and it looks for Groovy's Closure class: a class lookup through the jar
     * that fails with an exception on every start.
     */
    private static final Map<String, String> PICOCLI_OFF = Map.of(
            "picocli.converters.excludes", "java\\.(sql|time)\\..*",
            "picocli.disable.closures", "true");

    /** Global options that take a value: their value is never a command name. */
    private static final Set<String> GLOBAL_WITH_VALUE = Set.of("--url", "--server", "-u", "--username", "--password-file",
            "-p", "--password", "--dir", "--request-timeout");

    private final CommandSpec spec;

    private OcsCommand(GlobalOptions globals) {
        Args a = new Args(this, "ocs", false,
                "Inspect, drive and debug sessions of an OpenCode server (opencode serve).");
        spec = a.spec();
        spec.versionProvider(new Version());
        spec.usageMessage().autoWidth(true).footerHeading("%nExit codes:%n").footer(
                "  0 ok   1 failure found or run failed   2 usage   3 server unreachable",
                "  4 credentials rejected   5 not found   6 server error or unreadable answer",
                "  7 timed out   8 waiting on a person (a permission or a question)", "  130 interrupted");
        globals.addTo(spec);
        a.flag(v -> { }, OptionSpec.builder("-V", "--version").versionHelp(true).order(2)
                .description("Print the version and exit."));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /**
     * The one way to build the command line, used by main and by the tests. Only the command that {@code args}
     * names is added; with none (or for help) all of them are, so usage and errors list them all.
     */
    public static CommandLine commandLine(Services services, String... args) {
        PICOCLI_OFF.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        GlobalOptions globals = new GlobalOptions();
        CommandLine cl = new CommandLine(new OcsCommand(globals).spec);
        String named = named(args);
        for (String c : COMMANDS) {
            if (named == null || NEED_ALL.contains(named) || named.equals(c)) {
                cl.addSubcommand(c, new CommandLine(command(c, services)));
            }
        }
        services.options(globals);
        cl.setOut(services.out());
        cl.setErr(services.err());
        cl.setExecutionExceptionHandler(new ErrorHandler(services));
        cl.setParameterExceptionHandler(ErrorHandler::usage);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                services.colorOut() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        return cl;
    }

    public static int run(Services services, String... args) {
        try {
            int code = commandLine(services, args).execute(args);
            services.out().flush();
            return services.stdoutFailure() == null ? code : stdoutFailed(services, code);
        } finally {
            services.close();
        }
    }

    /**
     * stdout could not be written. A reader that stopped reading ({@code ocs inspect … | head}) is no failure of
     * the run: its exit code stands and nothing is said. Any other write error (a full disk) means the data was
     * lost: one line, exit 1.
     */
    private static int stdoutFailed(Services services, int code) {
        String why = String.valueOf(services.stdoutFailure().getMessage());
        if (why.contains("Broken pipe")) {
            return code;
        }
        services.err().println("ocs: cannot write the output to stdout (" + why + ")");
        return ExitCode.FINDING;
    }

    /** The command a call names: the first argument that is a command name and not an option's value. */
    static String named(String[] args) {
        int i = commandIndex(args);
        return i < 0 ? null : args[i];
    }

    /** Where {@link #named} found the command in {@code args}, or -1. */
    static int commandIndex(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return -1;
            }
            if (COMMANDS.contains(a)) {
                return i;
            }
            if (GLOBAL_WITH_VALUE.contains(a)) {
                i++;
            }
        }
        return -1;
    }

    static String property(String key) {
        Properties p = new Properties();
        try (InputStream in = OcsCommand.class.getResourceAsStream("/dev/ocs/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty(key, "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String commit = property("commit");
            if (commit.startsWith("${")) {
                commit = "unknown"; // built outside a git clone
            } else if ("true".equals(property("dirty"))) {
                commit += " with changes";
            }
            return new String[] {"ocs " + property("version") + " (commit " + commit + ", tested with opencode "
                    + property("opencode.version") + ", Java " + Runtime.version() + ")"};
        }
    }

    /** Expected failures are one line and an exit code; anything else is a bug and says so. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        private final Services services;

        ErrorHandler(Services services) {
            this.services = services;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
            services.out().flush();
            if (ex instanceof OcsException o) {
                services.err().println("ocs: " + services.redact(o.getMessage())
                        + (o.exitCode() == ExitCode.USAGE ? seeHelp(cl) : ""));
                if (services.verbose() && o.getCause() != null) {
                    printStackTrace(o.getCause());
                }
                services.err().flush();
                return o.exitCode();
            }
            if (ex instanceof InterruptedException) {
                // the command's thread was interrupted: ocs mcp's cancellation (Ctrl-C ends the process instead)
                services.err().println("ocs: interrupted");
                services.err().flush();
                return ExitCode.INTERRUPTED;
            }
            services.err().println("ocs: unexpected error: " + services.redact(String.valueOf(ex))
                    + (services.verbose() ? "" : " (run with -v for details; please report it)"));
            if (services.verbose()) {
                printStackTrace(ex);
            }
            services.err().flush();
            return ExitCode.SERVER_ERROR;
        }

        /** Exception messages can quote a server's answer (and so an echoed Authorization header). */
        private void printStackTrace(Throwable t) {
            java.io.StringWriter trace = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(trace));
            services.err().print(services.redact(trace.toString()));
        }

        static int usage(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            cl.getErr().println("ocs: " + hidePasswordArgument(UsageText.of(ex), args) + seeHelp(cl));
            cl.getErr().flush();
            return ExitCode.USAGE;
        }

        private static final java.util.regex.Pattern SHORT_P = java.util.regex.Pattern.compile("-[vhV]*p(.*)",
                java.util.regex.Pattern.DOTALL);

        /**
         * picocli quotes arguments in its messages ("Expected parameter for option '--password' but found
         * '-secret'"): the value given to -p/--password is replaced by **** wherever it appears.
         */
        static String hidePasswordArgument(String message, String[] args) {
            String out = message;
            for (int i = 0; args != null && i < args.length; i++) {
                String a = args[i];
                String value = null;
                java.util.regex.Matcher cluster = SHORT_P.matcher(a);
                if (a.equals("--password") && i + 1 < args.length) {
                    value = args[i + 1];
                } else if (a.startsWith("--password=")) {
                    value = a.substring("--password=".length());
                } else if (cluster.matches()) {
                    // -p VALUE, -pVALUE, and -p after boolean short options: -vp VALUE, -vpVALUE
                    value = !cluster.group(1).isEmpty() ? cluster.group(1) : i + 1 < args.length ? args[i + 1] : null;
                }
                if (value != null && !value.isEmpty()) {
                    out = out.replace(value, "****");
                }
            }
            return out;
        }

        /** Where the whole usage is, added to the one line of a usage error. */
        private static String seeHelp(CommandLine cl) {
            return " (see '" + cl.getCommandSpec().qualifiedName() + " --help')";
        }
    }
}
