package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.session.Diagnosis;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.concurrent.Callable;

public final class InspectCommand implements Callable<Integer> {
    private String sessionId;
    private Integer last;
    private boolean full;
    private boolean thinking;
    private String expectModel;
    private boolean brief;

    private final Services services;
    final CommandSpec spec;

    InspectCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "inspect", false,
                "Show what happened in a session and say why an answer is missing or broken.",
                "Exit 0 nothing wrong, 1 a failure pattern found, 8 only waiting on a person (a permission or a question).");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        a.option(Integer.class, v -> last = v, OptionSpec.builder("--last").paramLabel("N")
                .description("Only the newest N messages."));
        a.flag(v -> full = v, OptionSpec.builder("--full").description("Texts and tool outputs whole, not trimmed."));
        a.flag(v -> thinking = v, OptionSpec.builder("--thinking")
                .description("Show reasoning text (else only its size)."));
        a.flag(v -> brief = v, OptionSpec.builder("--brief").description("Only the header, totals, findings, "
                + "pending requests and the newest answer (its first " + dev.ocs.session.Brief.ANSWER
                + " characters): bounded in size for any session, for an agent's context. With --last N, the newest "
                + "N messages too."));
        a.option(String.class, v -> expectModel = v, OptionSpec.builder("--expect-model").paramLabel("PROVIDER/MODEL")
                .description("Flag any answer that did not come from this model."));
        spec = a.spec();
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
        return new Sessions(services.api())
                .report(sid, last == null ? 0 : last, opt, services.diagnosis(expectModel),
                        Reports.view(services, opt, brief, !brief || last != null))
                .exitCode();
    }
}
