package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.http.Json;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

public final class RenameCommand implements Callable<Integer> {
    private String sessionId;
    private String title;

    private final Services services;
    final CommandSpec spec;

    RenameCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "rename", false, "Set a session's title.", "Exit 0 renamed, 5 no such session.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        a.positional(String.class, v -> title = v, PositionalParamSpec.builder().index("1")
                .paramLabel("TITLE").description("The new title, sent as given."));
        spec = a.spec();
    }

    @Override
    public Integer call() {
        String sid = Ids.session(sessionId);
        if (title.isBlank()) {
            throw OcsException.usage("the title is empty; give the session a title with some text");
        }
        JsonNode info = new Sessions(services.api()).rename(sid, title);
        String now = Json.text(info, "title");
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("sessionID", sid);
            doc.put("title", now);
            Output.json(services.out(), doc);
        } else {
            services.out().println(sid + " is now titled: " + new dev.ocs.session.Style(services.colorOut())
                    .clean(now == null ? title : now));
        }
        return ExitCode.OK;
    }
}
