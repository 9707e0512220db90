package dev.ocs.cli;

import dev.ocs.OcsException;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "approve", description = "Not yet implemented.")
public final class ApproveCommand implements Callable<Integer> {
    private final Services services;

    ApproveCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        throw OcsException.usage("'approve' is not yet implemented");
    }
}
