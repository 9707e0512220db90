package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.http.Json;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

public final class ForkCommand implements Callable<Integer> {
    private String sessionId;
    private String at;

    private final Services services;
    final CommandSpec spec;

    ForkCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "fork", false, "Copy a session into a new one and print the new session's id.",
                "With --at, the copy holds only the messages before that one: send the new session another prompt "
                        + "to try a different way from there.",
                "Exit 0 forked, 5 no such session or message.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        a.option(String.class, v -> at = v, OptionSpec.builder("--at").paramLabel("MESSAGE_ID")
                .description("Fork before this message (msg_…, as inspect shows): it and all after it are left out."));
        spec = a.spec();
    }

    @Override
    public Integer call() {
        String sid = Ids.session(sessionId);
        if (at != null) {
            Ids.message(at);
        }
        Sessions sessions = new Sessions(services.api());
        sessions.info(sid);
        if (at != null) {
            // The server forks the whole session when it does not know the message: make sure it is this one's.
            boolean[] found = {false};
            sessions.messages(sid, 0, ReadOptions.DEFAULT, m -> found[0] |= at.equals(m.id));
            if (!found[0]) {
                throw new OcsException(ExitCode.NOT_FOUND, "no message " + at + " in " + sid + " (see '"
                        + services.ocsCommand() + " inspect " + sid + "' for its messages)");
            }
        }
        JsonNode fork = services.api().fork(sid, at);
        String id = Json.text(fork, "id");
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("sessionID", id);
            doc.put("from", sid);
            doc.put("at", at);
            doc.put("title", Json.text(fork, "title"));
            Output.json(services.out(), doc);
        } else {
            services.out().println(id);
        }
        return ExitCode.OK;
    }
}
