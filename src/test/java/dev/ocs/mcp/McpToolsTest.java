package dev.ocs.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MCP front end without a server: the command lines tools run, the stdin filter, the results. */
class McpToolsTest {
    private static Tools.Tool tool(String name) {
        return Tools.all().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static Tools.Command argv(String tool, Map<String, Object> args) {
        return tool(tool).argv().apply(new Arguments(args));
    }

    @Test
    void sendPromptSendsThePromptAsStandardInputAndWaitsBriefByDefault() {
        String prompt = "--not-an-option \"quoted\"\nline two ünï 🚀";
        Tools.Command c = argv("send_prompt", Map.of("prompt", prompt, "title", "-dash", "model", "p/m"));
        assertEquals(List.of("send", "-", "--model=p/m", "--title=-dash", "--wait", "--brief", "--timeout=120s"),
                c.args());
        assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8), c.stdin(), "the prompt's bytes, unchanged");
        Tools.Command quick = argv("send_prompt", Map.of("prompt", "x", "wait", false, "session_id", "ses_a"));
        assertEquals(List.of("send", "-", "--session=ses_a"), quick.args());
        assertEquals(List.of("ses_a"), quick.sessionIDs());
    }

    @Test
    void eachToolsCommandLine() {
        assertEquals(List.of("inspect", "ses_a", "--brief", "--last=3"),
                argv("inspect_session", Map.of("session_id", "ses_a", "last", 3)).args());
        assertEquals(List.of("wait", "--any", "--timeout=5s", "--max-cost=0.5", "--", "ses_a", "ses_b"),
                argv("wait_session", Map.of("session_ids", List.of("ses_a", "ses_b"), "any", true,
                        "timeout_seconds", 5, "max_cost", 0.5)).args());
        assertEquals(List.of("approve", "ses_a", "per_1", "--reject", "--message=not there"),
                argv("approve_permission", Map.of("session_id", "ses_a", "permission_id", "per_1",
                        "reply", "reject", "message", "not there")).args());
        assertEquals(List.of("answer", "ses_a", "--option=Postgres", "--next", "--option=Docker", "--option=Cloud",
                        "--text=-in a VM", "--wait", "--brief", "--timeout=120s"),
                argv("answer_question", Map.of("session_id", "ses_a", "wait", true, "answers", List.of(
                        Map.of("options", List.of("Postgres")),
                        Map.of("options", List.of("Docker", "Cloud"), "text", "-in a VM")))).args());
        assertEquals(List.of("export", "ses_a", "--format=md", "--output=/tmp/x.md"),
                argv("export_session", Map.of("session_id", "ses_a", "path", "/tmp/x.md")).args());
        assertEquals(List.of("doctor", "--probe"), argv("server_status", Map.of("probe", "default")).args());
        assertEquals(List.of("doctor", "--probe=p/m"), argv("server_status", Map.of("probe", "p/m")).args());
        assertEquals(List.of("list", "--limit=5", "--busy"),
                argv("list_sessions", Map.of("limit", 5, "busy", true)).args());
        assertFalse(tool("export_session").json(), "export's Markdown is not --json");
    }

    /** Every argument of every tool set at once: the command line it makes is one the real command takes. */
    @Test
    void everyToolsCommandLineIsOneTheCommandTakes() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("ocs-mcp").resolve("new.md");
        Map<String, Map<String, Object>> full = Map.of(
                "list_sessions", Map.of("limit", 5, "busy", true, "roots", true, "search", "x"),
                "inspect_session", Map.of("session_id", "ses_a", "last", 2, "full", true, "thinking", true,
                        "expect_model", "p/m"),
                "send_prompt", Map.ofEntries(Map.entry("prompt", "hi"), Map.entry("session_id", "ses_a"),
                        Map.entry("model", "p/m"), Map.entry("agent", "plan"), Map.entry("title", "t"),
                        Map.entry("on_permission", "once"), Map.entry("on_question", "first"),
                        Map.entry("timeout_seconds", 5), Map.entry("max_retries", 0), Map.entry("max_cost", 0.5),
                        Map.entry("max_tokens", 100), Map.entry("full_report", true),
                        Map.entry("abort_on_cancel", true)),
                "wait_session", Map.of("session_ids", List.of("ses_a", "ses_b"), "any", true, "timeout_seconds", 5,
                        "max_retries", 1, "max_cost", 1, "max_tokens", 10),
                "approve_permission", Map.of("session_id", "ses_a", "permission_id", "per_1", "reply", "always",
                        "message", "m", "all", true, "wait", true, "full_report", true),
                "answer_question", Map.of("session_id", "ses_a", "question_id", "que_1", "answers",
                        List.of(Map.of("options", List.of("a"), "text", "b")), "wait", true),
                "abort_session", Map.of("session_id", "ses_a"),
                "export_session", Map.of("session_id", "ses_a", "full", true, "thinking", true, "path",
                        file.toString()),
                "server_status", Map.of("probe", "p/m"));
        assertEquals(Tools.all().size(), full.size());
        for (Tools.Tool t : Tools.all()) {
            List<String> args = new java.util.ArrayList<>(List.of("--url", "http://127.0.0.1:1"));
            if (t.json()) {
                args.add("--json");
            }
            args.addAll(argv(t.name(), full.get(t.name())).args());
            String[] a = args.toArray(new String[0]);
            dev.ocs.cli.Services s = new dev.ocs.cli.Services(Map.of(), new java.io.ByteArrayOutputStream(),
                    new PrintWriter(new StringWriter()), new ByteArrayInputStream(new byte[0]), false, false);
            picocli.CommandLine.ParseResult r = dev.ocs.cli.OcsCommand.commandLine(s, a).parseArgs(a);
            assertTrue(r.hasSubcommand(), t.name() + ": " + args);
        }
    }

    @Test
    void everyFindingCodeIsExplainedToTheModel() throws Exception {
        int codes = 0;
        for (java.lang.reflect.Field f : dev.ocs.session.Diagnosis.class.getFields()) {
            if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())
                    && java.lang.reflect.Modifier.isFinal(f.getModifiers())) {
                assertTrue(Tools.FINDINGS.contains(f.get(null) + " ("), f.get(null) + " in Tools.FINDINGS");
                codes++;
            }
        }
        assertEquals(13, codes, "the finding codes the README lists");
    }

    @Test
    void exportWritesOnlyToANewAbsolutePath() throws Exception {
        java.nio.file.Path there = java.nio.file.Files.createTempFile("ocs-mcp", ".md");
        assertThrows(Arguments.Invalid.class, () -> argv("export_session", Map.of("session_id", "ses_a",
                "path", "relative.md")));
        Arguments.Invalid e = assertThrows(Arguments.Invalid.class, () -> argv("export_session", Map.of(
                "session_id", "ses_a", "path", there.toString())));
        assertTrue(e.getMessage().contains("exists already"), e.getMessage());
    }

    @Test
    void aCancellationThatComesBeforeTheCallBeginsCounts() {
        Calls calls = new Calls();
        Inbound in = new Inbound(new ByteArrayInputStream(new byte[0]), calls, new PrintWriter(new StringWriter()));
        line(in, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}");
        line(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}");
        Calls.Call c = calls.start("9");
        assertTrue(c.cancelled(), "known from the moment its request was read");
        assertFalse(Thread.currentThread().isInterrupted(), "no thread was there to interrupt");
        calls.end("9", c);
        assertEquals(1, in.requests());
    }

    @Test
    void onlyWhatTheSdkCanReadReachesIt() {
        Inbound in = new Inbound(new ByteArrayInputStream(new byte[0]), new Calls(), new PrintWriter(new StringWriter()));
        assertEquals("", line(in, "{\"jsonrpc\":\"2.0\"}"));
        assertEquals("", line(in, "{\"jsonrpc\":\"2.0\",\"id\":1}"));
        assertEquals("", line(in, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"));
        String answer = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";
        assertEquals(answer + "\n", line(in, answer), "an answer to the SDK's own request");
        assertEquals(0, in.requests(), "an answer is owed none");
    }

    @Test
    void argumentsOfTheWrongTypeAreNamed() {
        Arguments.Invalid e = assertThrows(Arguments.Invalid.class,
                () -> argv("inspect_session", Map.of("session_id", 42)));
        assertEquals("argument 'session_id' must be a string", e.getMessage());
        assertThrows(Arguments.Invalid.class, () -> argv("wait_session", Map.of("session_ids", List.of())));
        assertThrows(Arguments.Invalid.class, () -> argv("inspect_session", Map.of("session_id", "ses_a",
                "last", 1.5)));
    }

    @Test
    void everyToolHasAnObjectSchemaWhoseRequiredArgumentsItDescribes() {
        for (Tools.Tool t : Tools.all()) {
            assertEquals("object", t.inputSchema().get("type"), t.name());
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) t.inputSchema().get("properties");
            Object required = t.inputSchema().get("required");
            if (required != null) {
                for (Object r : (List<?>) required) {
                    assertTrue(props.containsKey(r), t.name() + " describes " + r);
                }
            }
        }
    }

    private static String line(Inbound in, String json) {
        return new String(in.pass(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void theInboundFilterTagsToolCallsTakesCancellationsAndPassesTheRestUnchanged() throws Exception {
        Calls calls = new Calls();
        Inbound in = new Inbound(new ByteArrayInputStream(new byte[0]), calls, new PrintWriter(new StringWriter()));
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,  \"method\":\"ping\"}";
        assertEquals(ping + "\n", line(in, ping), "byte for byte");
        assertEquals("", line(in, "not json"));

        JsonNode tagged = Json.mapper().readTree(line(in, "{\"jsonrpc\":\"2.0\",\"id\":\"a7\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"list_sessions\",\"arguments\":{},\"_meta\":{\"progressToken\":3}}}"));
        assertEquals("\"a7\"", tagged.path("params").path("_meta").path(Inbound.REQUEST_ID).asText());
        assertEquals(3, tagged.path("params").path("_meta").path("progressToken").asInt(), "the client's _meta kept");

        Calls.Call call = calls.start("\"a7\"");
        assertEquals("", line(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":\"a7\",\"reason\":\"stop\"}}"), "the SDK does not see it");
        assertTrue(call.cancelled());
        assertEquals("stop", call.reason());
        assertTrue(Thread.interrupted(), "the call's thread was interrupted");
        calls.end("\"a7\"", call);
        assertTrue(calls.idle());
    }

    @Test
    void endOfInputIsSeenAndALineTooLongIsDropped() throws Exception {
        StringWriter log = new StringWriter();
        byte[] input = ("{\"a\":1}\n" + "x".repeat(Inbound.MAX_LINE + 10) + "\n{\"b\":2}")
                .getBytes(StandardCharsets.UTF_8);
        Inbound in = new Inbound(new ByteArrayInputStream(input), new Calls(), new PrintWriter(log, true));
        java.io.InputStream sdk = in.start();
        assertTrue(in.closed().await(5, java.util.concurrent.TimeUnit.SECONDS), "the end of input is signalled");
        assertTrue(in.drained(), "nothing left for the SDK");
        in.close(); // the SDK sees the end only now
        assertEquals("", new String(sdk.readAllBytes(), StandardCharsets.UTF_8), "neither is JSON-RPC");
        assertTrue(log.toString().contains("dropped a message of over 16 MiB"), log.toString());

        StringWriter log2 = new StringWriter();
        byte[] mixed = ("\n  \n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\nhello\n{}\n[1]\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").getBytes(StandardCharsets.UTF_8);
        Inbound in2 = new Inbound(new ByteArrayInputStream(mixed), new Calls(), new PrintWriter(log2, true));
        java.io.InputStream sdk2 = in2.start();
        assertTrue(in2.closed().await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(in2.drained(), "two messages wait for the SDK");
        in2.close();
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n",
                new String(sdk2.readAllBytes(), StandardCharsets.UTF_8), "blank and foreign lines left out");
        assertEquals(3, log2.toString().lines().filter(l -> l.startsWith("ocs mcp: ignored a line that is not a "
                + "JSON-RPC 2.0 message: ")).count(), log2.toString());
    }

    @Test
    void outcomesWithAReportAreResultsAndTheRestAreToolErrors() {
        McpServe serve = new McpServe(Map.of(), List.of(), new PrintWriter(new StringWriter()), false);
        Tools.Tool send = tool("send_prompt");
        Tools.Command c = new Tools.Command(List.of("send"), List.of("ses_a"));
        McpSchema.CallToolResult timeout = serve.result(send, c, new McpServe.Run(7,
                "{\"session\":{\"id\":\"ses_a\"}}".getBytes(StandardCharsets.UTF_8),
                "ocs: no end after 2s; ses_a is still running. Stop it with: ocs abort ses_a\n"));
        assertFalse(timeout.isError());
        JsonNode doc = Json.mapper().valueToTree(timeout.structuredContent());
        assertEquals(7, doc.path("exitCode").asInt());
        assertEquals("still running: call wait_session with session_ids [\"ses_a\"]", doc.path("next").asText());

        McpSchema.CallToolResult wait = serve.result(tool("wait_session"), c, new McpServe.Run(0,
                "[{\"sessionID\":\"ses_a\"}]".getBytes(StandardCharsets.UTF_8), ""));
        assertEquals("ses_a", Json.mapper().valueToTree(wait.structuredContent()).path("sessions").path(0)
                .path("sessionID").asText(), "wait's array, under sessions");

        for (int exit : new int[] {2, 3, 4, 5, 6, 130}) {
            McpSchema.CallToolResult e = serve.result(send, c, new McpServe.Run(exit, new byte[0],
                    "session ses_a\nocs: what went wrong\n"));
            assertTrue(e.isError(), "exit " + exit);
            assertEquals("ocs: what went wrong (exit " + exit + ")",
                    ((McpSchema.TextContent) e.content().get(0)).text());
        }
    }
}
