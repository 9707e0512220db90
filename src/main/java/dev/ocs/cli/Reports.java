package dev.ocs.cli;

import com.fasterxml.jackson.core.JsonGenerator;
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
}
