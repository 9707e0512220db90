package dev.ocs.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.ExitCode;
import dev.ocs.cli.OcsCommand;
import dev.ocs.cli.Services;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ocs mcp}: an MCP server on stdio (the SDK's classic server) whose tools are ocs's commands. Each call
 * runs its command in-process, as the command line would with {@code --json}, with its own streams: the JSON
 * on its stdout becomes the result, its one-line error the error result. stdout belongs to the protocol; logs,
 * the SDK's included, go to stderr.
 */
public final class McpServe {
    private final Map<String, String> env;
    private final List<String> globalArgs;
    private final PrintWriter log;
    private final boolean verbose;
    private final Calls calls = new Calls();

    /**
     * @param globalArgs the connection options {@code ocs mcp} was started with, given to every command it runs
     * @param log        stderr
     */
    public McpServe(Map<String, String> env, List<String> globalArgs, PrintWriter log, boolean verbose) {
        this.env = env;
        this.globalArgs = List.copyOf(globalArgs);
        this.log = log;
        this.verbose = verbose;
    }

    /**
     * Serves until the client closes stdin, and then until what it asked before that has been answered: {@code
     * echo REQUEST | ocs mcp} gets its answer. A client that wants it gone sooner ends it (SIGTERM, as MCP's stdio
     * shutdown has it); runs that calls were waiting on go on.
     */
    public int serve(InputStream stdin, OutputStream stdout, String version) throws InterruptedException {
        List<SyncToolSpecification> specs = new ArrayList<>();
        for (Tools.Tool t : Tools.all()) {
            specs.add(SyncToolSpecification.builder().tool(describe(t))
                    .callHandler((exchange, request) -> call(t, exchange, request)).build());
        }
        log.println("ocs mcp: serving " + specs.size() + " tools on stdio; end of input stops it");
        Inbound in = new Inbound(stdin, calls, log);
        Outbound out = new Outbound(stdout);
        // the SDK's own mapper, configured as the SDK expects (ocs's is set up for reading the server's JSON)
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper());
        StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper, in.start(), out,
                Inbound.sdkLimit());
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("ocs", version)
                .instructions("ocs drives and diagnoses the sessions of an opencode server (opencode serve): "
                        + "send prompts and wait for answers, find out why an answer is empty or broken, and "
                        + "answer what a run asks of a person. " + Tools.FINDINGS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                .validateToolInputs(true)
                .tools(specs)
                .build();
        in.closed().await();
        // Every request read before the end of input is answered before the SDK is told of the end (it drops what
        // it has not written once it sees it). A request the SDK leaves unanswered (one before initialize) does
        // not hold the exit for more than a second of quiet.
        long quietSince = System.nanoTime();
        int seen = -1;
        while (true) {
            boolean done = in.drained() && calls.idle();
            if (done && out.answers() >= in.requests()) {
                break;
            }
            int now = out.answers() + (done ? 0 : 1_000_000);
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (done && System.nanoTime() - quietSince > 1_000_000_000L) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        in.close();
        server.closeGracefully();
        return ExitCode.OK;
    }

    /**
     * stdout as the SDK writes it, counting the answers (lines that start as the SDK writes a response: {@code
     * {"jsonrpc":"2.0","id":}, where a request or notification of its own has its method first).
     */
    static final class Outbound extends java.io.FilterOutputStream {
        private static final byte[] ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.US_ASCII);
        private final java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
        private int matched;
        private boolean lineStart = true;

        Outbound(OutputStream out) {
            super(out);
        }

        int answers() {
            return answers.get();
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
            see((byte) b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                see(b[i]);
            }
        }

        private void see(byte b) {
            if (b == '\n') {
                lineStart = true;
                matched = 0;
                return;
            }
            if (lineStart) {
                if (matched < ANSWER.length && b == ANSWER[matched]) {
                    if (++matched == ANSWER.length) {
                        answers.incrementAndGet();
                        lineStart = false;
                    }
                } else {
                    lineStart = false;
                }
            }
        }
    }

    /** How often a wait says it is still waiting, to a client that asked for progress. */
    static final int PROGRESS_SECONDS = 10;

    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ocs-mcp-progress");
        t.setDaemon(true);
        return t;
    });

    /** The connection, client and API the first call built: every later call uses them. */
    private volatile Services.Built built;

    private static McpSchema.Tool describe(Tools.Tool t) {
        // read-only tools can be called again at will; abort_session is the one that ends something
        return McpSchema.Tool.builder(t.name(), t.inputSchema()).title(t.title()).description(t.description())
                .annotations(McpSchema.ToolAnnotations.builder().title(t.title()).readOnlyHint(t.readOnly())
                        .destructiveHint(t.name().equals("abort_session")).idempotentHint(t.readOnly())
                        .build())
                .build();
    }

    /** One call: its command, run as the command line runs it; never a protocol error. */
    McpSchema.CallToolResult call(Tools.Tool tool, McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        String id = request.meta() == null ? null : (String) request.meta().get(Inbound.REQUEST_ID);
        Calls.Call call = calls.start(id);
        ScheduledFuture<?> beat = null;
        try {
            Arguments args = new Arguments(request.arguments());
            Tools.Command command;
            try {
                command = tool.argv().apply(args);
            } catch (Arguments.Invalid e) {
                return error("ocs: " + e.getMessage() + " (exit " + ExitCode.USAGE + ")");
            }
            if (call.cancelled()) { // before it began: nothing to stop, nothing ran
                call.detach();
                return error("ocs: cancelled before it began" + why(call) + " (exit " + ExitCode.INTERRUPTED + ")");
            }
            Object token = request.progressToken();
            if (token != null && tool.following()) {
                // a client whose time limit restarts on progress lets a long wait go on
                long start = System.nanoTime();
                beat = ticks.scheduleAtFixedRate(() -> call.unlessDone(() -> progress(exchange, token, start)),
                        PROGRESS_SECONDS, PROGRESS_SECONDS, TimeUnit.SECONDS);
            }
            Run run = run(command, tool.json());
            if (call.cancelled()) {
                call.detach(); // what follows (an abort, when asked) runs undisturbed by the interrupt
                return cancelled(tool, command, run, call, args);
            }
            return result(tool, command, run);
        } finally {
            if (beat != null) {
                beat.cancel(false);
            }
            calls.end(id, call);
        }
    }

    private void progress(McpSyncServerExchange exchange, Object token, long start) {
        double seconds = Math.floor((System.nanoTime() - start) / 1e9);
        try {
            exchange.progressNotification(new McpSchema.ProgressNotification(token, seconds, null,
                    "still waiting after " + (long) seconds + " s", null));
        } catch (RuntimeException e) {
            if (verbose) {
                log.println("ocs mcp: could not send progress: " + e.getMessage());
            }
        }
    }

    /** What one command did: its exit code, stdout and stderr. */
    record Run(int exit, byte[] stdout, String stderr) {
        /** The command's last one-line message ("ocs: …"), or null. */
        String message() {
            String said = null;
            for (String line : stderr.split("\n")) {
                if (line.startsWith("ocs: ")) {
                    said = line;
                }
            }
            return said;
        }
    }

    Run run(Tools.Command command, boolean json) {
        List<String> args = new ArrayList<>(globalArgs);
        if (json) {
            args.add("--json");
        }
        args.addAll(command.args());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        InputStream stdin = new ByteArrayInputStream(command.stdin() == null ? new byte[0] : command.stdin());
        Services services = new Services(env, out, new PrintWriter(err, true), stdin, false, false);
        Services.Built first = built;
        if (first != null) {
            services.adopt(first);
        }
        int exit = OcsCommand.run(services, args.toArray(new String[0]));
        if (first == null) {
            built = services.built(); // its API, if it built one, serves the calls after it
        }
        String said = err.toString();
        if (verbose && !said.isEmpty()) {
            log.print(said);
            log.flush();
        }
        return new Run(exit, out.toByteArray(), said);
    }

    McpSchema.CallToolResult result(Tools.Tool tool, Tools.Command command, Run run) {
        int exit = run.exit();
        boolean report = exit == ExitCode.OK || exit == ExitCode.FINDING || exit == ExitCode.TIMEOUT
                || exit == ExitCode.PERMISSION;
        if (!report) {
            String said = run.message();
            // a usage error's pointer to the command line's help means nothing to a model
            return error((said == null ? "ocs: failed" : SEE_HELP.matcher(said).replaceFirst("")) + " (exit " + exit
                    + ")");
        }
        if (command.output() != null) {
            ObjectNode written = Json.mapper().createObjectNode();
            written.put("path", command.output().toString());
            try {
                written.put("bytes", java.nio.file.Files.size(command.output()));
            } catch (IOException e) {
                return error("ocs: " + command.output() + " was not written (" + e.getMessage() + ") (exit "
                        + ExitCode.SERVER_ERROR + ")");
            }
            return structured(written, exit);
        }
        if (!tool.json()) {
            return McpSchema.CallToolResult.builder()
                    .addTextContent(new String(run.stdout(), StandardCharsets.UTF_8)).isError(false).build();
        }
        ObjectNode doc;
        try {
            JsonNode n = Json.mapper().readTree(run.stdout());
            if (n instanceof ObjectNode o) {
                doc = o;
            } else {
                doc = Json.mapper().createObjectNode();
                doc.set("sessions", n); // wait's array
            }
        } catch (IOException e) {
            return error("ocs: the command's output was not JSON (" + e.getMessage() + ") (exit "
                    + ExitCode.SERVER_ERROR + ")");
        }
        String next = next(tool, exit, command.sessionIDs());
        if (next != null) {
            doc.put("next", next);
        }
        if ((exit == ExitCode.TIMEOUT || exit == ExitCode.PERMISSION) && run.message() != null) {
            doc.put("message", run.message());
        }
        return structured(doc, exit);
    }

    private static final Pattern SEE_HELP = Pattern.compile(" \\(see 'ocs[^']*--help'\\)$");

    /** A normal result: the document plus its exit code, as text and as structured content. */
    private static McpSchema.CallToolResult structured(ObjectNode doc, int exit) {
        doc.put("exitCode", exit);
        return McpSchema.CallToolResult.builder().addTextContent(doc.toString())
                .structuredContent(Json.mapper().convertValue(doc, LINKED_MAP)).isError(false).build();
    }

    /** For a model: what to do after a wait that did not end the run. */
    private static String next(Tools.Tool tool, int exit, List<String> sids) {
        if (!tool.following()) {
            return null;
        }
        String which = sids.isEmpty() ? "" : " with session_ids " + Json.mapper().valueToTree(sids);
        if (exit == ExitCode.TIMEOUT) {
            return "still running: call wait_session" + which;
        }
        if (exit == ExitCode.PERMISSION) {
            return "waiting on a person: see the findings (permission-pending: call approve_permission; "
                    + "question-pending: call answer_question), then call wait_session" + which;
        }
        return null;
    }

    private static final Pattern SESSION_LINE = Pattern.compile("(?m)^session (ses_\\S+)$");

    /**
     * The client cancelled the call: the command stopped waiting (exit 130) and the run goes on, unless the call
     * asked for {@code abort_on_cancel}. The SDK still sends this result; a client that cancelled ignores it.
     */
    private McpSchema.CallToolResult cancelled(Tools.Tool tool, Tools.Command command, Run run, Calls.Call call,
                                               Arguments args) {
        List<String> sids = new ArrayList<>(command.sessionIDs());
        Matcher m = SESSION_LINE.matcher(run.stderr());
        if (sids.isEmpty() && m.find()) {
            sids.add(m.group(1)); // send's new session, named on stderr once created
        }
        boolean abort = tool.following() && args.bool("abort_on_cancel", false);
        StringBuilder said = new StringBuilder("ocs: cancelled").append(why(call));
        for (String sid : sids) {
            if (abort) {
                Run aborted = run(new Tools.Command(List.of("abort", sid), List.of(sid)), true);
                said.append(aborted.exit() == ExitCode.OK ? "; aborted " + sid : "; could not abort " + sid + " ("
                        + (aborted.message() == null ? "exit " + aborted.exit() : aborted.message()) + ")");
            } else {
                said.append("; ").append(sid).append(" keeps running");
            }
        }
        if (verbose) {
            log.println(said);
        }
        return error(said + " (exit " + ExitCode.INTERRUPTED + ")");
    }

    private static String why(Calls.Call call) {
        return call.reason() == null ? "" : " (" + OpencodeClient.oneLine(call.reason(), 120) + ")";
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> LINKED_MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};
}
