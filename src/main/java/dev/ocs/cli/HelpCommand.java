package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ocs help [COMMAND]}: the same text as {@code --help}. */
@Command(name = "help", description = "Show the help of ocs or of one command.")
public final class HelpCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "The command to explain.")
    String command;

    @Spec
    CommandSpec spec;

    private final Services services;

    HelpCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        CommandLine target = command == null ? root : root.getSubcommands().get(command);
        if (target == null) {
            throw OcsException.usage("no command '" + command + "'; the commands: "
                    + String.join(", ", root.getSubcommands().keySet()));
        }
        target.usage(services.out(), root.getColorScheme());
        return ExitCode.OK;
    }
}
