package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.http.Json;
import dev.ocs.session.Sessions;
import dev.ocs.session.Style;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

public final class TodoCommand implements Callable<Integer> {
    private String sessionId;

    private final Services services;
    final CommandSpec spec;

    TodoCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "todo", false, "The agent's todo list for a session: each item's status, priority "
                + "and text, in the agent's order.", "Exit 0 (an empty list too), 5 no such session.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        spec = a.spec();
    }

    @Override
    public Integer call() {
        String sid = Ids.session(sessionId);
        Sessions sessions = new Sessions(services.api());
        // The todo route answers [] for a session that does not exist: ask first.
        sessions.info(sid);
        List<Map<String, Object>> todos = new ArrayList<>();
        for (JsonNode t : services.api().todo(sid)) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("content", Json.text(t, "content"));
            item.put("status", Json.text(t, "status"));
            item.put("priority", Json.text(t, "priority"));
            item.put("id", Json.text(t, "id")); // older servers number the items; null from newer ones
            todos.add(item);
        }
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("sessionID", sid);
            doc.put("todos", todos);
            Output.json(services.out(), doc);
            return ExitCode.OK;
        }
        if (todos.isEmpty()) {
            services.err().println("ocs: " + sid + " has no todo list (the agent has not written one)");
            return ExitCode.OK;
        }
        Style style = new Style(services.colorOut());
        Table table = new Table(style);
        long done = 0;
        for (Map<String, Object> t : todos) {
            String status = String.valueOf(t.get("status"));
            done += status.equals("completed") ? 1 : 0;
            table.row(0, colour(style, status), status, String.valueOf(t.get("priority")),
                    String.valueOf(t.get("content")));
        }
        table.print(services.out());
        services.err().println("ocs: " + done + " of " + todos.size() + " done");
        return ExitCode.OK;
    }

    private static UnaryOperator<String> colour(Style style, String status) {
        return switch (status) {
            case "completed" -> style::green;
            case "in_progress" -> style::yellow;
            case "cancelled" -> style::dim;
            default -> s -> s;
        };
    }
}
