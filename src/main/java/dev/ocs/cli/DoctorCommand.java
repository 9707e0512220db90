package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.serve.Doctor;
import dev.ocs.serve.Doctor.Check;
import dev.ocs.serve.Doctor.Level;
import dev.ocs.session.Style;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

public final class DoctorCommand implements Callable<Integer> {
    private String probe;
    private boolean allServers;

    private final Services services;
    final CommandSpec spec;

    DoctorCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "doctor", false, "Check the setup end to end: the server answers, the credentials, "
                + "its version, proxy variables, the providers and default model; with --probe, a tiny prompt "
                + "followed to its end.",
                "Each check is ok, warn or fail with what to do. Exit 0 nothing failed (warnings allowed), 1 a check "
                        + "failed (an unreachable server and rejected credentials included).");
        a.option(String.class, v -> probe = v, OptionSpec.builder("--probe").arity("0..1").paramLabel("PROVIDER/MODEL")
                .fallbackValue("").description("Also send a tiny prompt (to this model, else the default) in a new "
                        + "session, follow it for at most 60 s with at most 1 retry, and diagnose it. The session is "
                        + "kept."));
        a.flag(v -> allServers = v, OptionSpec.builder("--all-servers")
                .description("Check every server of the config file, at once, in one table with a SERVER column."));
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        if (allServers) {
            if (probe != null) {
                throw OcsException.usage("--probe sends a prompt to one server; drop it or --all-servers");
            }
            return allServers();
        }
        Doctor.Probe p = null;
        if (probe != null) {
            if (probe.isBlank()) {
                p = new Doctor.Probe(null, null);
            } else {
                String[] pm;
                try {
                    pm = SendCommand.splitModel(probe.strip());
                } catch (OcsException e) {
                    throw OcsException.usage("--probe takes PROVIDER/MODEL (e.g. anthropic/claude-sonnet-4), got '"
                            + probe + "'");
                }
                p = new Doctor.Probe(pm[0], pm[1]);
            }
        }
        Doctor doctor = new Doctor(services.api(), services.environment(),
                List.of(OcsCommand.property("opencode.versions").split(",")), OcsCommand.property("opencode.version"),
                services.ocsCommand(), services.err(), services.errIsTty());
        Style style = new Style(services.colorOut());
        boolean json = services.json();
        List<Check> checks = doctor.run(p, c -> {
            if (!json) {
                print(services.out(), style, c);
            }
        });
        if (json) {
            Output.json(services.out(), Doctor.json(services.connection().displayUrl(), checks));
        } else {
            long failed = checks.stream().filter(c -> c.status() == Level.FAIL).count();
            long warned = checks.stream().filter(c -> c.status() == Level.WARN).count();
            String warnings = warned == 0 ? "" : warned + (warned == 1 ? " warning" : " warnings");
            String summary = failed == 0 ? "all checks passed" + (warned == 0 ? "" : ", " + warnings)
                    : failed + (failed == 1 ? " check failed" : " checks failed") + (warned == 0 ? "" : ", " + warnings);
            services.out().println(failed == 0 ? style.green(summary) : style.red(summary));
            services.out().flush();
        }
        if (doctor.notOpencode() != null) {
            services.out().flush();
            services.err().println("ocs: " + doctor.notOpencode().getMessage());
            return doctor.notOpencode().exitCode();
        }
        return Doctor.ok(checks) ? ExitCode.OK : ExitCode.FINDING;
    }

    /** One doctor per configured server, four at a time; exit 0 when no check failed on any of them. */
    private int allServers() {
        List<Services.Target> targets = services.targets();
        List<String> names = targets.stream().map(t -> t.profile().name()).toList();
        List<List<Check>> results = dev.ocs.session.Sessions.fourAtATime(names, name -> {
            Services.Target t = targets.get(names.indexOf(name));
            Doctor doctor = new Doctor(t.api(), services.environment(),
                    List.of(OcsCommand.property("opencode.versions").split(",")),
                    OcsCommand.property("opencode.version"), "ocs --server " + name, services.err(), false);
            try {
                List<Check> checks = new java.util.ArrayList<>(doctor.run(null, c -> { }));
                if (doctor.notOpencode() != null) {
                    checks.add(new Check("server", Level.FAIL, t.api().connection().redact(
                            doctor.notOpencode().getMessage()), "check the server's url: ocs config show " + name));
                }
                return checks;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OcsException(ExitCode.INTERRUPTED, "interrupted", e);
            }
        });
        boolean ok = results.stream().allMatch(Doctor::ok);
        if (services.json()) {
            java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
            List<Object> servers = new java.util.ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                java.util.Map<String, Object> one = new java.util.LinkedHashMap<>();
                one.put("name", names.get(i));
                one.putAll(Doctor.json(targets.get(i).api().connection().displayUrl(), results.get(i)));
                servers.add(one);
            }
            doc.put("servers", servers);
            doc.put("ok", ok);
            Output.json(services.out(), doc);
        } else {
            Style style = new Style(services.colorOut());
            Table table = new Table(style).row("SERVER", "STATUS", "CHECK", "DETAIL");
            for (int i = 0; i < targets.size(); i++) {
                for (Check c : results.get(i)) {
                    table.row(1, c.status() == Level.OK ? style::green : c.status() == Level.WARN ? style::yellow
                            : style::red, names.get(i), c.status().label(), c.name(), c.detail());
                }
            }
            table.print(services.out());
            for (int i = 0; i < targets.size(); i++) {
                for (Check c : results.get(i)) {
                    if (c.advice() != null && c.status() != Level.OK) {
                        services.err().println("ocs: " + names.get(i) + " " + c.name() + ": " + c.advice());
                    }
                }
            }
            long failed = results.stream().filter(r -> !Doctor.ok(r)).count();
            services.out().println(ok ? style.green("all checks passed on " + targets.size() + " server"
                    + (targets.size() == 1 ? "" : "s")) : style.red("checks failed on " + failed + " of "
                    + targets.size() + " servers"));
        }
        return ok ? ExitCode.OK : ExitCode.FINDING;
    }

    static void print(PrintWriter out, Style style, Check c) {
        String label = String.format("%-5s", c.status().label());
        label = switch (c.status()) {
            case OK -> style.green(label);
            case WARN -> style.yellow(label);
            case FAIL -> style.red(label);
        };
        out.println(label + " " + String.format("%-14s", c.name()) + " " + c.detail());
        if (c.advice() != null) {
            out.println("      " + " ".repeat(15) + style.dim("do: ") + c.advice());
        }
        out.flush();
    }
}
