package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.events.EventFeed;
import dev.ocs.run.StatusLine;
import dev.ocs.run.Waiter;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.ReportView;
import dev.ocs.session.Sessions;

import java.time.Duration;

/**
 * Follows one run to its end over an event feed opened before the run was started (or resumed), then reports
 * it from the server's messages: the answer on stdout (or the inspect report with --json), findings on stderr,
 * and inspect's exit code, or 7 on timeout, 8 when a permission stopped the wait, 1 when the retries ran out.
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
        StatusLine line = new StatusLine(services.err(), services.errIsTty());
        Waiter waiter = new Waiter(services.api(), new Waiter.Options(limit, options.maxRetries, options.onPermission,
                options.stream, options.thinking, Duration.ofSeconds(30)), services.out(), line);
        Thread hook = new Thread(() -> {
            services.out().flush();
            services.err().println();
            services.err().println("ocs: stopped waiting; " + sid + " is still running. Stop it with: "
                    + services.ocsCommand() + " abort " + sid);
            services.err().flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        Waiter.Outcome outcome;
        try {
            outcome = waiter.await(feed, sid);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
        return finish(new Sessions(services.api()), sid, before, outcome, waiter.streamedText());
    }

    private int finish(Sessions sessions, String sid, String before, Waiter.Outcome outcome, boolean streamed) {
        ReadOptions opt = new ReadOptions(options.full || !services.json(), options.thinking);
        Report report = sessions.report(sid, 0, before, opt,
                services.diagnosis(null).withStreamErrors(outcome.sessionErrors()),
                services.json() ? Reports.view(services, opt) : ReportView.NONE);
        if (!services.json() && !streamed) {
            String answer = report.finalText();
            if (answer != null) {
                services.out().println(answer);
            }
        }
        services.out().flush();
        if (outcome.end() == Waiter.End.TIMEOUT) {
            services.err().println("ocs: no end after " + options.timeout + "; " + sid + " is still running. Stop it with: "
                    + services.ocsCommand() + " abort " + sid);
            return ExitCode.TIMEOUT;
        }
        if (!services.json()) {
            Reports.summarise(services, report, sid);
        }
        int code = report.exitCode();
        if (code == ExitCode.OK && outcome.end() == Waiter.End.PERMISSION) {
            // An event without an id (a misbehaving server) still stops the wait; approve then finds the request.
            String id = outcome.permission().id() == null ? "" : " " + outcome.permission().id();
            String what = outcome.permission().permission() == null ? "?" : outcome.permission().permission();
            services.err().println("ocs: waiting on permission" + id + " (" + what + ": "
                    + outcome.permission().patternText() + "); answer it: " + services.ocsCommand() + " approve " + sid
                    + id);
            return ExitCode.PERMISSION;
        }
        if (code == ExitCode.OK && outcome.end() == Waiter.End.RETRYING) {
            return ExitCode.FINDING;
        }
        return code;
    }
}
