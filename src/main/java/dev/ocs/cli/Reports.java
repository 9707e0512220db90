package dev.ocs.cli;

import dev.ocs.session.Diagnosis;
import dev.ocs.session.Finding;
import dev.ocs.session.HumanReport;
import dev.ocs.session.JsonReport;
import dev.ocs.session.Message;
import dev.ocs.session.Waiting;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.ReportView;
import dev.ocs.session.SessionInfo;
import dev.ocs.session.Status;
import dev.ocs.session.Style;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** How session reports reach the user: the report on stdout, and the summary of findings on stderr. */
final class Reports {
    private Reports() {}

    /**
     * How a report is shown on stdout, as the global options ask: JSON, or the human report. It is held back
     * until it is whole ({@link HeldOutput}), so a read that fails halfway prints nothing.
     */
    static ReportView view(Services services, ReadOptions opt) {
        return view(services, opt, false, true);
    }

    /**
     * @param brief    {@code inspect --brief}: bounded in size
     * @param messages show the messages (brief shows them only with --last)
     */
    static ReportView view(Services services, ReadOptions opt, boolean brief, boolean messages) {
        services.out().flush();
        HeldOutput held = new HeldOutput(services.stdout());
        PrintWriter out = new PrintWriter(new OutputStreamWriter(held, StandardCharsets.UTF_8));
        ReportView view;
        try {
            // JSON goes to the bytes itself (and is flushed at its end, before the newline below).
            view = services.json() ? new JsonReport(Output.generator(held), brief)
                    : new HumanReport(out, new Style(services.colorOut()), opt, brief);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ReportView() {
            @Override
            public void head(String url, SessionInfo session, Status status, Waiting waiting) {
                view.head(url, session, status, waiting);
            }

            @Override
            public void message(Message m) {
                if (messages) {
                    view.message(m);
                }
            }

            @Override
            public void end(Report r) {
                view.end(r);
                if (services.json()) {
                    out.println();
                }
                out.flush();
                held.release();
            }
        };
    }

    /**
     * The findings of a run, one line each on stderr (with what to do for those that block), and where to see
     * the whole report: what {@code send --wait}, {@code approve --wait} and {@code watch --until-idle} say at
     * the end, since their stdout holds the answer or the events.
     */
    static void summarise(Services services, Report report, String sid) {
        for (Finding f : report.findings()) {
            services.err().println("ocs: " + f.severity().label() + " " + f.code() + ": " + f.summary());
            if (Diagnosis.waitsOnPerson(f) || f.code().equals(Diagnosis.RETRYING)) {
                services.err().println("     " + f.advice());
            }
        }
        if (!report.findings().isEmpty()) {
            services.err().println("ocs: details: " + services.ocsCommand() + " inspect " + sid);
        }
        services.err().flush();
    }
}
