package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.events.EventFeed;
import dev.ocs.http.OpencodeClient;
import dev.ocs.run.Prompts;
import dev.ocs.run.StatusLine;
import dev.ocs.run.Waiter;
import dev.ocs.session.Finding;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "send", sortOptions = false,
        description = {"Send a prompt: to a new session (printing its id), or to an existing one with -s.",
                "With --wait, follow the run and print the answer; the exit code is inspect's."})
public final class SendCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PROMPT",
            description = "The prompt; '-' reads it from standard input.")
    String prompt;

    @Option(names = {"-f", "--file"}, paramLabel = "PATH", description = "Read the prompt from a file.")
    Path file;

    @Option(names = {"-s", "--session"}, paramLabel = "SID", description = "Continue this session.")
    String session;

    @Option(names = {"-m", "--model"}, paramLabel = "PROVIDER/MODEL", description = "The model for this prompt.")
    String model;

    @Option(names = "--agent", paramLabel = "NAME", description = "The agent (build, plan, …).")
    String agent;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title of the new session.")
    String title;

    @Option(names = "--wait", description = "Wait for the answer and print it.")
    boolean await;

    @Option(names = "--stream", description = "Print the answer as it is written (implies --wait).")
    boolean stream;

    @Option(names = "--thinking", description = "With --stream: include reasoning.")
    boolean thinking;

    @Option(names = "--on-permission", paramLabel = "stop|once|always|reject", defaultValue = "stop",
            description = "What to do when the run asks a permission (default ${DEFAULT-VALUE}: exit 8).")
    String onPermission;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Give up waiting after this long (default ${DEFAULT-VALUE}); the session keeps running.")
    String timeout;

    @Option(names = "--max-retries", paramLabel = "N", defaultValue = "3",
            description = "Stop waiting once the server's retry attempt passes N (default ${DEFAULT-VALUE}).")
    int maxRetries;

    @Option(names = "--full", description = "With --wait --json: texts and tool outputs whole.")
    boolean full;

    private final Services services;

    SendCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws InterruptedException {
        boolean wait = await || stream;
        String[] providerModel = splitModel(model);
        if (session != null) {
            Ids.session(session);
        }
        if (!java.util.List.of("stop", "once", "always", "reject").contains(onPermission)) {
            throw OcsException.usage("--on-permission must be stop, once, always or reject");
        }
        if (maxRetries < 0) {
            throw OcsException.usage("--max-retries must be 0 or more");
        }
        if (stream && services.json()) {
            throw OcsException.usage("--stream writes the answer as text; use --wait with --json for the report");
        }
        Duration limit = Durations.parse("--timeout", timeout);
        String text = promptText();

        OpencodeClient client = services.client();
        Prompts prompts = new Prompts(client);
        Sessions sessions = new Sessions(client);
        String sid;
        String before = null;
        if (session != null) {
            sid = session;
            sessions.info(sid);
            before = prompts.newestMessageId(sid);
        } else {
            sid = prompts.create(title);
        }
        if (!wait) {
            prompts.send(sid, text, providerModel[0], providerModel[1], agent);
            prompts.confirm(sid, before);
            if (services.json()) {
                Output.json(services.out(), Map.of("sessionID", sid));
            } else {
                services.out().println(sid);
            }
            return ExitCode.OK;
        }

        try (EventFeed feed = new EventFeed(client).start()) {
            prompts.send(sid, text, providerModel[0], providerModel[1], agent);
            services.err().println("session " + sid);
            prompts.confirm(sid, before);
            StatusLine line = new StatusLine(services.err(), services.errIsTty());
            Waiter waiter = new Waiter(client, new Waiter.Options(limit, maxRetries, onPermission, stream, thinking,
                    Duration.ofSeconds(30)), services.out(), line);
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
                removeHook(hook);
            }
            return finish(sessions, sid, before, outcome, waiter.streamedText(), limit);
        }
    }

    private int finish(Sessions sessions, String sid, String before, Waiter.Outcome outcome, boolean streamed,
                       Duration limit) {
        ReadOptions opt = new ReadOptions(full || !services.json(), thinking);
        Report report = sessions.report(sid, 0, before, opt,
                services.diagnosis(null).withStreamErrors(outcome.sessionErrors()));
        if (services.json()) {
            Reports.print(services, report, opt);
        } else if (!streamed) {
            String answer = report.finalText();
            if (answer != null) {
                services.out().println(answer);
            }
        }
        services.out().flush();
        if (outcome.end() == Waiter.End.TIMEOUT) {
            services.err().println("ocs: no end after " + timeout + "; " + sid + " is still running. Stop it with: "
                    + services.ocsCommand() + " abort " + sid);
            return ExitCode.TIMEOUT;
        }
        if (!services.json()) {
            for (Finding f : report.findings()) {
                services.err().println("ocs: " + f.severity().label() + " " + f.code() + ": " + f.summary());
                if (f.code().equals("permission-pending") || f.code().equals("retrying")) {
                    services.err().println("     " + f.advice());
                }
            }
            if (!report.findings().isEmpty()) {
                services.err().println("ocs: details: " + services.ocsCommand() + " inspect " + sid);
            }
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

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running
        }
    }

    static String[] splitModel(String model) {
        if (model == null) {
            return new String[] {null, null};
        }
        int slash = model.indexOf('/');
        if (slash <= 0 || slash == model.length() - 1) {
            throw OcsException.usage("-m must be PROVIDER/MODEL (e.g. anthropic/claude-sonnet-4), got '" + model + "'");
        }
        return new String[] {model.substring(0, slash), model.substring(slash + 1)};
    }

    private String promptText() {
        if (prompt != null && file != null) {
            throw OcsException.usage("give the prompt as an argument or with -f, not both");
        }
        String text;
        if (file != null) {
            try {
                text = utf8(Files.readAllBytes(file), "-f " + file);
            } catch (NoSuchFileException e) {
                throw OcsException.usage("-f " + file + ": no such file");
            } catch (IOException e) {
                throw OcsException.usage("-f " + file + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
        } else if ("-".equals(prompt)) {
            try (InputStream in = services.in()) {
                text = utf8(in.readAllBytes(), "standard input");
            } catch (IOException e) {
                throw OcsException.usage("cannot read the prompt from standard input: " + e.getMessage());
            }
        } else if (prompt == null) {
            throw OcsException.usage("no prompt: give it as an argument, with -f FILE, or '-' for standard input");
        } else {
            text = prompt;
        }
        if (text.isBlank()) {
            throw OcsException.usage("the prompt is empty");
        }
        return text;
    }

    private static String utf8(byte[] bytes, String from) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw OcsException.usage("the prompt from " + from + " is not UTF-8 text");
        }
    }
}
