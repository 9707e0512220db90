package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.api.Api;
import dev.ocs.events.EventFeed;
import dev.ocs.run.Follower;
import dev.ocs.run.Renderer;
import dev.ocs.run.StatusLine;
import dev.ocs.session.Budget;
import dev.ocs.session.Finding;
import dev.ocs.session.Permission;
import dev.ocs.session.Question;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.ReportView;
import dev.ocs.session.SessionList;
import dev.ocs.session.Sessions;
import dev.ocs.session.Status;
import dev.ocs.session.Style;
import dev.ocs.session.Waiting;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

public final class WaitCommand implements Callable<Integer> {
    private final List<String> ids = new ArrayList<>();
    private boolean any;
    private String timeout;
    private int maxRetries;
    private Double maxCost;
    private Long maxTokens;

    private final Services services;
    final CommandSpec spec;

    WaitCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "wait", false, "Wait until sessions are over: idle, waiting on a person, or failed "
                + "(all of them, or with --any the first). Prints one line per session: id, status, findings.",
                "Follows all of them over one event stream. Exit 1 any failed, else 8 any waits on a person, else 7 "
                        + "timed out, else 0; with --any, inspect's exit code for the first one over (7 on timeout); "
                        + "5 an id does not exist (checked before any waiting).");
        a.positionals(ids::addAll, PositionalParamSpec.builder().index("0..*")
                .paramLabel("SESSION_ID").description("The sessions (ses_…)."));
        a.flag(v -> any = v, OptionSpec.builder("--any").description("Stop at the first session that is over."));
        a.option(String.class, v -> timeout = v, OptionSpec.builder("--timeout").paramLabel("DURATION")
                .defaultValue("10m").description("Give up after this long (default ${DEFAULT-VALUE}); the sessions "
                        + "keep running."));
        a.option(Integer.class, v -> maxRetries = v, OptionSpec.builder("--max-retries").paramLabel("N")
                .defaultValue("3").description("A session whose retry attempt passes N has failed (default "
                        + "${DEFAULT-VALUE})."));
        WaitOptions.addBudget(a, v -> maxCost = v, v -> maxTokens = v);
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        LinkedHashSet<String> sids = new LinkedHashSet<>();
        for (String id : ids) {
            sids.add(Ids.session(id));
        }
        Duration limit = Durations.parse("--timeout", timeout);
        if (maxRetries < 0) {
            throw OcsException.usage("--max-retries must be 0 or more");
        }
        Budget budget = WaitOptions.budget(maxCost, maxTokens);
        List<String> roots = List.copyOf(sids);
        Api api = services.api();
        Sessions sessions = new Sessions(api);
        sessions.infos(roots, "nothing waited on");
        Follower.Outcome outcome;
        StatusLine line = new StatusLine(services.err(), services.errIsTty());
        try (EventFeed feed = new EventFeed(api).start()) {
            // Read after subscribing: nothing that happens from here on is missed.
            Map<String, Status> status = sessions.statuses(roots);
            Waiting waiting = sessions.waiting(null);
            Map<String, String> children = owners(sessions, roots, waiting);
            Map<String, Budget.Spend> spent = budget == null ? Map.of() : sessions.runSpend(roots, status);
            Follower follower = new Follower(api, new Follower.Options(limit, api.quietLimit(), maxRetries,
                    true, false, Follower.Policy.STOP, Follower.Policy.STOP, any, budget),
                    new Progress(line, roots.size(), any));
            outcome = Follow.onCtrlC(services, line::clear, "stopped waiting (the sessions are not touched)",
                    () -> follower.follow(feed, new Follower.Start(roots, children, status, waiting, spent)));
        }
        line.clear();
        return report(sessions, roots, outcome, budget, limit);
    }

    /**
     * The followed session each pending request belongs to, for requests of sessions not followed themselves:
     * children (of any depth), found by their parents.
     */
    private static Map<String, String> owners(Sessions sessions, List<String> roots, Waiting waiting) {
        Map<String, String> out = new HashMap<>();
        List<String> asking = new ArrayList<>();
        waiting.permissions().forEach(p -> asking.add(p.sessionID()));
        waiting.questions().forEach(q -> asking.add(q.sessionID()));
        for (String sid : asking) {
            String at = sid;
            for (int depth = 0; at != null && !roots.contains(at) && depth < 8; depth++) {
                try {
                    at = sessions.info(at).parentID();
                } catch (OcsException e) {
                    at = null;
                }
            }
            if (sid != null && at != null && roots.contains(at) && !roots.contains(sid)) {
                out.put(sid, at);
            }
        }
        return out;
    }

    /** Each session's line (or JSON entry), from its report read now; the exit code by the rules above. */
    private int report(Sessions sessions, List<String> roots, Follower.Outcome outcome, Budget budget,
                       Duration limit) {
        boolean timedOut = outcome.end() == Follower.End.TIMEOUT;
        List<Map<String, Object>> docs = new ArrayList<>();
        Style style = new Style(services.colorOut());
        Table table = new Table(style);
        boolean failed = false;
        boolean person = false;
        int firstCode = ExitCode.OK;
        List<Report> reports = Sessions.fourAtATime(roots, sid -> {
            try {
                return sessions.report(sid, 0, ReadOptions.DEFAULT, services.diagnosis(null).withBudget(budget),
                        ReportView.NONE);
            } catch (OcsException e) {
                if (e.exitCode() != ExitCode.NOT_FOUND) {
                    throw e;
                }
                return null; // deleted while it was waited on
            }
        });
        for (int i = 0; i < roots.size(); i++) {
            String sid = roots.get(i);
            Follower.End end = outcome.ends().get(sid);
            Report r = reports.get(i);
            int code = r == null ? ExitCode.NOT_FOUND : end == Follower.End.RETRYING && r.exitCode() == ExitCode.OK
                    ? ExitCode.FINDING : r.exitCode();
            String state = r == null ? "deleted" : state(r);
            boolean over = end != null;
            failed |= code == ExitCode.FINDING || code == ExitCode.NOT_FOUND;
            person |= code == ExitCode.PERMISSION;
            if (sid.equals(outcome.session())) {
                firstCode = code;
            }
            List<String> codes = new ArrayList<>();
            if (r != null) {
                r.findings().forEach(f -> codes.add(f.code()));
            }
            if (services.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("sessionID", sid);
                doc.put("title", r == null ? null : r.session().title());
                doc.put("status", state);
                doc.put("over", over);
                doc.put("overBudget", outcome.overBudget().contains(sid));
                doc.put("exitCode", code);
                List<Object> findings = new ArrayList<>();
                if (r != null) {
                    for (Finding f : r.findings()) {
                        Map<String, Object> fd = new LinkedHashMap<>();
                        fd.put("code", f.code());
                        fd.put("severity", f.severity().label());
                        fd.put("summary", f.summary());
                        fd.put("advice", f.advice());
                        findings.add(fd);
                    }
                }
                doc.put("findings", findings);
                doc.put("tokens", r == null ? 0 : r.tokens().total());
                doc.put("cost", r == null ? 0 : r.cost());
                doc.put("answer", r == null ? null : r.finalText());
                docs.add(doc);
            } else {
                table.row(1, colour(style, state, code), sid, state + (over || timedOut ? "" : " (not over)"),
                        codes.isEmpty() ? "-" : String.join(",", codes));
            }
        }
        if (services.json()) {
            Output.json(services.out(), docs);
        } else {
            table.print(services.out());
        }
        if (timedOut) {
            services.err().println("ocs: not all over after " + timeout + " (" + outcome.ends().size() + " of "
                    + roots.size() + "); the others keep running");
        }
        services.err().flush();
        if (any && !timedOut) {
            return firstCode;
        }
        return failed ? ExitCode.FINDING : person ? ExitCode.PERMISSION : timedOut ? ExitCode.TIMEOUT : ExitCode.OK;
    }

    /** What a session is doing, in {@code list}'s words. */
    private static String state(Report r) {
        if (!r.questions().isEmpty()) {
            return SessionList.State.QUESTION.label();
        }
        if (!r.permissions().isEmpty()) {
            return SessionList.State.PERMISSION.label();
        }
        return r.status().retry() ? SessionList.State.RETRY.label() : r.status().idle()
                ? SessionList.State.IDLE.label() : SessionList.State.BUSY.label();
    }

    private static java.util.function.UnaryOperator<String> colour(Style style, String state, int code) {
        if (code == ExitCode.FINDING || code == ExitCode.NOT_FOUND) {
            return style::red;
        }
        return state.equals("idle") ? style::green : style::yellow;
    }

    /** On stderr, as the sessions end: how many are over, and each that waits on a person, with its command. */
    private final class Progress implements Renderer {
        private final StatusLine line;
        private final int total;
        private final boolean any;
        private final java.util.Set<String> over = new java.util.HashSet<>();

        Progress(StatusLine line, int total, boolean any) {
            this.line = line;
            this.total = total;
            this.any = any;
        }

        @Override
        public void begin(List<String> sessions) {
            line.show("waiting on " + total + " session" + (total == 1 ? "" : "s") + (any ? " (the first)" : ""));
        }

        @Override
        public void status(String session, Status status) {
            if (status.idle() && over.add(session)) {
                line.show(over.size() + " of " + total + " idle");
            } else if (!status.idle()) {
                over.remove(session);
            }
        }

        @Override
        public void permission(Permission p) {
            line.note(p.sessionID() + " waits on permission " + p.id() + " (" + p.permission() + ": "
                    + p.patternText() + "); answer it: " + services.ocsCommand() + " approve " + p.sessionID()
                    + " " + p.id());
        }

        @Override
        public void question(Question q) {
            line.note(q.sessionID() + " waits on question " + q.id() + "; answer it: "
                    + dev.ocs.session.Diagnosis.answerCommand(services.ocsCommand(), q));
        }

        @Override
        public void note(String text) {
            line.note(text);
        }
    }
}
