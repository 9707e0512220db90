package dev.ocs.cli;

import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.session.Diagnosis;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "inspect", sortOptions = false,
        description = {"Show what happened in a session and say why an answer is missing or broken.",
                "Exit 0 nothing wrong, 1 a failure pattern found, 8 only waiting on a permission."})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SESSION_ID", description = "The session (ses_…).")
    String sessionId;

    @Option(names = "--last", paramLabel = "N", description = "Only the newest N messages.")
    Integer last;

    @Option(names = "--full", description = "Texts and tool outputs whole, not trimmed.")
    boolean full;

    @Option(names = "--thinking", description = "Show reasoning text (else only its size).")
    boolean thinking;

    @Option(names = "--expect-model", paramLabel = "PROVIDER/MODEL",
            description = "Flag any answer that did not come from this model.")
    String expectModel;

    private final Services services;

    InspectCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        String sid = Ids.session(sessionId);
        if (last != null && last < 1) {
            throw OcsException.usage("--last must be 1 or more");
        }
        if (expectModel != null && !expectModel.matches("[^/\\s]+/\\S+")) {
            throw OcsException.usage("--expect-model must be PROVIDER/MODEL, e.g. anthropic/claude-sonnet-4");
        }
        ReadOptions opt = new ReadOptions(full, thinking);
        return new Sessions(services.client())
                .report(sid, last == null ? 0 : last, opt, services.diagnosis(expectModel), Reports.view(services, opt))
                .exitCode();
    }
}
