package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.events.EventFeed;
import dev.ocs.run.Permissions;
import dev.ocs.run.Prompts;
import dev.ocs.session.Permission;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

public final class ApproveCommand implements Callable<Integer> {
    private String sessionId;
    private String requestId;
    private boolean always;
    private boolean reject;
    private String message;
    private boolean all;
    private final WaitOptions waitOptions = new WaitOptions();

    private final Services services;
    final CommandSpec spec;

    ApproveCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "approve", false,
                "Answer a session's pending permission request (once, unless --always or --reject).",
                "Exit 0 answered, 5 nothing pending, 2 several pending and no id or --all.",
                "With --wait, follow the run it resumes and print the answer, as send --wait does.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        a.positional(String.class, v -> requestId = v, PositionalParamSpec.builder().index("1").arity("0..1")
                .paramLabel("REQUEST_ID").description("The request (per_…); may be left out when only one is pending."));
        a.exclusive(
                Args.flagSpec(v -> always = v, OptionSpec.builder("--always")
                        .description("Allow it from now on (the request's 'always' patterns).")),
                Args.flagSpec(v -> reject = v, OptionSpec.builder("--reject").description("Refuse it.")));
        a.option(String.class, v -> message = v, OptionSpec.builder("--message").paramLabel("TEXT")
                .description("A note for the model with the answer."));
        a.flag(v -> all = v, OptionSpec.builder("--all").description("Answer every pending request of the session."));
        waitOptions.addTo(a);
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        String sid = Ids.session(sessionId);
        Duration limit = waitOptions.validate(services.json());
        if (requestId != null) {
            Ids.permission(requestId);
            if (all) {
                throw OcsException.usage("give a REQUEST_ID or --all, not both");
            }
        }
        String answer = always ? "always" : reject ? "reject" : "once";
        Sessions sessions = new Sessions(services.api());
        sessions.info(sid);
        List<Permission> pending = sessions.pendingOrNull(sid);
        List<Permission> chosen = new ArrayList<>();
        if (pending == null) {
            // 1.0 keeps no list: a named request is answered as it is; without one there is nothing to go on.
            if (requestId == null) {
                throw new OcsException(ExitCode.SERVER_ERROR, services.api().describe() + " keeps no list of pending "
                        + "permissions (GET /permission); name the request (" + services.ocsCommand() + " approve "
                        + sid + " per_…, as send --wait prints it) or answer as they come (send --wait --on-permission "
                        + "once)");
            }
            chosen.add(new Permission(requestId, sid, "request", List.of(), List.of(), null, null));
        } else if (requestId != null) {
            pending.stream().filter(p -> requestId.equals(p.id())).forEach(chosen::add);
            if (chosen.isEmpty()) {
                throw OcsException.notFound("permission " + requestId + " is not pending for " + sid
                        + (pending.isEmpty() ? "" : "; pending: " + ids(pending)));
            }
        } else if (pending.isEmpty()) {
            throw OcsException.notFound("no pending permission for " + sid);
        } else if (pending.size() > 1 && !all) {
            for (Permission p : pending) {
                services.err().println("  " + p.id() + "  " + p.permission() + ": " + p.patternText());
            }
            throw OcsException.usage(pending.size() + " requests are pending for " + sid
                    + ": name one (ocs approve " + sid + " per_…) or answer all with --all");
        } else {
            chosen.addAll(pending);
        }
        if (!waitOptions.waiting()) {
            List<Map<String, Object>> answered = answer(chosen, sid, answer, services.json() ? null : services.out());
            if (services.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("sessionID", sid);
                doc.put("answered", answered);
                Output.json(services.out(), doc);
            }
            return ExitCode.OK;
        }
        // Follow the run the answer resumes: the report covers the turn from its user message on.
        String before = new Prompts(services.api()).turnStart(sid);
        try (EventFeed feed = new EventFeed(services.api()).start()) {
            answer(chosen, sid, answer, services.err());
            return new Follow(services, waitOptions, limit).run(feed, sid, before);
        }
    }

    private List<Map<String, Object>> answer(List<Permission> chosen, String sid, String answer, PrintWriter say) {
        Permissions permissions = new Permissions(services.api());
        List<Map<String, Object>> answered = new ArrayList<>();
        for (Permission p : chosen) {
            permissions.reply(p, sid, answer, message);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", p.id());
            row.put("permission", p.permission());
            row.put("patterns", p.patterns());
            row.put("reply", answer);
            answered.add(row);
            if (say != null) {
                say.println(answer + " " + p.id() + " " + p.permission() + ": " + p.patternText());
            }
        }
        return answered;
    }

    private static String ids(List<Permission> ps) {
        List<String> ids = new ArrayList<>();
        ps.forEach(p -> ids.add(p.id()));
        return String.join(", ", ids);
    }
}
