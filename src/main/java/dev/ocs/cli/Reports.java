package dev.ocs.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ocs.session.Finding;
import dev.ocs.session.HumanReport;
import dev.ocs.session.JsonReport;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.Style;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Prints a session report the way the global options ask: JSON, or the human report. */
final class Reports {
    private Reports() {}

    static void print(Services services, Report report, ReadOptions opt) {
        if (services.json()) {
            try {
                JsonGenerator g = Output.generator(services.out());
                JsonReport.write(g, report);
                services.out().println();
                services.out().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            new HumanReport(services.out(), new Style(services.colorOut()), opt).render(report);
        }
    }

    /**
     * The findings of a run, one line each on stderr (with what to do for those that block), and where to see
     * the whole report: what {@code send --wait}, {@code approve --wait} and {@code watch --until-idle} say at
     * the end, since their stdout holds the answer or the events.
     */
    static void summarise(Services services, Report report, String sid) {
        for (Finding f : report.findings()) {
            services.err().println("ocs: " + f.severity().label() + " " + f.code() + ": " + f.summary());
            if (f.code().equals("permission-pending") || f.code().equals("retrying")) {
                services.err().println("     " + f.advice());
            }
        }
        if (!report.findings().isEmpty()) {
            services.err().println("ocs: details: " + services.ocsCommand() + " inspect " + sid);
        }
        services.err().flush();
    }
}
