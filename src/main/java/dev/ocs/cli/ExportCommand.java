package dev.ocs.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.http.Json;
import dev.ocs.session.MarkdownReport;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

public final class ExportCommand implements Callable<Integer> {
    private String sessionId;
    private String format;
    private Path file;
    private boolean full;
    private boolean thinking;

    private final Services services;
    final CommandSpec spec;

    ExportCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "export", false, "Write a session out: a Markdown transcript to read or paste into "
                + "an issue (header, turns, tool calls with input and output, errors, findings), or the server's "
                + "messages as JSON, as they are.",
                "Streams: a session of any size exports in little memory. Nothing is written when the read fails.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        a.option(String.class, v -> format = v, OptionSpec.builder("--format").paramLabel("md|json")
                .description("md (the default): the transcript; json: {\"info\": the session, \"messages\": the "
                        + "server's messages, lossless} (also --json)."));
        a.option(Path.class, v -> file = v, OptionSpec.builder("-o", "--output").paramLabel("FILE")
                .description("Write to FILE (whole, or not at all) instead of stdout."));
        a.flag(v -> full = v, OptionSpec.builder("--full")
                .description("md: texts, tool inputs and outputs whole, not trimmed as inspect trims them."));
        a.flag(v -> thinking = v, OptionSpec.builder("--thinking").description("md: include reasoning text."));
        spec = a.spec();
    }

    @Override
    public Integer call() throws IOException {
        String sid = Ids.session(sessionId);
        boolean json = json();
        Path target = file == null || file.toString().equals("-") ? null : file.toAbsolutePath();
        if (target != null && (target.getParent() == null || !Files.isDirectory(target.getParent()))) {
            throw OcsException.usage("-o " + file + ": no such directory " + target.getParent());
        }
        if (target != null && Files.isDirectory(target)) {
            throw OcsException.usage("-o " + file + " is a directory; give a file name");
        }
        Path partial = target == null ? null : target.resolveSibling("." + target.getFileName() + ".ocs-"
                + ProcessHandle.current().pid() + ".partial");
        services.out().flush();
        OutputStream sink;
        try {
            sink = partial == null ? new HeldOutput(services.stdout())
                    : new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
        } catch (IOException e) {
            throw OcsException.usage("-o " + file + ": cannot write (" + e.getClass().getSimpleName() + ")");
        }
        boolean done = false;
        try {
            if (json) {
                lossless(sid, sink);
            } else {
                transcript(sid, sink);
            }
            done = true;
        } finally {
            if (partial != null) {
                sink.close();
                if (done) {
                    move(partial, target);
                } else {
                    Files.deleteIfExists(partial);
                }
            } else if (done) {
                ((HeldOutput) sink).release();
            }
        }
        if (target != null) {
            services.err().println("ocs: wrote " + file + " (" + Files.size(target) + " bytes)");
        }
        return ExitCode.OK;
    }

    private boolean json() {
        if (format != null && !format.equals("md") && !format.equals("json")) {
            throw OcsException.usage("--format must be md or json");
        }
        if (services.json() && "md".equals(format)) {
            throw OcsException.usage("--json writes JSON; drop it, or --format md");
        }
        if ((services.json() || "json".equals(format)) && (full || thinking)) {
            throw OcsException.usage("--full and --thinking shape the Markdown; the JSON holds everything already");
        }
        return services.json() || "json".equals(format);
    }

    private void transcript(String sid, OutputStream sink) {
        ReadOptions opt = new ReadOptions(full, thinking, true);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8));
        new Sessions(services.api()).report(sid, 0, opt, services.diagnosis(null), new MarkdownReport(out, opt));
        out.flush();
    }

    /** {"info": …, "messages": …}: the messages' bytes as the server sent them, copied as they arrive. */
    private void lossless(String sid, OutputStream sink) throws IOException {
        Sessions sessions = new Sessions(services.api());
        JsonGenerator g = Output.generator(sink);
        g.writeStartObject();
        g.writeFieldName("info");
        Json.write(g, sessions.infoNode(sid));
        g.writeFieldName("messages");
        g.writeRawValue(""); // the separator; the value itself goes straight to the bytes below
        g.flush();
        sessions.copyMessages(sid, sink);
        sink.write("\n}\n".getBytes(StandardCharsets.UTF_8));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
