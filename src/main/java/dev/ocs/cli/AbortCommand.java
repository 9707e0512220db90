package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.session.Message;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Sessions;
import dev.ocs.session.Status;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

public final class AbortCommand implements Callable<Integer> {
    private String sessionId;

    private final Services services;
    final CommandSpec spec;

    AbortCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "abort", true, "Stop a session's run and confirm it went idle.",
                "Exit 0 stopped (or nothing was running), 5 no such session, 7 still busy after 10 s.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        String sid = Ids.session(sessionId);
        Api client = services.api();
        Sessions sessions = new Sessions(client);
        // The server answers true even for ids it does not know: ask first.
        sessions.info(sid);
        Status before = sessions.status(sid);
        client.abort(sid);
        long deadline = System.nanoTime() + 10_000_000_000L;
        Status after = sessions.status(sid);
        while (!after.idle() && System.nanoTime() < deadline) {
            Thread.sleep(150);
            after = sessions.status(sid);
        }
        List<Message> last = sessions.messages(sid, 1, ReadOptions.DEFAULT);
        Message m = last.isEmpty() ? null : last.get(last.size() - 1);
        String stopped = m == null || !m.isAssistant() ? null : describe(m);
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("sessionID", sid);
            doc.put("before", before.type());
            doc.put("after", after.type());
            doc.put("wasRunning", !before.idle());
            doc.put("messageID", m == null ? null : m.id);
            doc.put("error", m == null || m.error == null ? null : m.error.name());
            Output.json(services.out(), doc);
        } else if (before.idle()) {
            services.out().println(sid + " was not running (idle): nothing to stop");
        } else {
            services.out().println("aborted " + sid + " (was " + before.type() + ", now " + after.type() + ")"
                    + (stopped == null ? "" : ": " + stopped));
        }
        if (!after.idle()) {
            throw new OcsException(ExitCode.TIMEOUT, sid + " is still " + after.type() + " 10 s after the abort");
        }
        return ExitCode.OK;
    }

    private static String describe(Message m) {
        long texts = m.parts.stream().filter(p -> p.type.equals("text") && !p.blank).count();
        long tools = m.parts.stream().filter(p -> p.type.equals("tool")).count();
        return m.id + " from " + (m.model() == null ? "?" : m.model()) + " with " + texts + " text part"
                + (texts == 1 ? "" : "s") + " and " + tools + " tool call" + (tools == 1 ? "" : "s") + " so far"
                + (m.error == null ? "" : ", ended with " + m.error.name());
    }
}
