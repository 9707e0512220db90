package dev.ocs.cli;

import dev.ocs.OcsException;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "abort", description = "Not yet implemented.")
public final class AbortCommand implements Callable<Integer> {
    private final Services services;

    AbortCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        throw OcsException.usage("'abort' is not yet implemented");
    }
}
