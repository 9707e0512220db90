package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

@Command(name = "ocs", mixinStandardHelpOptions = true, versionProvider = OcsCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Inspect, drive and debug sessions of an OpenCode server (opencode serve).",
        subcommands = {InspectCommand.class, SendCommand.class, AbortCommand.class, ApproveCommand.class,
                ServeCheckCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 ok   1 failure found or run failed   2 usage   3 server unreachable",
                "  4 credentials rejected   5 not found   6 server error or unreadable answer",
                "  7 timed out   8 waiting on a permission   130 interrupted"})
public final class OcsCommand implements Runnable {
    @Mixin
    GlobalOptions globals;

    private final Services services;

    OcsCommand(Services services) {
        this.services = services;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command");
    }

    /** The one way to build the command line, used by main and by the tests. */
    public static CommandLine commandLine(Services services) {
        CommandLine cl = new CommandLine(OcsCommand.class, new Factory(services));
        OcsCommand root = cl.getCommand();
        services.options(root.globals);
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
            return commandLine(services).execute(args);
        } finally {
            services.close();
        }
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
            return new String[] {"ocs " + property("version") + " (tested with opencode " + property("opencode.version")
                    + ", Java " + Runtime.version() + ")"};
        }
    }

    /** Constructor injection: every command gets the same Services. */
    private static final class Factory implements CommandLine.IFactory {
        private final Services services;

        Factory(Services services) {
            this.services = services;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Services.class).newInstance(services);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
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
                services.err().println("ocs: " + services.redact(o.getMessage()));
                if (services.verbose() && o.getCause() != null) {
                    printStackTrace(o.getCause());
                }
                if (o.exitCode() == ExitCode.USAGE) {
                    services.err().println(seeHelp(cl));
                }
                services.err().flush();
                return o.exitCode();
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
            cl.getErr().println("ocs: " + hidePasswordArgument(String.valueOf(ex.getMessage()), args));
            cl.getErr().println(seeHelp(cl));
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

        private static String seeHelp(CommandLine cl) {
            return "See '" + cl.getCommandSpec().qualifiedName() + " --help'.";
        }
    }
}
