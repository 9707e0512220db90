package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.concurrent.Callable;

/** {@code ocs help [COMMAND]}: the same text as {@code --help}. */
public final class HelpCommand implements Callable<Integer> {
    private String command;

    private final Services services;
    final CommandSpec spec;

    HelpCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "help", true, "Show the help of ocs or of one command.");
        a.positional(String.class, v -> command = v, PositionalParamSpec.builder().arity("0..1").paramLabel("COMMAND")
                .description("The command to explain."));
        spec = a.spec();
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
