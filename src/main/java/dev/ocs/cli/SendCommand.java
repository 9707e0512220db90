package dev.ocs.cli;

import dev.ocs.OcsException;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "send", description = "Not yet implemented.")
public final class SendCommand implements Callable<Integer> {
    private final Services services;

    SendCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        throw OcsException.usage("'send' is not yet implemented");
    }
}
