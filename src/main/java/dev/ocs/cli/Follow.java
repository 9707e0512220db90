package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.events.EventFeed;
import dev.ocs.run.AnswerRenderer;
import dev.ocs.run.Follower;
import dev.ocs.run.StatusLine;
import dev.ocs.session.Diagnosis;
import dev.ocs.session.Permission;
import dev.ocs.session.Question;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.ReportView;
import dev.ocs.session.Sessions;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Follows one run to its end over an event feed opened before the run was started (or resumed), then reports
 * it from the server's messages: the answer on stdout (or the inspect report with --json), findings on stderr,
 * and inspect's exit code, or 7 on timeout, 8 when a permission or a question stopped the wait, 1 when the
 * retries ran out.
 */
final class Follow {
    private final Services services;
    private final WaitOptions options;
    private final Duration limit;

    Follow(Services services, WaitOptions options, Duration limit) {
        this.services = services;
        this.options = options;
        this.limit = limit;
    }

    /** @param before the newest message id before this run, or null: the report covers the newer ones */
    int run(EventFeed feed, String sid, String before) throws InterruptedException {
        AnswerRenderer view = new AnswerRenderer(services.out(), new StatusLine(services.err(), services.errIsTty()),
                options.stream, options.thinking);
        Follower follower = new Follower(services.api(), new Follower.Options(limit, services.api().quietLimit(),
                options.maxRetries, true, true, options.permissionPolicy(), options.questionPolicy(), false,
                options.budget()), view);
        Follower.Outcome outcome = onCtrlC(services, services.err()::println, "stopped waiting; " + sid
                + " is still running. Stop it with: " + services.ocsCommand() + " abort " + sid,
                () -> follower.follow(feed, Follower.Start.started(sid)));
        return finish(new Sessions(services.api()), sid, before, outcome, view.streamedText());
    }

    private int finish(Sessions sessions, String sid, String before, Follower.Outcome outcome, boolean streamed) {
        ReadOptions opt = new ReadOptions(options.full || !services.json(), options.thinking);
        Report report = sessions.report(sid, 0, before, opt,
                services.diagnosis(null).withStreamErrors(outcome.sessionErrors()).withBudget(options.budget()),
                services.json() ? Reports.view(services, opt, options.brief, !options.brief) : ReportView.NONE);
        if (!services.json() && !streamed) {
            String answer = report.finalText();
            if (answer != null) {
                services.out().println(answer);
            }
        }
        services.out().flush();
        if (outcome.end() == Follower.End.TIMEOUT) {
            services.err().println("ocs: no end after " + options.timeout + "; " + sid + " is still running. Stop it with: "
                    + services.ocsCommand() + " abort " + sid);
            return ExitCode.TIMEOUT;
        }
        boolean said = false;
        if (!services.json()) {
            Reports.summarise(services, report, sid);
        } else if (outcome.end() == Follower.End.WAITING) {
            // stdout holds the report (its finding has the command too); stderr says it in one line all the same
            waitingOn(services.err(), services.ocsCommand(), outcome);
            said = true;
        }
        int code = report.exitCode();
        if (code == ExitCode.OK && outcome.end() == Follower.End.WAITING) {
            // Stopped on a request the report does not list (1.0 keeps no list, or it was answered meanwhile).
            if (!said) {
                waitingOn(services.err(), services.ocsCommand(), outcome);
            }
            return ExitCode.PERMISSION;
        }
        if (code == ExitCode.OK && outcome.end() == Follower.End.RETRYING) {
            return ExitCode.FINDING;
        }
        return code;
    }

    /** Following, which Ctrl-C may end. */
    interface Following<T> {
        T run() throws InterruptedException;
    }

    /**
     * Runs {@code body}; when Ctrl-C ends the process meanwhile (the JVM shutting down), stdout is flushed,
     * {@code before} runs (a blank line, or clearing the status line) and {@code said} goes to stderr.
     */
    static <T> T onCtrlC(Services services, Runnable before, String said, Following<T> body)
            throws InterruptedException {
        Thread hook = new Thread(() -> {
            services.out().flush();
            before.run();
            services.err().println("ocs: " + said);
            services.err().flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }

    /** The line that says what a stopped run waits on and the command that answers it. */
    static void waitingOn(PrintWriter err, String ocs, Follower.Outcome outcome) {
        Permission p = outcome.permission();
        Question q = outcome.question();
        if (q != null) {
            err.println("ocs: waiting on question " + q.id() + " (" + q.summary() + "); answer it: "
                    + Diagnosis.answerCommand(ocs, q));
        } else if (p != null) {
            // An event without an id (a misbehaving server) still stops the wait; approve then finds the request.
            String id = p.id() == null ? "" : " " + p.id();
            String what = p.permission() == null ? "?" : p.permission();
            // the session that asked: a child's request is answered as the child's (the outcome names the parent)
            String owner = p.sessionID() != null ? p.sessionID() : outcome.session();
            err.println("ocs: waiting on permission" + id + " (" + what + ": " + p.patternText() + "); answer it: "
                    + ocs + " approve " + owner + id);
        }
        err.flush();
    }
}
