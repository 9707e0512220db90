package dev.ocs.cli;

import dev.ocs.api.Api;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.events.EventFeed;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import dev.ocs.run.Follower;
import dev.ocs.run.TailRenderer;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.ReportView;
import dev.ocs.session.SessionInfo;
import dev.ocs.session.Sessions;
import dev.ocs.session.Status;
import dev.ocs.session.Waiting;
import dev.ocs.session.Style;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

public final class WatchCommand implements Callable<Integer> {
    private String sessionId;
    private boolean untilIdle;
    private boolean keepWaiting;
    private boolean thinking;
    private String timeout;

    private final Services services;
    final CommandSpec spec;

    WatchCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "watch", false, "Follow a session live: its text as it is written, tool calls, "
                + "permission requests, retries, errors and status changes (of its child sessions too).",
                "Runs until Ctrl-C (exit 130); with --until-idle it ends when the session is idle and exits as "
                        + "inspect does, or with exit 8 as soon as the run waits on a permission or a question.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        a.flag(v -> untilIdle = v, OptionSpec.builder("--until-idle").description("End when the session is idle "
                + "(at once if it is already), then diagnose it: exit 0 nothing wrong, 1 a failure found; or end "
                + "with exit 8 when the run waits on a permission or a question, printing the command that "
                + "answers it."));
        a.flag(v -> keepWaiting = v, OptionSpec.builder("--keep-waiting").description("With --until-idle: go on "
                + "through permissions and questions (someone else answers them) until the session is idle."));
        a.flag(v -> thinking = v, OptionSpec.builder("--thinking").description("Show reasoning text too."));
        a.option(String.class, v -> timeout = v, OptionSpec.builder("--timeout").paramLabel("DURATION")
                .description("Stop watching after this long (exit 7); the session is not touched."));
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        String sid = Ids.session(sessionId);
        Duration limit = timeout == null ? null : Durations.parse("--timeout", timeout);
        if (keepWaiting && !untilIdle) {
            throw OcsException.usage("--keep-waiting goes with --until-idle (without it, watch never stops on a "
                    + "person)");
        }
        Api client = services.api();
        Sessions sessions = new Sessions(client);
        SessionInfo info = sessions.info(sid);
        List<String> children = children(client, sid);
        Follower.Outcome outcome;
        try (EventFeed feed = new EventFeed(client).start()) {
            // Read after subscribing: nothing that happens from here on is missed.
            Status status = sessions.status(sid);
            Waiting waiting = sessions.waiting(null);
            services.err().println("ocs: watching " + sid + (info.title() == null ? "" : " \""
                    + OpencodeClient.oneLine(info.title(), 60) + "\"") + " on " + services.connection().displayUrl()
                    + (untilIdle ? " until it is idle" : "; Ctrl-C to stop"));
            services.err().flush();
            Follower.Policy onPerson = untilIdle && !keepWaiting ? Follower.Policy.STOP : Follower.Policy.SHOW;
            Follower follower = new Follower(client, new Follower.Options(limit, client.quietLimit(), null,
                    untilIdle, false, onPerson, onPerson), new TailRenderer(services.json(), thinking, services.out(),
                    services.err(), new Style(services.colorOut()), services.ocsCommand()));
            Map<String, String> family = new java.util.HashMap<>();
            children.forEach(c -> family.put(c, sid));
            outcome = Follow.onCtrlC(services, services.err()::println, "stopped watching " + sid
                    + " (the session is not touched)", () -> follower.follow(feed, new Follower.Start(List.of(sid),
                    family, Map.of(sid, status), waiting)));
        }
        services.out().flush();
        return switch (outcome.end()) {
            case DELETED -> throw OcsException.notFound(sid + " was deleted while it was watched");
            case TIMEOUT -> {
                services.err().println("ocs: stopped watching " + sid + " after " + timeout);
                yield ExitCode.TIMEOUT;
            }
            case WAITING -> {
                Follow.waitingOn(services.err(), services.ocsCommand(), outcome);
                yield ExitCode.PERMISSION;
            }
            case IDLE, RETRYING -> diagnose(sessions, sid, outcome.sessionErrors());
        };
    }

    private static List<String> children(Api client, String sid) {
        List<String> ids = new ArrayList<>();
        try {
            JsonNode all = client.children(sid);
            if (all != null && all.isArray()) {
                for (JsonNode c : all) {
                    String id = Json.text(c, "id");
                    if (id != null) {
                        ids.add(id);
                    }
                }
            }
        } catch (OcsException e) {
            if (e.exitCode() != ExitCode.NOT_FOUND && e.exitCode() != ExitCode.SERVER_ERROR) {
                throw e;
            }
            // an older server without the route: children are still learned from the events
        }
        return ids;
    }

    /** The session is idle: diagnose it as inspect does; findings on stderr, inspect's exit code. */
    private int diagnose(Sessions sessions, String sid, List<String> streamErrors) {
        Report report = sessions.report(sid, 0, new ReadOptions(false, thinking),
                services.diagnosis(null).withStreamErrors(streamErrors), ReportView.NONE);
        Reports.summarise(services, report, sid);
        return report.exitCode();
    }
}
